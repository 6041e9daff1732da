"""The QA pass on the statistics app: figures derived from the same counts are hidden consistently across
a report (nothing hidden can be worked out by subtraction), hidden cells carry true markers, the plan's
indicators follow the report's period, the exports show the tables as the screen does, and the wording."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from amparo.capacity import services as capacity_services
from amparo.capacity.models import Indicator, IndicatorTarget, PlanAction
from amparo.stats import exports, publish
from amparo.stats.aggregates import Filters, Period
from amparo.stats.disclosure import protect_series, protect_table
from amparo.stats.report import build_report, plan_year
from amparo.stats.report_export import _chart_rows, pdf_text, report_docx, report_pdf

from .helpers import many, victim
from .test_justice_hotline import justice as justice

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = Filters(Period(D(2011, 4, 1), D(2012, 3, 31)))
T = 11


def _facts(report, key):
    section = next(s for s in report.sections if s.key == key)
    return {f.code: f for f in section.facts}


def _lines(report, key):
    return next(s for s in report.sections if s.key == key).lines


@pytest.fixture
def girls_hidden(world):
    """The tester's pattern: girls 0-8 shown, girls 9-17 below the threshold, boys 9-17 and men enough."""
    many(world, 12, opened=D(2011, 5, 1), age_group="0-8")  # girls 0-8
    many(world, 4, opened=D(2011, 5, 2), age_group="9-17")  # girls 9-17: hidden
    many(world, 15, opened=D(2011, 6, 1), age_group="18-20")  # women
    many(world, 14, opened=D(2011, 7, 1), gender="Masculine", age_group="9-17", nationality="HN")  # boys
    many(world, 20, opened=D(2011, 8, 1), gender="Masculine", age_group="30-38", nationality="HN")  # men
    return world


# ------------------------------------------------------------------ 1. consistent protection in the report


def _recoverable(table, facts: dict[str, list[tuple[int, int]]], shown: dict[str, int]) -> set:
    """Hidden cells of the extended table pinned down by its published equations plus the published facts
    (each a sum of interior cells): exact linear algebra, as in test_disclosure."""
    from .test_disclosure import _rref_determined

    ext = table.extended()
    n, m = len(ext) - 1, len(ext[0]) - 1
    unknowns = sorted((r, c) for r in range(n + 1) for c in range(m + 1) if ext[r][c] is None)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for r in range(n + 1):
        eq = [0] * len(unknowns)
        for c in range(m + 1):
            if (r, c) in index:
                eq[index[(r, c)]] += 1 if c < m else -1
        equations.append(eq)
    for c in range(m + 1):
        eq = [0] * len(unknowns)
        for r in range(n + 1):
            if (r, c) in index:
                eq[index[(r, c)]] += 1 if r < n else -1
        equations.append(eq)
    for name, cells in facts.items():
        if name in shown:
            eq = [0] * len(unknowns)
            for cell in cells:
                if cell in index:
                    eq[index[cell]] += 1
            equations.append(eq)
    return {unknowns[i] for i in _rref_determined(equations, len(unknowns))} if unknowns else set()


def test_unodc_group_facts_never_give_away_a_hidden_cell() -> None:
    """Over many sex by age tables: the table plus the women/men/girls/boys facts derived from it pin down
    no hidden cell. The facts protected on their own (before the fix) did, e.g. girls 16 beside a
    hidden girls 9-17 (the tester's report)."""
    import random

    from amparo.stats import aggregates as agg

    rng = random.Random(5)
    ages = ["0-8", "9-17", "18-20", "30-38", "-99"]
    leaked_before = 0
    for _ in range(300):
        sexes = ["F", "M", "U"][: rng.choice([2, 3])]
        counts = [[rng.choice([0, 0, 2, 4, 9, 12, 14, 20]) for _ in ages] for _ in sexes]
        table = protect_table(sexes, ages, counts, T)
        chart = publish.Chart("victims_sex_age", "", tuple(sexes), tuple(sexes), table=table, extra={"col_codes": ages})
        cells = {
            g: [(r, c) for r, sex in enumerate(sexes) for c, age in enumerate(ages) if agg.unodc_group(sex, age) == g]
            for g in publish.UNODC_GROUPS
        }
        groups = publish.sex_age_groups(chart)
        shown = {g: v for g, (v, _small) in groups.items() if v is not None}
        for g, v in shown.items():  # what is shown is true
            assert v == sum(counts[r][c] for r, c in cells[g])
        assert _recoverable(table, cells, shown) == set(), counts
        old = protect_series(
            list(publish.UNODC_GROUPS), [sum(counts[r][c] for r, c in cells[g]) for g in publish.UNODC_GROUPS], T
        )
        old_shown = {g: v for g, v in zip(publish.UNODC_GROUPS, old.values, strict=True) if v is not None}
        leaked_before += bool(_recoverable(table, cells, old_shown))
    assert leaked_before  # the test tells the old way from the new


def test_report_protection_facts_are_the_tables_groups(girls_hidden) -> None:
    report = build_report(PERIOD, actor=girls_hidden.actor("statistician"), threshold=T)
    protection = _facts(report, "protection")
    sex_age = next(c for s in report.sections for c in s.charts if c.key == "victims_sex_age")
    groups = publish.sex_age_groups(sex_age)
    assert {g: (protection[g].value, protection[g].small) for g in publish.UNODC_GROUPS} == groups
    # girls 9-17 (4) hidden, with girls 0-8 (12) as its complement: 16 girls = 31 (row) - 15 women, no secret
    assert sex_age.table.cells[0][:2] == (None, None) and groups["girls"] == (16, False)


def test_foreign_victims_cannot_give_away_a_hidden_nationality(world) -> None:
    many(world, 13, opened=D(2011, 5, 1), nationality="GT")
    many(world, 14, opened=D(2011, 6, 1), nationality="HN")
    many(world, 3, opened=D(2011, 7, 1), nationality="SV")
    report = build_report(PERIOD, threshold=T)
    nationality = next(c for s in report.sections for c in s.charts if c.key == "victims_nationality")
    values = dict(zip(nationality.codes, nationality.series.values, strict=True))
    assert values == {"GT": None, "HN": 14, "SV": None}
    # 17 foreign victims minus 14 from Honduras would be the 3 from El Salvador
    assert _facts(report, "protection")["foreign"].value is None


def test_foreign_victims_shown_when_the_chart_gives_them(world) -> None:
    many(world, 13, opened=D(2011, 5, 1), nationality="GT")
    many(world, 14, opened=D(2011, 6, 1), nationality="HN")
    many(world, 12, opened=D(2011, 7, 1), nationality="SV")
    assert _facts(build_report(PERIOD, threshold=T), "protection")["foreign"].value == 26


def test_trained_officials_are_the_trainings_chart(world) -> None:
    many(world, 12, opened=D(2011, 5, 1))
    sup = world.actor("supervisor")
    for role, n in (("judges", 20), ("prosecutors", 4)):
        training = capacity_services.training_create(
            actor=sup,
            data=capacity_services.TrainingInput(
                title=role,
                start_date=D(2011, 9, 1),
                end_date=D(2011, 9, 2),
                topics=["legal_framework"],
                target_groups=[role],
                planned_participants=30,
            ),
        )
        for _ in range(n):
            capacity_services.participant_add(
                actor=sup,
                training_id=training.pk,
                data=capacity_services.ParticipantInput(role=role, institution_other="OJ"),
            )
    with translation.override("en"):
        report = build_report(PERIOD, threshold=T)
    trainings = publish.chart("trainings", PERIOD, T)
    assert trainings.series.values == (None, None) and trainings.series.total == 24
    prosecution = _facts(report, "prosecution")
    # judges 20 hidden in the chart for the 4 prosecutors: not given by a fact (24 - 20 = 4)
    assert prosecution["judges_trained"].value is None and prosecution["prosecutors_trained"].value is None
    assert prosecution["judges_trained"].shown(T) == "•" and prosecution["prosecutors_trained"].shown(T) == "<11"
    assert any("24 officials trained of 60 planned" in line for line in _lines(report, "prevention"))


def test_victims_headline_and_status_chart_are_protected_together(world) -> None:
    """The tester's dashboard: possible <11, presumed 33, confirmed hidden, total 59, and 49 victims: the
    49 gave the confirmed, then the possible. The number of victims is every table's total, so it stays;
    the status chart hides its total instead."""
    many(world, 5, opened=D(2011, 5, 1), status="possible", forms=())
    many(world, 33, opened=D(2011, 5, 1), status="presumed")
    many(world, 16, opened=D(2011, 5, 1), status="confirmed")
    status = publish.chart("cases_status", PERIOD, T)
    values = dict(zip(status.codes, status.series.values, strict=True))
    victims, _small = publish.victims_headline(PERIOD, T)
    assert victims == 49
    assert values["possible"] is None
    known_total = status.series.total
    # possible = total - presumed - confirmed: one of the three must be hidden besides it
    assert known_total is None or values["presumed"] is None or values["confirmed"] is None
    texts = dict((code, text) for code, _l, text in status.row_texts())
    assert texts["possible"] == "<11" and status.total_text() == "•"
    assert _facts(build_report(PERIOD, threshold=T), "overview")["victims"].value == 49


def test_victims_by_sex_and_by_age_are_the_tables_margins(girls_hidden) -> None:
    sex_age = publish.chart("victims_sex_age", PERIOD, T)
    by_sex = publish.chart("victims_sex", PERIOD, T)
    by_age = publish.chart("victims_age", PERIOD, T)
    assert by_sex.series.values == sex_age.table.row_totals
    assert by_age.series.values == sex_age.table.col_totals
    assert by_sex.series.total == by_age.series.total == sex_age.table.total


def test_sdg_is_derived_from_the_published_table(girls_hidden) -> None:
    rows = {(r["sex"], r["age"]): r for r in exports.sdg_16_2_2(PERIOD, T)}
    groups = publish.sex_age_groups(publish.chart("victims_sex_age", PERIOD, T))
    for (sex, age), group in exports.SDG_GROUPS.items():
        assert (rows[(sex, age)]["victims"], rows[(sex, age)]["victims_small"]) == groups[group]
    assert rows[("F", "0-17")]["victims"] == 16 and rows[("M", "0-17")]["victims"] == 14
    assert "2011,F,0-17,16," in exports.sdg_csv(PERIOD, T) or "2012,F,0-17,16," in exports.sdg_csv(PERIOD, T)


def test_victims_by_form_is_the_unodc_tables_row_totals(world) -> None:
    many(world, 12, opened=D(2011, 5, 1), forms=("SexualExploitation",))
    many(world, 3, opened=D(2011, 5, 1), forms=("SexualExploitation", "ForcedLabour"), gender="Masculine")
    many(world, 14, opened=D(2011, 5, 1), forms=("ForcedLabour",), gender="Masculine", age_group="30-38")
    forms, _groups, table = exports.unodc_victims_table(PERIOD, T)
    chart = publish.chart("victims_form", PERIOD, T)
    assert chart.codes == tuple(forms) and chart.series.values == table.row_totals


# ------------------------------------------------------------------------------------ 2. true markers


def test_a_complement_is_not_labelled_small() -> None:
    series = protect_series(["possible", "presumed", "confirmed"], [4, 33, 16], T)
    assert series.values == (None, 33, None) and series.total == 53
    texts = [publish.shown(v, T, small=series.is_small(i)) for i, v in enumerate(series.values)]
    assert texts == ["<11", "33", "•"]  # 16 is not below 11


def test_markers_are_not_told_apart_when_that_would_give_a_count_away() -> None:
    # 1 and 11 hidden, 42 - 30 = 12: if 11 were known not to be small, it would be 11 and the other 1
    series = protect_series(["a", "b", "c"], [1, 11, 30], T)
    assert series.values == (None, None, 30)
    assert not series.small
    assert [publish.shown(v, T, small=series.is_small(i)) for i, v in enumerate(series.values)] == ["•", "•", "30"]


def test_table_markers_are_true() -> None:
    counts = [[12, 4, 15], [0, 14, 20]]
    table = protect_table(["F", "M"], ["0-8", "9-17", "18-20"], counts, T)
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    for r, row in enumerate(table.extended()):
        for c, v in enumerate(row):
            if v is None and table.is_small(r, c):
                assert 0 < grid[r][c] < T
    assert table.is_small(0, 1)  # the 4


def test_chart_csv_has_the_markers_and_the_legend(world) -> None:
    many(world, 4, opened=D(2011, 5, 1), status="possible", forms=())
    many(world, 33, opened=D(2011, 5, 1), status="presumed")
    many(world, 16, opened=D(2011, 5, 1), status="confirmed")
    text = publish.chart_csv(publish.chart("cases_status", PERIOD, T))
    assert "possible,Possible victim,<11" in text or "possible,Possible,<11" in text
    assert ",Total,•" in text
    assert "it may be any value" in text


# -------------------------------------------------------------------------------- 3. plan indicators


def _plan(world) -> None:
    action = PlanAction.objects.create(code="2.1", title="Identify", axis="protection")
    victims = Indicator.objects.create(action=action, name="Victims identified", computed="victims_identified")
    IndicatorTarget.objects.create(indicator=victims, year=2011, value=Decimal("500000.00"))
    IndicatorTarget.objects.create(indicator=victims, year=2012, value=Decimal("9"))
    judges = Indicator.objects.create(action=action, name="Judges trained", computed="judges_trained")
    IndicatorTarget.objects.create(indicator=judges, year=2011, value=Decimal("300"))
    other = PlanAction.objects.create(code="4.1", title="Protocol", axis="coordination")
    Indicator.objects.create(action=other, name="Protocols signed", source="Commission minutes")


def test_plan_year_is_the_one_holding_most_of_the_period() -> None:
    assert plan_year(Period(D(2025, 4, 1), D(2026, 3, 31))) == 2025
    assert plan_year(Period(D(2025, 1, 1), D(2025, 12, 31))) == 2025
    assert plan_year(Period(D(2025, 11, 1), D(2026, 6, 30))) == 2026


def test_plan_indicators_use_the_reports_period(world) -> None:
    _plan(world)
    many(world, 12, opened=D(2011, 5, 1))
    many(world, 14, opened=D(2012, 2, 1), gender="Masculine", age_group="30-38")  # 2012, in the period
    with translation.override("en"):
        report = build_report(PERIOD, actor=world.actor("statistician"), threshold=T)
    lines = _lines(report, "prevention")
    victims_line = next(line for line in lines if "Plan 2.1 · Victims identified" in line)
    assert "in the reporting period: 26" in victims_line  # both years of the period, as the overview
    assert _facts(report, "overview")["victims"].value == 26
    assert "annual target for 2011: 500,000" in victims_line  # no decimals, grouped, its year said
    judges_line = next(line for line in lines if "Judges trained" in line)
    assert "in the reporting period: 0" in judges_line
    manual = next(line for line in lines if "Plan 4.1" in line)
    assert "in 2011: —" in manual and "Commission minutes" in manual
    with translation.override("es"):
        report = build_report(PERIOD, actor=world.actor("statistician"), threshold=T)
    # the locale's grouping (Django's Spanish format: a non-breaking space), never "500000.00"
    assert any("500\xa0000;" in line for line in _lines(report, "prevention"))
    assert not any("500000" in line for line in _lines(report, "prevention"))


# ---------------------------------------------------------------------------- 4, 5. PDF and DOCX


def test_exports_do_not_add_up_justice_stages(justice) -> None:
    for key in ("justice_sex", "justice_form"):
        chart = publish.chart(key, PERIOD, T)
        assert not chart.show_col_totals
        header, rows = _chart_rows(chart)
        assert header[-1] == "Total"  # the row totals stay
        assert all(row[0] != "Total" for row in rows)
    report = build_report(PERIOD, threshold=T)
    from docx import Document

    document = Document(io.BytesIO(report_docx(report)))
    first_cells = [t.rows[-1].cells[0].text for t in document.tables]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Criminal justice: offenders by sex" in headings
    # the screen's tables: only the additive ones end with a total row
    assert first_cells.count("Total") < len(document.tables)
    justice_tables = [t for t in document.tables if t.rows[1].cells[0].text in ("Persons investigated",)]
    assert justice_tables and all(t.rows[-1].cells[0].text != "Total" for t in justice_tables)


def test_pdf_text_never_prints_a_question_mark() -> None:
    assert pdf_text("Plan 4.1 · Protocolos firmados: — (meta 2)") == "Plan 4.1 · Protocolos firmados: — (meta 2)"
    assert pdf_text("• … “x” ñ") == "• … “x” ñ"
    assert "?" not in pdf_text("≥ 11 → K’iche’ ʼ ā ő 中")
    assert pdf_text("ā") == "a" and pdf_text("中") == "[U+4E2D]" and pdf_text("≥") == ">="


def test_pdf_shows_dashes_and_markers(world) -> None:
    from pypdf import PdfReader

    _plan(world)
    many(world, 4, opened=D(2011, 5, 1), status="possible", forms=())
    many(world, 33, opened=D(2011, 5, 1), status="presumed")
    many(world, 16, opened=D(2011, 5, 1), status="confirmed")
    with translation.override("en"):
        pdf = report_pdf(build_report(PERIOD, actor=world.actor("statistician"), threshold=T))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Protocols signed, in 2011: —" in text.replace("\n", " ")
    assert "•" in text and "<11" in text
    assert "?" not in text


# ------------------------------------------------------------------------------ 6. bar chart labels


def test_long_bar_labels_are_cut_on_a_word_with_an_ellipsis() -> None:
    label = "Cancelled or ended before an answer, a much longer label"
    short = publish.short_label(label)
    assert short.endswith("…") and len(short) <= publish.BAR_LABEL_CHARS
    assert label.startswith(short[:-1]) and label[len(short) - 1] == " "  # a whole word
    assert publish.short_label("Short") == "Short"
    series = protect_series(["x"], [40], T)
    chart = publish.Chart("k", "Title", ("x",), (label,), series=series)
    svg = str(publish.bar_svg(chart))
    assert f"<title>{label}</title>" in svg and short in svg


# ------------------------------------------------------------------------------------- 7. UNODC total


def test_unodc_gives_distinct_victims_not_a_sum_of_forms(world, client) -> None:
    many(world, 12, opened=D(2011, 5, 1), forms=("SexualExploitation", "ForcedLabour"))  # two forms each
    many(world, 14, opened=D(2011, 5, 1), forms=("ForcedLabour",), gender="Masculine", age_group="30-38")
    rows = list(csv.reader(io.StringIO(exports.unodc_csv(PERIOD, T))))
    by_label = {row[0]: row for row in rows if row}
    assert by_label["Sexual exploitation"][-1] == "12" and by_label["Forced labour"][-1] == "26"
    assert "Total" not in by_label  # 38 would count the 12 girls twice
    distinct = by_label["Victims identified, all forms (counted per case)"]
    assert distinct[1:] == ["0", "14", "12", "0", "0", "26"]
    # one person per case here: as many distinct persons, given as a total only
    assert by_label["Distinct persons identified as victims, each counted once"][1:] == ["", "", "", "", "", "26"]
    assert any("Counted per case" in row[0] for row in rows if row)
    assert any("do not add up" in row[0] for row in rows if row)


# ------------------------------------------------------------------------------------- 8. wording


def _judges_training(world, planned: int):
    """One training of judges in September 2011, by the home supervisor."""
    return capacity_services.training_create(
        actor=world.actor("supervisor"),
        data=capacity_services.TrainingInput(
            title="Jueces",
            start_date=D(2011, 9, 1),
            end_date=D(2011, 9, 2),
            topics=["legal_framework"],
            target_groups=["judges"],
            planned_participants=planned,
        ),
    )


def test_one_training_is_singular(world) -> None:
    many(world, 12, opened=D(2011, 5, 1))
    training = _judges_training(world, planned=1500)
    assert training.pk
    with translation.override("en"):
        report = build_report(PERIOD, threshold=T)
    assert any(
        line.startswith("Trainings: 1 event, 0 officials trained of 1,500 planned.")
        for line in report.sections[3].lines
    )


def test_dashboard_trainings_note_is_singular(world, client) -> None:
    from tests.conftest import login

    many(world, 12, opened=D(2011, 5, 1))
    training = _judges_training(world, planned=30)
    for _ in range(12):
        capacity_services.participant_add(
            actor=world.actor("supervisor"),
            training_id=training.pk,
            data=capacity_services.ParticipantInput(role="judges", institution_other="OJ"),
        )
    login(client, world.user("statistician"))
    body = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    assert "1 training; 12 officials trained of 30 planned." in body
    assert 'id="legend"' in body


# ------------------------------------------------------------------------------- 9. empty department


def test_department_chart_without_rows_says_so(world, client) -> None:
    from tests.conftest import login

    many(world, 12, opened=D(2011, 5, 1), forms=())  # no exploitation event: no department
    chart = publish.chart("victims_department", PERIOD, T)
    assert chart.codes == () and chart.empty
    login(client, world.user("statistician"))
    body = client.get("/stats/?start=2011-04-01&end=2012-03-31").content.decode()
    section = body[body.index('id="victims_department"') :]
    section = section[: section.index("</section>")]
    assert "No records in this period." in section


def test_a_chart_with_only_hidden_counts_is_not_empty() -> None:
    series = protect_series(["a"], [3], T)
    chart = publish.Chart("k", "T", ("a",), ("A",), series=series, additive=False)
    assert not chart.empty


def test_one_victim_is_below_the_threshold(world) -> None:
    victim(world, opened=D(2011, 5, 1))
    assert publish.victims_headline(PERIOD, T) == (None, True)  # one victim: "<11"
