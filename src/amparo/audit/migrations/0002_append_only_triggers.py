"""The database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events."""

from django.db import migrations

from amparo.audit.migrations._triggers import backwards, forwards


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
