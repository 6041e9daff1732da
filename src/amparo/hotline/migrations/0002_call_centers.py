from django.db import migrations

# The three 24-hour call centers of the seed cable that share the queue: institution code, unit code.
CALL_CENTERS = [("minex", "call-center"), ("pdh", "call-center"), ("pnc", "call-center")]
PNC_UNIT_NAME = "Centro de llamadas (línea de denuncia)"


def load(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Unit = apps.get_model("organizations", "Unit")
    CallCenter = apps.get_model("hotline", "CallCenter")
    for org_code, unit_code in CALL_CENTERS:
        organization = Organization.objects.filter(code=org_code).first()
        if organization is None:
            continue
        unit = Unit.objects.filter(organization=organization, code=unit_code).first()
        if unit is None:  # databases seeded before the PNC's call center was listed
            unit = Unit.objects.create(organization=organization, code=unit_code, name=PNC_UNIT_NAME)
        CallCenter.objects.get_or_create(organization=organization, defaults={"unit": unit})


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial"), ("organizations", "0002_seed_institutions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
