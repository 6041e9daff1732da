"""Benchmark: national shelter availability and a caseworker's inbox (referrals + notifications) at 100,000
referrals.

Fills its own database: demo data (persons, cases, shelters), then N synthetic referrals spread over the cases
and institutions (bulk rows, every status) and as many notifications spread over the demo users. Then, as
the SBS shelter worker (who receives referrals and admits to shelters), measured interleaved:
  * GET /referrals/ through the app (inbox + outbox, overdue counts, bell count) and GET /referrals/shelters/;
  * the selectors alone (referral_boxes + unread_count; availability);
  * baseline: the equivalent raw SQL (the inbox page query and the occupancy GROUP BY).

    .venv/bin/python bench/referrals.py --referrals 100000
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

from _common import percentile, print_header, setup_django, summary_ms

RAW_INBOX = """
SELECT r.id, r.status, r.service_type, r.respond_by, r.sent_at, o.name
FROM referrals_referral r JOIN organizations_organization o ON o.id = r.from_org_id
WHERE r.to_org_id = %s ORDER BY r.sent_at DESC LIMIT 50
"""
RAW_OCCUPANCY = """
SELECT b.shelter_id, b.category, b.beds, COUNT(p.id)
FROM referrals_shelterbeds b LEFT JOIN referrals_placement p
  ON p.shelter_id = b.shelter_id AND p.category = b.category AND p.discharged_at IS NULL
GROUP BY b.shelter_id, b.category, b.beds
"""


def fill(referrals: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from amparo.accounts.models import User
    from amparo.cases.models import Case
    from amparo.notifications.models import Notification
    from amparo.organizations.models import Organization
    from amparo.referrals.models import Referral

    if Referral.objects.count() >= referrals:
        print(f"   reusing {Referral.objects.count()} referrals")
        return
    if Case.objects.count() < 5000:
        print("   demo data: amparo demo-data --persons 8000")
        call_command("demo_data", persons=8000, seed=seed, verbosity=0)
    rng = random.Random(seed)
    cases = list(Case.objects.values_list("id", "owner_org_id", "owner_id"))
    orgs = list(Organization.objects.values_list("id", flat=True))
    users = list(User.objects.values_list("id", flat=True))
    statuses = ["sent", "accepted", "declined", "completed", "cancelled", "ended"]
    services = ["shelter", "psychological", "legal", "medical", "education"]
    now = timezone.now()
    missing = referrals - Referral.objects.count()
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for i in range(missing):
            case_id, owner_org, owner = rng.choice(cases)
            to_org = rng.choice([o for o in orgs if o != owner_org])
            sent = now - datetime.timedelta(minutes=rng.randint(0, 900 * 24 * 60))
            referral = Referral(
                case_id=case_id,
                from_org_id=owner_org,
                to_org_id=to_org,
                service_type=rng.choice(services),
                legal_basis="override",
                shared_sections=["identity"],
                status=rng.choice(statuses),
                respond_by=(sent + datetime.timedelta(days=3)).date(),
                sent_by_id=owner,
            )
            referral.sent_at = sent
            batch.append(referral)
            if len(batch) == 5000 or i == missing - 1:
                Referral.objects.bulk_create(batch)
                batch = []
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=rng.choice(users),
                    kind="referral.received",
                    target_url="/referrals/",
                    read_at=None if rng.random() < 0.3 else now,
                )
                for _ in range(missing)
            ],
            batch_size=5000,
        )
    print(f"   added {missing} referrals and notifications in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("SECURE_COOKIES", "0")  # the test client speaks plain HTTP
    setup_django("referrals", fresh=False)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from amparo.accounts.actor import Actor
    from amparo.accounts.models import User
    from amparo.notifications.selectors import unread_count
    from amparo.referrals.selectors import referral_boxes
    from amparo.referrals.shelter_selectors import availability

    call_command("collectstatic", interactive=False, verbosity=0)
    print_header(f"Shelter availability and referral inbox, {args.referrals} referrals")
    fill(args.referrals, args.seed)
    user = User.objects.get(username="carla.shelter")
    membership = user.memberships.get()
    actor = Actor(user=user, membership=membership)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    from amparo.referrals.models import Referral

    received = Referral.objects.filter(to_org_id=membership.organization_id).count()
    print(f"   acting as carla.shelter (SBS); referrals to SBS: {received}")
    timings: dict[str, list[float]] = {
        k: []
        for k in (
            "app GET /referrals/",
            "app GET /referrals/shelters/",
            "selectors inbox+bell",
            "selector availability",
            "raw SQL inbox page",
            "raw SQL occupancy",
        )
    }
    for _ in range(args.rounds):
        for label, call in (
            ("app GET /referrals/", lambda: client.get("/referrals/")),
            ("app GET /referrals/shelters/", lambda: client.get("/referrals/shelters/")),
            ("selectors inbox+bell", lambda: (referral_boxes(actor=actor), unread_count(user=user))),
            ("selector availability", lambda: availability(actor=actor)),
        ):
            t = time.perf_counter()
            result = call()
            timings[label].append(time.perf_counter() - t)
            if label.startswith("app"):
                assert result.status_code == 200, result.status_code
        for label, sql, params in (
            ("raw SQL inbox page", RAW_INBOX, [membership.organization_id]),
            ("raw SQL occupancy", RAW_OCCUPANCY, []),
        ):
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            timings[label].append(time.perf_counter() - t)
    for label, values in timings.items():
        print(f"   {label:<30} {summary_ms(values)}")
    p95 = {k: percentile(v, 95) for k, v in timings.items()}
    print(
        f"   ratio inbox selectors / raw SQL page (p95): {p95['selectors inbox+bell'] / p95['raw SQL inbox page']:.1f}x"
    )
    print(
        f"   ratio availability / raw SQL (p95):         {p95['selector availability'] / p95['raw SQL occupancy']:.1f}x"
    )


if __name__ == "__main__":
    main()
