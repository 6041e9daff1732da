from django.db import migrations


def load(apps, schema_editor):
    from amparo.referrals.seed import load_offers

    load_offers(apps.get_model("organizations", "Organization"), apps.get_model("referrals", "ServiceOffer"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("organizations", "0002_seed_institutions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
