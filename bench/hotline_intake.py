"""Benchmark: hotline intake throughput, calls recorded per second through the service.

Each call goes through ``amparo.hotline.services.call_record`` in its own transaction, as an operator's
request does: validation, a fresh reference code and its keyed HMAC, three AES-GCM encryptions (summary,
caller's contact, reference code), the row, and the hash-chained audit event. The baseline, measured in the
same run and interleaved with it (rounds of each, so a change in the machine's load hits both), is a raw
parameterized INSERT of an equivalent row (same columns and sizes, plaintext, no audit), also one
transaction per call. A third figure records urgent rescue requests, which also alert the officers on duty
(alert rows and notifications).

    .venv/bin/python bench/hotline_intake.py --calls 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_hotline .venv/bin/python bench/hotline_intake.py

On PostgreSQL the database named by DATABASE_URL is migrated but not wiped (its name need not contain
"bench"); the benchmark adds rows to it (the audit trail is append-only).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import uuid

from _common import print_header, setup_django, summary_ms, timer

SUMMARY = (
    "Llama una vecina: una adolescente de unos quince años trabaja de noche en un bar de la cabecera, "
    "no la dejan salir y le quitaron sus documentos. Pide que alguien vaya a verificar."
)


def _operator() -> tuple[object, object]:
    from amparo.accounts.actor import Actor
    from amparo.accounts.models import Membership, User
    from amparo.accounts.roles import Role
    from amparo.organizations.models import Organization, Unit

    minex = Organization.objects.get(code="minex")
    unit = Unit.objects.get(organization=minex, code="call-center")
    user, _ = User.objects.get_or_create(username="bench.hotline")
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=minex, role=Role.HOTLINE_OPERATOR, defaults={"unit": unit}
    )
    officers = []
    for username, code, role, unit_code in (
        ("bench.police", "pnc", Role.INVESTIGATOR, "dei-trata"),
        ("bench.prosecutor", "mp", Role.PROSECUTOR, "fiscalia-trata"),
    ):
        org = Organization.objects.get(code=code)
        officer, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(
            user=officer,
            organization=org,
            role=role,
            defaults={"unit": Unit.objects.get(organization=org, code=unit_code)},
        )
        officers.append(officer)
    return Actor(user=user, membership=membership), officers


def _input(rng: random.Random, urgent: bool = False) -> object:
    from django.utils import timezone

    from amparo.hotline.services import CallInput

    return CallInput(
        channel=rng.choice(["phone", "whatsapp", "sms", "email", "walk_in", "web_form"]),
        received_at=timezone.now() - datetime.timedelta(minutes=rng.randrange(1, 600)),
        language=rng.choice(["spa", "quc", "kek", "cak", "mam"]),
        caller_type=rng.choice(["victim", "relative", "witness", "anonymous"]),
        summary=SUMMARY,
        category="rescue" if urgent else rng.choice(["information", "complaint", "assistance"]),
        urgency="urgent" if urgent else rng.choice(["low", "medium", "high"]),
        department="09",
        municipality="0915",
        caller_contact=f"5{rng.randrange(10**7):07d}",
    )


def _raw_insert(cursor: object, actor: object, rng: random.Random) -> None:
    """The same row as the service writes, by hand: plaintext, no code generation, no audit."""
    from django.db import connection
    from django.utils import timezone

    from amparo.hotline.models import Call

    def prep(name: str, value: object) -> object:
        return Call._meta.get_field(name).get_db_prep_value(value, connection)

    now = timezone.now()
    cursor.execute(  # type: ignore[attr-defined]
        "INSERT INTO hotline_call (id, reference_digest, reference_code, channel, received_at, language, caller_type,"
        " department, municipality, summary, caller_contact, category, urgency, status, organization_id,"
        " recorded_by_id, handler_id, alert_summary, created_at, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            prep("id", uuid.uuid4()),
            uuid.uuid4().hex + uuid.uuid4().hex,  # 64 characters, like the HMAC
            "X" * 74,  # the size of an encrypted 9-character code
            "phone",
            prep("received_at", now - datetime.timedelta(minutes=rng.randrange(1, 600))),
            "spa",
            "witness",
            "09",
            "0915",
            SUMMARY,
            f"5{rng.randrange(10**7):07d}",
            "complaint",
            "medium",
            "in_progress",
            actor.membership.organization_id,  # type: ignore[attr-defined]
            actor.user.pk,  # type: ignore[attr-defined]
            actor.user.pk,  # type: ignore[attr-defined]
            "{}",
            prep("created_at", now),
            prep("updated_at", now),
            1,
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls through the service (as many raw inserts)")
    parser.add_argument("--urgent", type=int, default=200, help="urgent rescue requests (with alerts)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2008)
    args = parser.parse_args()
    postgres = bool(os.environ.get("DATABASE_URL"))
    setup_django("hotline_intake", fresh=not postgres)

    from django.db import connection, transaction

    from amparo.hotline.models import Call
    from amparo.hotline.services import call_record

    print_header(f"Hotline intake: {args.calls} calls through the service vs raw INSERT, {args.rounds} rounds")
    actor, _officers = _operator()
    rng = random.Random(args.seed)
    per_round = max(1, args.calls // args.rounds)
    service_times: list[float] = []
    raw_times: list[float] = []
    service_total = raw_total = service_cpu = raw_cpu = 0.0
    before = Call.objects.count()
    for _round in range(args.rounds):
        inputs = [_input(rng) for _ in range(per_round)]
        with timer() as t:
            for data in inputs:
                with timer() as one:
                    call_record(actor=actor, data=data)  # type: ignore[arg-type]
                service_times.append(one[0])
        service_total, service_cpu = service_total + t[0], service_cpu + t[1]
        with timer() as t, connection.cursor() as cursor:
            for _ in range(per_round):
                with timer() as one, transaction.atomic():
                    _raw_insert(cursor, actor, rng)
                raw_times.append(one[0])
        raw_total, raw_cpu = raw_total + t[0], raw_cpu + t[1]
    n = per_round * args.rounds
    assert Call.objects.count() == before + 2 * n
    service_rate, raw_rate = n / service_total, n / raw_total
    print(
        f"   service (validate, code + HMAC, 3 x AES-GCM, row, audit): {n} calls in {service_total:6.2f} s "
        f"(CPU {service_cpu:5.2f} s) = {service_rate:8.1f} calls/s"
    )
    print(f"      per call: {summary_ms(service_times)}")
    print(
        f"   baseline raw INSERT (plaintext, no audit):               {n} rows  in {raw_total:6.2f} s "
        f"(CPU {raw_cpu:5.2f} s) = {raw_rate:8.1f} rows/s"
    )
    print(f"      per row:  {summary_ms(raw_times)}")
    print(
        f"   ratio: the service records {service_rate / raw_rate:.2f}x the raw rate "
        f"({raw_rate / service_rate:.1f}x slower per call)"
    )

    if args.urgent:
        urgent_times: list[float] = []
        inputs = [_input(rng, urgent=True) for _ in range(args.urgent)]
        with timer() as t:
            for data in inputs:
                with timer() as one:
                    call_record(actor=actor, data=data)  # type: ignore[arg-type]
                urgent_times.append(one[0])
        print(
            f"   urgent rescue requests (+ alert rows and notifications to the units, nobody on duty): "
            f"{args.urgent} in {t[0]:5.2f} s = {args.urgent / t[0]:7.1f} calls/s"
        )
        print(f"      per call: {summary_ms(urgent_times)}")


if __name__ == "__main__":
    main()
