"""Blind-index entries carry their person's registering institution (backfilled in batches).

Not atomic: each batch commits on its own, so a large index (millions of entries) is filled without one
huge transaction, and an interrupted run resumes where it stopped (only entries still empty are filled).
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery

BATCH = 2000  # persons per batch (about 8 index entries each)


def backfill_owner_org(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    Token = apps.get_model("people", "PersonIndexToken")
    db = schema_editor.connection.alias
    owner = Subquery(Person.objects.using(db).filter(pk=OuterRef("person_id")).values("owner_org_id")[:1])
    last = None
    while True:
        persons = Person.objects.using(db).order_by("pk")
        if last is not None:
            persons = persons.filter(pk__gt=last)
        ids = list(persons.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        with transaction.atomic(using=db):
            Token.objects.using(db).filter(person_id__in=ids, owner_org__isnull=True).update(owner_org_id=owner)
        last = ids[-1]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("organizations", "0002_seed_institutions"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="personindextoken",
            name="owner_org",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.RunPython(backfill_owner_org, migrations.RunPython.noop, elidable=True),
    ]
