from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from amparo.accounts.models import User
from amparo.accounts.roles import Perm, Role, role_has
from amparo.audit.services import audit_record
from amparo.cases.demo import Batch as CaseBatch
from amparo.cases.demo import CaseNumbers, build_case
from amparo.cases.demo import save as save_cases
from amparo.cases.models import Case
from amparo.core.keycheck import verify_master_keys
from amparo.law.demo import ensure_catalog
from amparo.organizations.models import Organization, Unit
from amparo.organizations.seed import load_institutions
from amparo.people.demo import generate
from amparo.people.indexing import bulk_insert_tokens
from amparo.people.models import IdentityDocument, Person
from amparo.referrals.demo import build_referrals, ensure_shelters
from amparo.reintegration.demo import build_reintegration
from amparo.reintegration.demo import providers as reintegration_providers
from amparo.repatriation.demo import build_repatriations

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
        parser.add_argument(
            "--linkage",
            action="store_true",
            help="Also run duplicate detection once if it never ran, so that the review queue has pairs.",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--cases-share",
            type=float,
            default=0.7,
            help="Share of the new persons who get a victim case (at every stage of the workflow).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verify_master_keys()
        load_institutions(Organization, Unit)
        ensure_catalog()
        accounts = [] if options["no_accounts"] else ensure_demo_accounts()
        created = cases = 0
        if not (options["if_empty"] and Person.objects.exists()):
            created, cases = self._persons(
                options["persons"], options["seed"], options["batch_size"], options["cases_share"]
            )
        repatriations = build_repatriations()  # repatriation: at every stage, through the services
        # --- hotline app: synthetic calls and the on-duty roster (needs the demo accounts) ---
        from amparo.hotline.demo import load_demo_calls

        calls = load_demo_calls(seed=options["seed"])
        if created:
            refresh_planner_statistics()
        if accounts:  # justice demo data acts as the demo prosecutor and investigator
            from amparo.justice.demo import build_justice_demo

            self.stdout.write(f"Investigations created: {build_justice_demo()}")
        from amparo.capacity.demo import load as load_capacity

        capacity = load_capacity(timezone.localdate())
        from amparo.stats.facts import rebuild

        # The demo cases were bulk-inserted, past the services that keep the statistics table current: build it,
        # so that the demo's dashboard runs as a production one does (the services keep it current from here).
        rebuild()
        with transaction.atomic():
            audit_record(
                actor=Actor.for_system("cli:demo-data"),
                action="demo_data.load",
                details={"persons_created": created, "seed": options["seed"], "trainings": capacity["trainings"]},
            )
        if options["linkage"]:
            self._first_linkage_run()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Persons created: {created} (total {Person.objects.count()}), cases created: {cases} "
            f"(total {Case.objects.count()}), repatriations created: {repatriations}, hotline calls created: {calls} "
            f"in {elapsed:.1f} s"
        )
        if accounts:
            self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD})")
            for username, org, role in accounts:
                self.stdout.write(f"  {username:<20} {org:<16} {role}")
            self.stdout.write("Two-factor code for a demo account: make otp ACCOUNT=ana.caseworker")

    def _first_linkage_run(self) -> None:
        """The demo's duplicates come from the same generator as its persons; without a run, a new user's
        review queue is empty until an administrator starts one. Run as the schedule would (linkage_run:
        audited, one place for how a run starts)."""
        from django.core.management import call_command

        from amparo.linkage.models import LinkageRun

        if not LinkageRun.objects.exists():
            call_command("linkage_run", stdout=self.stdout)

    def _persons(self, count: int, seed: int, batch_size: int, cases_share: float) -> tuple[int, int]:
        org_ids = list(Organization.objects.filter(code__in=REGISTERING).values_list("pk", flat=True))
        today = timezone.localdate()
        owners = _case_owners()
        self.shelters = ensure_shelters()
        self.receivers = _shelter_receivers()
        self.providers = reintegration_providers()
        numbers = CaseNumbers()
        rng = random.Random(seed + 1)
        created = cases = 0
        batch: list[Any] = []
        for item in generate(count, seed, sorted(org_ids), today):
            batch.append(item)
            if len(batch) >= batch_size:
                made, opened = self._save(batch, owners, numbers, rng, today, cases_share)
                created, cases = created + made, cases + opened
                batch = []
        if batch:
            made, opened = self._save(batch, owners, numbers, rng, today, cases_share)
            created, cases = created + made, cases + opened
        numbers.save()
        return created, cases

    @transaction.atomic
    def _save(
        self,
        batch: list[Any],
        owners: dict[int, tuple[int, int | None]],
        numbers: CaseNumbers,
        rng: random.Random,
        today: Any,
        cases_share: float,
    ) -> tuple[int, int]:
        existing = set(Person.objects.filter(pk__in=[i.person.pk for i in batch]).values_list("pk", flat=True))
        fresh = [i for i in batch if i.person.pk not in existing]
        Person.objects.bulk_create([i.person for i in fresh], batch_size=500)
        IdentityDocument.objects.bulk_create([d for i in fresh for d in i.documents], batch_size=500)
        bulk_insert_tokens((i.person, [d.number for d in i.documents]) for i in fresh)
        cases = CaseBatch()
        for i in fresh:
            owner = owners.get(i.person.owner_org_id)
            if owner and rng.random() < cases_share:
                case, consent = build_case(rng, i.person, owner[0], owner[1], numbers, today, cases)
                if case.status in ("assistance", "follow_up", "closed") and rng.random() < 0.5:
                    build_referrals(rng, case, consent, cases, self.shelters, self.receivers)
                # reintegration (issue 4): plans, follow-up visits, the schedule after closure
                build_reintegration(rng, case, cases, today, self.providers)
        saved = save_cases(cases)
        numbers.save()  # with each batch, so an interrupted load resumes with the right numbers
        return len(fresh), saved


def refresh_planner_statistics() -> None:
    """After a bulk load, let the query planner see the new table sizes (SQLite keeps no statistics until
    ANALYZE runs; PostgreSQL's autovacuum would get there later). Without them SQLite walks a whole
    institution's cases by date for a name search instead of starting from the few persons who match."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _shelter_receivers() -> dict[int, int]:
    """Per institution, a demo user who answers referrals and admits to shelters (if any)."""
    receivers: dict[int, int] = {}
    for username, org_code, role, _unit in DEMO_ACCOUNTS:
        org = Organization.objects.filter(code=org_code).first()
        user = User.objects.filter(username=username).first()
        if org and user and role_has(role, Perm.REFERRAL_RECEIVE) and org.pk not in receivers:
            receivers[org.pk] = user.pk
    return receivers


def _case_owners() -> dict[int, tuple[int, int | None]]:
    """Per institution, a demo user who can own cases and one who supervises them."""
    owners: dict[int, tuple[int, int | None]] = {}
    for username, org_code, role, _unit in DEMO_ACCOUNTS:
        org = Organization.objects.filter(code=org_code).first()
        user = User.objects.filter(username=username).first()
        if org is None or user is None:
            continue
        if role_has(role, Perm.CASE_EDIT) and role != Role.SUPERVISOR and org.pk not in owners:
            owners[org.pk] = (user.pk, None)
    for username, org_code, role, _unit in DEMO_ACCOUNTS:
        org = Organization.objects.filter(code=org_code).first()
        user = User.objects.filter(username=username).first()
        if org and user and role == Role.SUPERVISOR and org.pk in owners:
            owners[org.pk] = (owners[org.pk][0], user.pk)
    return owners
