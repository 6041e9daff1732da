import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_seed_institutions"),
        ("people", "0002_personindextoken_owner_org"),
    ]

    operations = [
        migrations.AlterField(
            model_name="personindextoken",
            name="owner_org",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.RemoveIndex(
            model_name="personindextoken",
            name="people_pers_value_00718d_idx",
        ),
        migrations.AddIndex(
            model_name="personindextoken",
            index=models.Index(fields=["value", "kind", "owner_org", "person"], name="people_token_lookup"),
        ),
    ]
