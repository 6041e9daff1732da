from django.db import migrations


def load(apps, schema_editor):
    from amparo.organizations.seed import load_institutions

    load_institutions(apps.get_model("organizations", "Organization"), apps.get_model("organizations", "Unit"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
