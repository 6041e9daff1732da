from __future__ import annotations

import datetime

import pytest

from amparo.stats import aggregates as agg
from amparo.stats import publish
from amparo.stats.aggregates import Filters, Period
from tests.conftest import login

from .helpers import many, victim

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = Filters(Period(D(2011, 4, 1), D(2012, 3, 31)))


@pytest.fixture
def data(world):
    many(world, 12, opened=D(2011, 5, 1))  # girls, GT, sexual, Guatemala dept.
    many(
        world,
        14,
        opened=D(2011, 6, 1),
        gender="Masculine",
        age_group="30-38",
        nationality="HN",
        forms=("ForcedLabour",),
        department="05",
    )
    many(
        world,
        3,
        opened=D(2011, 7, 1),
        gender="Masculine",
        age_group="9-17",
        nationality="SV",
        forms=("ForcedLabour", "ForcedBegging"),
        department="05",
    )
    victim(world, opened=D(2012, 1, 5), status="possible")  # not identified: never counted as a victim
    victim(world, opened=D(2012, 4, 1))  # after the period
    victim(world, opened=D(2011, 4, 1), where="other", department="09")  # first day, other institution
    return world


def test_raw_figures_are_hand_counted(data) -> None:
    assert agg.victims_total(PERIOD) == 12 + 14 + 3 + 1
    assert agg.victims_by_year(PERIOD) == {"2011": 30}
    assert agg.victims_by_sex(PERIOD) == {"F": 13, "M": 17}
    assert agg.victims_by_age(PERIOD) == {"9-17": 16, "30-38": 14}
    assert agg.victims_by_nationality(PERIOD) == {"GT": 13, "HN": 14, "SV": 3}
    forms = agg.victims_by_form(PERIOD)
    assert (forms["SexualExploitation"], forms["ForcedLabour"], forms["ForcedBegging"], forms["-99"]) == (13, 17, 3, 0)
    assert agg.victims_by_department(PERIOD) == {"01": 12, "05": 17, "09": 1}
    home = Filters(PERIOD.period, institution_id=data.home.pk)
    assert agg.victims_total(home) == 29
    assert agg.victims_total(Filters(PERIOD.period, department="05")) == 17
    assert agg.cases_by_status_determination(PERIOD) == {"confirmed": 30, "possible": 1}
    unodc = agg.victims_by_form_and_sex_age(PERIOD)
    assert unodc["SexualExploitation"] == {"girls": 13}
    assert unodc["ForcedLabour"] == {"men": 14, "boys": 3}


def test_published_figures_are_suppressed(data) -> None:
    sex_age = publish.chart("victims_sex_age", PERIOD, 11)
    table = sex_age.table
    assert table is not None
    # girls 13 (F, 9-17), boys 3 (M, 9-17) -> small, men 14 (M, 30-38)
    assert table.total == 30
    cells = dict(zip(sex_age.codes, table.cells, strict=True))
    assert cells["M"][0] is None  # 3 boys hidden
    assert cells["M"][1] is None or table.row_totals[1] is None  # and something that would give it away
    nationality = publish.chart("victims_nationality", PERIOD, 11)
    values = dict(zip(nationality.codes, nationality.series.values, strict=True))
    assert values["SV"] is None and values["GT"] is None  # 3 hidden, 13 hidden as its complement
    assert values["HN"] == 14
    dept = publish.chart("victims_department", PERIOD, 11)
    assert dict(zip(dept.codes, dept.series.values, strict=True))["09"] is None
    csv_text = publish.chart_csv(nationality)
    assert "<11" in csv_text and "El Salvador,3\r" not in csv_text


def test_dashboard_screen_and_csv(data, client) -> None:
    login(client, data.user("statistician"))
    response = client.get("/stats/?start=2011-04-01&end=2012-03-31")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="victims-total">30<' in body
    assert "Ana" not in body and "T-1" not in body  # no names, no case numbers
    assert "<svg" in body
    assert "come from the statistics table, rebuilt from the records on" in body  # the freshness stamp
    csv_response = client.get("/stats/charts/victims_year.csv?start=2011-04-01&end=2012-03-31")
    assert csv_response.status_code == 200 and "2011,2011,30" in csv_response.content.decode()
    filtered = client.get(f"/stats/?start=2011-04-01&end=2012-03-31&institution={data.other.pk}")
    assert 'id="victims-total">&lt;11<' in filtered.content.decode()


def test_bad_periods(data, client) -> None:
    login(client, data.user("statistician"))
    response = client.get("/stats/?start=2012-04-01&end=2011-03-31")
    assert response.status_code == 400 and "before its start" in response.content.decode()
    assert client.get("/stats/charts/victims_year.csv?start=2012-04-01&end=2011-03-31").status_code == 400
    empty = client.get("/stats/?start=1990-01-01&end=1990-12-31")
    assert empty.status_code == 200 and "No records in this period" in empty.content.decode()
    assert client.get("/stats/charts/nope.csv").status_code == 404


def test_the_statistician_never_reaches_a_record(data, client) -> None:
    login(client, data.user("statistician"))
    assert client.get("/stats/records/victims_year/?code=2011").status_code == 403
    for url in ("/cases/", "/persons/?name=Ana"):
        assert client.get(url).status_code == 403


def test_records_behind_a_figure_only_own_cases(data, client) -> None:
    login(client, data.user("supervisor"))
    body = client.get("/stats/records/victims_nationality/?start=2011-04-01&end=2012-03-31&code=SV").content.decode()
    assert body.count("/cases/") >= 3
    other = client.get("/stats/records/victims_department/?start=2011-04-01&end=2012-03-31&code=09").content.decode()
    assert "None of your cases" in other  # the other institution's victim is counted but not listed


def test_complaints_by_source_when_justice_is_installed(world, settings) -> None:
    from amparo.justice.models import Complaint
    from amparo.organizations.models import Organization
    from amparo.stats.report import build_report

    mp = Organization.objects.get(code="mp")
    user = world.user("caseworker")
    for i, source in enumerate(["hotline"] * 12 + ["police"] * 2):
        Complaint.objects.create(
            number=f"D-{i}",
            received_on=D(2011, 6, 1),
            source=source,
            receiving_org=mp,
            recorded_by_org=mp,
            summary="Denuncia",
            created_by=user,
        )
    Complaint.objects.create(
        number="D-old",
        received_on=D(2010, 6, 1),
        source="hotline",
        receiving_org=mp,
        recorded_by_org=mp,
        summary="x",
        created_by=user,
    )
    chart = publish.chart("complaints_source", PERIOD, 11)
    values = dict(zip(chart.codes, chart.series.values, strict=True))
    assert values == {"hotline": None, "police": None}  # 2 hidden, 12 its complement
    assert chart.series.total == 14
    assert publish.chart("complaints_source", PERIOD, 2).series.values == (12, 2)
    report = build_report(PERIOD, threshold=2)
    prosecution = next(s for s in report.sections if s.key == "prosecution")
    assert any(c.key == "complaints_source" for c in prosecution.charts)
