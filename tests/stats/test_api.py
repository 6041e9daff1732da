"""The read-only statistics API: the dashboard's charts after disclosure control, for stats.view only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import login

from .helpers import many, victim

pytestmark = pytest.mark.django_db

D = datetime.date
Q = "start=2011-04-01&end=2012-03-31"


@pytest.fixture
def data(world: Any) -> Any:
    """In the period: 12 girls (GT, department 01), 14 men (HN, department 05), 3 boys (SV, department 05);
    the 3 boys are below the threshold of 11."""
    many(world, 12, opened=D(2011, 5, 1))
    many(world, 14, opened=D(2011, 6, 1), gender="Masculine", age_group="30-38", nationality="HN", department="05")
    many(world, 3, opened=D(2011, 7, 1), gender="Masculine", age_group="9-17", nationality="SV", department="05")
    victim(world, opened=D(2012, 4, 1))  # after the period
    return world


def test_chart_list_for_the_statistician(data: Any, client: Any) -> None:
    login(client, data.user("statistician"))
    body = client.get("/api/v1/stats/charts/").json()
    keys = [c["key"] for c in body["results"]]
    assert "victims_year" in keys and "justice_funnel" in keys and "hotline_month" in keys


def test_series_is_disclosure_controlled(data: Any, client: Any) -> None:
    login(client, data.user("statistician"))
    body = client.get(f"/api/v1/stats/charts/victims_nationality/?{Q}").json()
    assert body["threshold"] == 11 and body["start"] == "2011-04-01" and body["end"] == "2012-03-31"
    values = {c["code"]: c["value"] for c in body["series"]}
    assert values == {"HN": 14, "GT": None, "SV": None}  # 3 hidden, and 12 with it, else 29 - 14 - 12 gives it
    assert body["total"] == 29
    by_department = client.get(f"/api/v1/stats/charts/victims_department/?{Q}&department=05").json()
    assert {c["code"]: c["value"] for c in by_department["series"]} == {"05": 17}
    assert by_department["total"] is None  # multi-valued: no total


def test_table_is_disclosure_controlled(data: Any, client: Any) -> None:
    login(client, data.user("statistician"))
    body = client.get(f"/api/v1/stats/charts/victims_sex_age/?{Q}").json()
    rows = {r["code"]: r for r in body["rows"]}
    assert body["columns"] == ["9-17", "30-38"]
    assert rows["M"]["values"][0] is None  # the 3 boys
    assert rows["F"]["total"] == 12 and rows["M"]["total"] == 17
    # the 3 cannot come back from its row or its column
    m_row = rows["M"]["values"]
    assert m_row.count(None) >= 2 or None in (rows["M"]["total"],)
    column = [rows["F"]["values"][0], rows[""]["values"][0]]
    assert None in column
    assert rows[""]["name"] == "Total" and rows[""]["total"] == 29
    assert "Prueba" not in str(body) and "T-" not in str(body)


def test_bad_input_and_permissions(data: Any, client: Any) -> None:
    login(client, data.user("statistician"))
    bad = client.get("/api/v1/stats/charts/victims_year/?start=2012-01-01&end=2011-01-01")
    assert bad.status_code == 400 and "end" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/stats/charts/no_such_chart/").status_code == 404
    login(client, data.user("caseworker"))
    assert client.get(f"/api/v1/stats/charts/victims_year/?{Q}").status_code == 403
