"""The criminal justice funnel and the hotline volume on the dashboard: hand-counted fixtures, disclosure
control, CSV downloads, filters, and the statistician's access."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from amparo.hotline.models import Call
from amparo.justice.models import (
    Charge,
    Complaint,
    Investigation,
    InvestigationVictim,
    Sentence,
    Suspect,
    Verdict,
)
from amparo.law.models import Article, ArticleVersion, Law
from amparo.organizations.models import Organization
from amparo.people.models import Person
from amparo.stats import publish
from amparo.stats.aggregates import Filters, Period
from amparo.stats.justice_figures import funnel, funnel_by_form, funnel_by_sex
from amparo.stats.report import build_report
from tests.conftest import login

from .helpers import victim

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = Filters(Period(D(2011, 4, 1), D(2012, 3, 31)))


class Justice:
    def __init__(self, world: Any) -> None:
        self.world = world
        self.mp = Organization.objects.get(code="mp")
        self.user = world.user("caseworker")
        law = Law.objects.create(code="test-code", name_en="Penal code", name_es="Código penal")
        article = Article.objects.create(law=law, number="202 Ter", title_en="Trafficking", title_es="Trata")
        self.version = ArticleVersion.objects.create(
            code="t-202ter", article=article, effective_from=D(2009, 2, 20), summary_en="x", summary_es="x", source="x"
        )
        self.article = article
        self.n = 0

    def complaint(self, received: datetime.date, cases: list[Any] = (), org: Any = None) -> Complaint:  # type: ignore[assignment]
        self.n += 1
        org = org or self.mp
        c = Complaint.objects.create(
            number=f"D-{self.n}",
            received_on=received,
            source="hotline",
            receiving_org=org,
            recorded_by_org=org,
            summary="Denuncia",
            created_by=self.user,
        )
        c.cases.set(cases)
        return c

    def investigation(self, opened: datetime.date, cases: list[Any] = (), org: Any = None) -> Investigation:  # type: ignore[assignment]
        self.n += 1
        inv = Investigation.objects.create(
            number=f"I-{self.n}", owner_org=org or self.mp, summary="Investigación", opened_on=opened, lead=self.user
        )
        for case in cases:
            InvestigationVictim.objects.create(investigation=inv, case=case)
        return inv

    def suspect(self, inv: Investigation, gender: str = "Masculine", business: bool = False) -> Suspect:
        if business:
            return Suspect.objects.create(investigation=inv, kind="business", role_in_process="Exploiter")
        person = Person.objects.create(owner_org=self.mp, given_names="Sospechoso", surnames="X", gender=gender)
        return Suspect.objects.create(investigation=inv, kind="individual", person=person, role_in_process="Exploiter")

    def charge(self, suspect: Suspect, filed: datetime.date) -> Charge:
        return Charge.objects.create(
            investigation=suspect.investigation,
            suspect=suspect,
            article=self.article,
            version=self.version,
            offence_date=D(2010, 1, 1),
            filed_on=filed,
            recorded_by=self.user,
        )

    def verdict(self, charge: Charge, day: datetime.date, outcome: str = "convicted", sentence: bool = True) -> None:
        verdict = Verdict.objects.create(
            charge=charge, outcome=outcome, date=day, court="Tribunal", recorded_by=self.user
        )
        if sentence:
            Sentence.objects.create(verdict=verdict, prison_years=8, recorded_by=self.user)


@pytest.fixture
def justice(world: Any) -> Justice:
    """Hand-counted, period 1 April 2011 - 31 March 2012:
    complaints in the period: 14 (12 linked to sexual exploitation victims, 1 to a labour victim, 1 to none);
      1 before.
    investigations opened in the period: 3 (A sexual, B labour, C both); 1 before (D, no victims).
    suspects: A: 12 men + 2 women, B: 1 man + 1 business, C: 1 woman; D: 3 men.
    charges filed in the period: A: 12 men + 1 woman; B: the man and the business; D: 1 man (old file);
      a second charge for one of A's men (still one person prosecuted).
    convictions (verdict date in the period): A: 11 men (all sentenced) + 1 woman acquitted; B: the man
      (convicted, no sentence yet); D's man convicted after the period (not counted).
    """
    j = Justice(world)
    sexual = victim(world, opened=D(2011, 5, 1), forms=("SexualExploitation",))
    labour = victim(world, opened=D(2011, 5, 1), forms=("ForcedLabour",))
    for i in range(12):
        j.complaint(D(2011, 6, 1) + datetime.timedelta(days=i), [sexual])
    j.complaint(D(2012, 3, 31), [labour])
    j.complaint(D(2011, 7, 1))  # linked to no victim case yet
    j.complaint(D(2011, 3, 31), [sexual])  # the day before the period
    a = j.investigation(D(2011, 7, 1), [sexual])
    b = j.investigation(D(2011, 8, 1), [labour])
    c = j.investigation(D(2011, 9, 1), [sexual, labour])
    d = j.investigation(D(2010, 9, 1))
    men_a = [j.suspect(a) for _ in range(12)]
    women_a = [j.suspect(a, "Feminine") for _ in range(2)]
    man_b, business_b = j.suspect(b), j.suspect(b, business=True)
    j.suspect(c, "Feminine")
    men_d = [j.suspect(d) for _ in range(3)]
    charges_a = [j.charge(s, D(2011, 10, 1)) for s in men_a]
    j.charge(men_a[0], D(2011, 11, 1))
    woman_charge = j.charge(women_a[0], D(2011, 10, 1))
    charge_b = j.charge(man_b, D(2011, 10, 5))
    j.charge(business_b, D(2011, 10, 5))
    charge_d = j.charge(men_d[0], D(2011, 1, 5))  # filed before the period
    for charge in charges_a[:11]:
        j.verdict(charge, D(2012, 2, 1))
    j.verdict(woman_charge, D(2012, 2, 1), outcome="acquitted", sentence=False)
    j.verdict(charge_b, D(2012, 3, 1), sentence=False)
    j.verdict(charge_d, D(2012, 4, 1))  # after the period
    return j


def test_funnel_is_hand_counted(justice: Justice) -> None:
    assert funnel(PERIOD) == {
        "complaints": 14,
        "investigations": 3,
        "prosecuted": 15,  # 12 men + 1 woman of A, the man and the business of B
        "convicted": 12,  # 11 of A, the man of B
        "sentenced": 11,
    }
    by_sex = funnel_by_sex(PERIOD)
    assert by_sex["investigated"] == {"M": 13, "F": 3}  # A, B, C's individuals; the business is not a person
    assert by_sex["prosecuted"] == {"M": 13, "F": 1}
    assert by_sex["convicted"] == {"M": 12}
    assert by_sex["sentenced"] == {"M": 11}
    by_form = funnel_by_form(PERIOD)
    assert by_form["complaints"] == {"sexual": 12, "labour": 1, "other": 1}
    assert by_form["investigations"] == {"sexual": 1, "labour": 1, "both": 1}
    assert by_form["prosecuted"] == {"sexual": 13, "labour": 2}
    assert by_form["convicted"] == {"sexual": 11, "labour": 1}
    assert by_form["sentenced"] == {"sexual": 11}


def test_funnel_by_institution(justice: Justice) -> None:
    pnc = Organization.objects.get(code="pnc")
    justice.complaint(D(2011, 6, 1), org=pnc)
    only_pnc = Filters(PERIOD.period, institution_id=pnc.pk)
    assert funnel(only_pnc) == {"complaints": 1, "investigations": 0, "prosecuted": 0, "convicted": 0, "sentenced": 0}
    assert funnel(Filters(PERIOD.period, institution_id=justice.mp.pk))["complaints"] == 14


def test_funnel_charts_are_disclosure_controlled(justice: Justice) -> None:
    chart = publish.chart("justice_funnel", PERIOD, 11)
    funnel_values = dict(zip(chart.codes, chart.series.values, strict=True))
    assert funnel_values["investigations"] is None  # 3 < 11
    assert funnel_values["complaints"] == 14 and funnel_values["prosecuted"] == 15
    # the funnel is the justice by form table's row totals, hidden the same way: the one labour conviction
    # hidden there cannot be worked out from a convictions count published here (12 before the fix)
    form_table = publish.chart("justice_form", PERIOD, 11)
    totals = dict(zip(form_table.codes, form_table.table.row_totals, strict=True))
    assert all(funnel_values[stage] == totals[stage] for stage in totals)
    assert funnel_values["convicted"] is None
    # saying which hidden cells are small would pin the complaints row (12 + two small cells = 14: both 1),
    # so this table marks every hidden cell "•", and so does the funnel
    assert not form_table.table.small and not chart.series.small
    assert [text for _c, _l, text in chart.row_texts()] == ["14", "•", "15", "•", "11"]
    assert publish.chart("justice_funnel", PERIOD, 3).series.values == (14, 3, 15, 12, 11)
    by_sex = publish.chart("justice_sex", PERIOD, 11)
    rows = dict(zip(by_sex.codes, by_sex.table.cells, strict=True))
    # columns F, M; the 3, 1 women are below 11, and so their complements are hidden too
    assert rows["investigated"] == (None, None) and rows["prosecuted"] == (None, None)
    assert rows["convicted"] == (0, 12) and rows["sentenced"] == (0, 11)
    assert by_sex.table.row_totals == (16, 14, 12, 11)
    by_form = publish.chart("justice_form", PERIOD, 2)
    rows = dict(zip(by_form.codes, by_form.table.cells, strict=True))
    assert rows["complaints"][1] is None  # one complaint about labour exploitation, below 2
    assert all(v is None or v == 0 or v >= 2 for row in by_form.table.cells for v in row)
    csv_text = publish.chart_csv(by_sex)
    assert "Persons convicted,0,12,12" in csv_text and "<11" in csv_text
    assert "\nTotal," not in csv_text  # stages are not added up


def test_funnel_in_the_report_and_on_the_dashboard(justice: Justice, client: Any) -> None:
    report = build_report(PERIOD, threshold=11)
    prosecution = next(s for s in report.sections if s.key == "prosecution")
    assert {"justice_funnel", "justice_sex", "justice_form"} <= {c.key for c in prosecution.charts}
    login(client, justice.world.user("statistician"))
    body = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    assert "Criminal justice: offenders by sex" in body and "Persons convicted" in body
    assert "Sospechoso" not in body
    response = client.get("/stats/charts/justice_funnel.csv?start=2011-04-01&end=2012-03-31")
    assert response.status_code == 200
    text = response.content.decode()
    assert "convicted,Persons convicted,•" in text and "prosecuted,Persons prosecuted,15" in text
    assert "it may be any value" in text  # the legend


def _call(
    world: Any, when: datetime.datetime, channel: str, category: str, department: str = "01", where: str = "home"
) -> None:
    org = world.home if where == "home" else world.other
    n = Call.objects.count()
    Call.objects.create(
        reference_digest=f"digest-{n}",
        channel=channel,
        received_at=when,
        language="spa",
        caller_type="victim",
        department=department,
        category=category,
        urgency="low",
        organization=org,
        recorded_by=world.user("caseworker", where),
    )


@pytest.fixture
def hotline(world: Any) -> Any:
    """Hand-counted: in April 2011, 12 phone complaints and 3 WhatsApp rescue requests (home, department 01);
    in May 2011, 2 phone information requests (other institution, department 05); one call on 31 March 2011
    at 23:30 local time (before the period), one on 1 April 2012 at 00:10 (after)."""
    tz = timezone.get_current_timezone()

    def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    for i in range(12):
        _call(world, at(D(2011, 4, 1 + i)), "phone", "complaint")
    for i in range(3):
        _call(world, at(D(2011, 4, 20 + i)), "whatsapp", "rescue")
    for i in range(2):
        _call(world, at(D(2011, 5, 3 + i)), "phone", "information", department="05", where="other")
    _call(world, at(D(2011, 3, 31), 23, 30), "phone", "complaint")
    _call(world, at(D(2012, 4, 1), 0, 10), "phone", "complaint")
    return world


def test_hotline_volume_is_hand_counted(hotline: Any) -> None:
    from amparo.stats.hotline_figures import calls_by_channel_and_category, calls_by_month

    assert calls_by_month(PERIOD) == {"2011-04": 15, "2011-05": 2}
    assert calls_by_channel_and_category(PERIOD) == {
        ("phone", "complaint"): 12,
        ("whatsapp", "rescue"): 3,
        ("phone", "information"): 2,
    }
    assert calls_by_month(Filters(PERIOD.period, institution_id=hotline.other.pk)) == {"2011-05": 2}
    assert calls_by_month(Filters(PERIOD.period, department="01")) == {"2011-04": 15}


def test_hotline_charts_are_disclosure_controlled(hotline: Any, client: Any) -> None:
    by_month = publish.chart("hotline_month", PERIOD, 11)
    assert len(by_month.codes) == 12  # every month of the period, zeros included
    values = dict(zip(by_month.codes, by_month.series.values, strict=True))
    assert values["2011-05"] is None  # 2 < 11
    assert values["2011-04"] is None  # else 17 - 15 gives it back
    assert by_month.series.total == 17
    assert publish.chart("hotline_month", PERIOD, 2).series.values[:3] == (15, 2, 0)
    table = publish.chart("hotline_channel", PERIOD, 11).table
    assert table is not None
    assert table.total == 17
    # rows phone, WhatsApp; columns information (2, 0), complaint (12, 0), rescue (0, 3): the 2 and the 3 are
    # hidden, and with them the zeros beside them and both row totals, so neither comes back by subtraction
    assert table.cells == ((None, 12, None), (None, 0, None))
    assert table.row_totals == (None, None) and table.col_totals == (None, 12, None)
    login(client, hotline.user("statistician"))
    body = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    assert "Hotline: calls received by month" in body and "Hotline: calls by channel and category" in body
    response = client.get(
        f"/stats/charts/hotline_month.csv?start=2011-04-01&end=2012-03-31&institution={hotline.home.pk}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "2011-04," in text and ",15" in text and "Total,15" in text
