from django.db import migrations


def load(apps, schema_editor):
    from amparo.hotline.seed import load_call_centers

    load_call_centers(
        apps.get_model("organizations", "Organization"),
        apps.get_model("organizations", "Unit"),
        apps.get_model("hotline", "CallCenter"),
    )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial"), ("organizations", "0002_seed_institutions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
