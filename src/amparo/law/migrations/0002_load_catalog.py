"""Load the reviewed catalog file, so a fresh database has the legal catalog. Later changes to the file
reach existing databases with `amparo law-catalog load` (audited)."""

from django.db import migrations


def load(apps, schema_editor):
    from amparo.law.loader import read_catalog, sync_catalog

    names = ("Law", "Provision", "Article", "ArticleVersion", "PenaltyBand", "IncreaseRule")
    sync_catalog(read_catalog(), {name: apps.get_model("law", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("law", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
