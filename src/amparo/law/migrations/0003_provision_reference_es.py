"""A provision's reference ("Penal Code art. 44") in Spanish too: the screens showed it in English only.
The catalog file is loaded again to fill it."""

from django.db import migrations, models


def load(apps, schema_editor):
    from amparo.law.loader import read_catalog, sync_catalog

    names = ("Law", "Provision", "Article", "ArticleVersion", "PenaltyBand", "IncreaseRule")
    sync_catalog(read_catalog(), {name: apps.get_model("law", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("law", "0002_load_catalog")]
    operations = [
        migrations.RenameField(model_name="provision", old_name="reference", new_name="reference_en"),
        migrations.AddField(
            model_name="provision",
            name="reference_es",
            field=models.CharField(blank=True, default="", max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
