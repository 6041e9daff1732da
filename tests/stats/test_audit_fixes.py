"""Fixes from the area audit."""

from __future__ import annotations

import datetime
import time

import pytest

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("end=9999-12-31", "too far in the future"),
        ("start=9999-12-31", "too far in the future"),
        ("start=0001-01-01", "too far in the past"),
        ("start=0001-01-01&end=0001-12-31", "too far in the past"),
        ("end=2001-01-01", "before its start"),  # the start left empty: the current period's
    ],
)
def test_a_period_out_of_the_calendar_is_refused_not_a_server_error(world, client, query, message) -> None:
    login(client, world.user("statistician"))
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()
    for url in ("/stats/", "/stats/report/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400 and message in response.content.decode()
    for url in (
        "/stats/charts/victims_year.csv",
        "/stats/exports/ctdc.csv",
        "/stats/exports/unodc.csv",
        "/stats/exports/sdg.csv",
        "/stats/report/export.pdf",
    ):
        assert client.get(f"{url}?{query}").status_code == 400
    api = client.get(f"/api/v1/stats/charts/victims_year/?{query}")
    assert api.status_code == 400 and message in api.content.decode()
    assert client.get(f"/stats/exports/?{query}").status_code == 200  # the form, with its error


def test_previous_period_of_a_year_with_a_leap_day_starts_a_year_before(world) -> None:
    from amparo.stats.aggregates import Filters, Period
    from amparo.stats.report import build_report, previous_period

    from .helpers import many

    D = datetime.date
    assert previous_period(Period(D(2024, 4, 1), D(2025, 3, 31))) == Period(D(2023, 4, 1), D(2024, 3, 31))
    assert previous_period(Period(D(2025, 1, 1), D(2025, 3, 31))) == Period(D(2024, 10, 3), D(2024, 12, 31))
    many(world, 3, opened=D(2023, 4, 1))  # the first day of the previous reporting period
    many(world, 2, opened=D(2024, 3, 31))
    report = build_report(Filters(Period(D(2024, 4, 1), D(2025, 3, 31))), threshold=2)
    facts = {f.code: f for f in report.sections[0].facts}
    assert facts["victims_previous"].value == 5
