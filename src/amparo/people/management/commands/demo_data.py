from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from amparo.audit.services import audit_record
from amparo.core.keycheck import verify_master_keys
from amparo.organizations.models import Organization, Unit
from amparo.organizations.seed import load_institutions
from amparo.people.demo import generate
from amparo.people.indexing import tokens_for
from amparo.people.models import IdentityDocument, Person, PersonIndexToken

# Institutions that register persons in the demo (those with roles that see identifying data).
REGISTERING = [
    "casa-alianza",
    "sbs",
    "minex",
    "consulado-tapachula",
    "pnc",
    "mp",
    "pgn",
    "sobrevivientes",
    "dgm",
]


class Command(BaseCommand):
    help = "Create reproducible synthetic demo data (institutions, demo accounts, persons). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2008)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if persons already exist.")
        parser.add_argument("--no-accounts", action="store_true")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verify_master_keys()
        load_institutions(Organization, Unit)
        accounts = [] if options["no_accounts"] else ensure_demo_accounts()
        created = 0
        if not (options["if_empty"] and Person.objects.exists()):
            created = self._persons(options["persons"], options["seed"], options["batch_size"])
        with transaction.atomic():
            audit_record(
                actor=Actor.for_system("cli:demo-data"),
                action="demo_data.load",
                details={"persons_created": created, "seed": options["seed"]},
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Persons created: {created} (total {Person.objects.count()}) in {elapsed:.1f} s")
        if accounts:
            self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD})")
            for username, org, role in accounts:
                self.stdout.write(f"  {username:<20} {org:<16} {role}")
            self.stdout.write("Two-factor code for a demo account: .venv/bin/amparo demo-otp USERNAME")

    def _persons(self, count: int, seed: int, batch_size: int) -> int:
        org_ids = list(Organization.objects.filter(code__in=REGISTERING).values_list("pk", flat=True))
        today = timezone.localdate()
        created = 0
        batch = []
        for item in generate(count, seed, sorted(org_ids), today):
            batch.append(item)
            if len(batch) >= batch_size:
                created += self._save(batch)
                batch = []
        if batch:
            created += self._save(batch)
        return created

    @transaction.atomic
    def _save(self, batch: list[Any]) -> int:
        existing = set(Person.objects.filter(pk__in=[i.person.pk for i in batch]).values_list("pk", flat=True))
        fresh = [i for i in batch if i.person.pk not in existing]
        Person.objects.bulk_create([i.person for i in fresh], batch_size=500)
        IdentityDocument.objects.bulk_create([d for i in fresh for d in i.documents], batch_size=500)
        tokens: list[PersonIndexToken] = []
        for i in fresh:
            tokens.extend(tokens_for(i.person, [d.number for d in i.documents]))
        PersonIndexToken.objects.bulk_create(tokens, batch_size=2000)
        return len(fresh)
