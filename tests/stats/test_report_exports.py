from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from amparo.audit.models import AuditEvent
from amparo.capacity import services as capacity_services
from amparo.cases.models import Case
from amparo.stats import exports
from amparo.stats.aggregates import Filters, Period
from amparo.stats.disclosure import is_k_anonymous
from amparo.stats.models import ReportNarrative
from amparo.stats.report import build_report
from amparo.stats.services import narrative_save
from tests.conftest import login

from .helpers import many, victim

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = Filters(Period(D(2011, 4, 1), D(2012, 3, 31)))
QUERY = "start=2011-04-01&end=2012-03-31"


def _reauth(client) -> None:
    import time

    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()


@pytest.fixture
def data(world):
    many(world, 12, opened=D(2011, 5, 1))  # 12 girls
    many(
        world,
        14,
        opened=D(2011, 6, 1),
        gender="Masculine",
        age_group="30-38",
        nationality="HN",
        forms=("ForcedLabour",),
        department="05",
    )  # 14 men, foreign
    many(world, 15, opened=D(2011, 8, 1), gender="Feminine", age_group="18-20", nationality="GT")  # 15 women
    many(world, 11, opened=D(2010, 8, 1))  # previous period
    sup = world.actor("supervisor")
    training = capacity_services.training_create(
        actor=sup,
        data=capacity_services.TrainingInput(
            title="Jueces",
            start_date=D(2011, 9, 1),
            end_date=D(2011, 9, 2),
            topics=["legal_framework"],
            target_groups=["judges"],
            planned_participants=600,
        ),
    )
    for _ in range(12):
        capacity_services.participant_add(
            actor=sup,
            training_id=training.pk,
            data=capacity_services.ParticipantInput(role="judges", institution_other="OJ"),
        )
    return world


def _facts(report, key):
    section = next(s for s in report.sections if s.key == key)
    return {f.code: f.value for f in section.facts}


def test_report_figures_match_hand_counts(data) -> None:
    report = build_report(PERIOD, actor=data.actor("statistician"), threshold=11)
    overview = _facts(report, "overview")
    assert overview["victims"] == 41
    assert overview["victims_previous"] == 11
    protection = _facts(report, "protection")
    assert (protection["women"], protection["men"], protection["girls"]) == (15, 14, 12)
    assert protection["boys"] == 0
    assert protection["foreign"] == 14
    prosecution = _facts(report, "prosecution")
    assert prosecution["judges_trained"] == 12
    assert prosecution["prosecutors_trained"] == 0
    from django.utils import translation

    with translation.override("en"):
        report = build_report(PERIOD, actor=data.actor("statistician"), threshold=11)
    prevention = next(s for s in report.sections if s.key == "prevention")
    assert any("12 officials trained of 600 planned" in line for line in prevention.lines)


def test_report_suppresses_small_counts(data) -> None:
    victim(data, opened=D(2011, 10, 1), gender="Masculine", age_group="9-17")  # one boy
    report = build_report(PERIOD, actor=data.actor("statistician"), threshold=11)
    protection = _facts(report, "protection")
    assert protection["boys"] is None  # 1 boy hidden
    assert [protection[k] for k in ("women", "men", "girls")].count(None) >= 1  # with a complement


def test_empty_period_and_bad_period(data, client) -> None:
    report = build_report(Filters(Period(D(1999, 4, 1), D(2000, 3, 31))), threshold=11)
    assert report.empty
    login(client, data.user("statistician"))
    response = client.get("/stats/report/?start=1999-04-01&end=2000-03-31")
    assert response.status_code == 200 and "No victims were identified in this period" in response.content.decode()
    bad = client.get("/stats/report/?start=2012-04-01&end=2011-04-01")
    assert bad.status_code == 400


def test_narrative_only_own_institution_and_in_report(data, client) -> None:
    sup = data.actor("supervisor")
    narrative_save(actor=sup, period=PERIOD.period, section="best_practices", text="Mesa interinstitucional.")
    narrative_save(
        actor=data.actor("supervisor", "other"),
        period=PERIOD.period,
        section="best_practices",
        text="Albergue temporal.",
    )
    assert ReportNarrative.objects.count() == 2
    narrative_save(actor=sup, period=PERIOD.period, section="best_practices", text="Mesa, segunda versión.")
    assert ReportNarrative.objects.get(organization=data.home).text == "Mesa, segunda versión."
    assert ReportNarrative.objects.get(organization=data.other).text == "Albergue temporal."
    report = build_report(PERIOD, threshold=11)
    texts = [n.text for n in report.sections[-1].narratives]
    assert sorted(texts) == ["Albergue temporal.", "Mesa, segunda versión."]
    login(client, data.user("supervisor"))
    response = client.post(f"/stats/report/narratives/prevention/?{QUERY}", {"text": "Campañas radiales."})
    assert response.status_code == 302
    assert "Mesa" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


@pytest.mark.parametrize(("fmt", "lang", "needle"), [("pdf", "es", b"%PDF"), ("docx", "en", b"PK")])
def test_report_export_reauth_and_audit(data, client, fmt, lang, needle) -> None:
    login(client, data.user("statistician"))
    first = client.get(f"/stats/report/export.{fmt}?{QUERY}&lang={lang}")
    assert first.status_code == 302 and "/accounts/reauth/" in first["Location"]
    _reauth(client)
    response = client.get(f"/stats/report/export.{fmt}?{QUERY}&lang={lang}")
    assert response.status_code == 200 and response.content.startswith(needle)
    event = AuditEvent.objects.filter(action="report.exported").get()
    assert event.details["format"] == fmt and event.details["language"] == lang
    if fmt == "docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert "Annual report on trafficking in persons" in text and "Overview" in text
        assert "Ana" not in text


def test_pdf_in_spanish_has_the_figures(data) -> None:
    from django.utils import translation
    from pypdf import PdfReader

    from amparo.stats.report_export import report_pdf

    with translation.override("es"):
        pdf = report_pdf(build_report(PERIOD, threshold=11))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "41" in text


def test_ctdc_release_is_k_anonymous(data) -> None:
    many(
        data, 2, opened=D(2011, 11, 1), gender="Masculine", age_group="48+", nationality="MX", forms=("ForcedBegging",)
    )
    release = exports.ctdc_release(PERIOD, 11, seed=1)
    assert is_k_anonymous(release.rows, exports.CTDC_QUASI_IDENTIFIERS, 11)
    assert len(release.rows) + release.dropped == 43
    assert "MX" not in release.csv()
    header = next(csv.reader(io.StringIO(release.csv())))
    assert "ageBroad" in header and "isSexualExploit" in header and "meansOfControlDebtBondage" in header


def test_htcds_round_trip(data, client) -> None:
    source = data.actor("supervisor")
    rows = exports.htcds_rows(source)
    assert len(rows) == 52
    # import into the other institution, then export from there: the same records (the case numbers are new)
    target = data.actor("supervisor", "other")
    for fmt in ("csv", "json"):
        text = exports.htcds_csv(rows) if fmt == "csv" else exports.htcds_json(rows)
        before = Case.objects.filter(owner_org=data.other).count()
        exports.htcds_import(actor=target, records=exports.parse_htcds(f"f.{fmt}", text.encode()))
        assert Case.objects.filter(owner_org=data.other).count() == before + 52
    again = exports.htcds_rows(target)

    def comparable(r):
        return {k: v for k, v in r.items() if k not in ("cas_CaseId", "cas_Status")}

    key = lambda r: json.dumps(comparable(r), sort_keys=True)  # noqa: E731
    assert sorted(map(key, again)) == sorted(map(key, rows + rows))


def test_htcds_import_is_all_or_nothing_with_row_errors(data, client) -> None:
    good = {"prs_FirstName": "Rosa", "prs_Gender": "Feminine", "vic_TraffickingStatus": "Possible"}
    bad_code = {"prs_FirstName": "Luis", "prs_Gender": "Masculine", "vic_TypeOfExploitation": ["Mining"]}
    no_name = {"prs_Gender": "Feminine", "prs_Birthdate": "2001-13-45"}
    before = Case.objects.count()
    with pytest.raises(exports.ImportFailed) as exc:
        exports.htcds_import(actor=data.actor("supervisor"), records=[good, bad_code, no_name])
    assert sorted(exc.value.rows) == [2, 3]
    assert "Mining" in exc.value.rows[2][0]
    assert Case.objects.count() == before
    login(client, data.user("supervisor"))
    upload = io.BytesIO(b"prs_FirstName,prs_Gender\nRosa,Feminine\nLuis,Alien\n")
    upload.name = "bad.csv"
    response = client.post("/stats/exports/htcds/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400 and "Alien" in body and "nothing was imported" in body
    malformed = io.BytesIO(b"not,an,htcds,file\n1,2,3,4\n")
    malformed.name = "x.csv"
    assert client.post("/stats/exports/htcds/import/", {"file": malformed}).status_code == 400
    broken_json = io.BytesIO(b"{not json")
    broken_json.name = "x.json"
    assert "not valid JSON" in client.post("/stats/exports/htcds/import/", {"file": broken_json}).content.decode()


def test_htcds_export_is_an_encrypted_archive(data, client) -> None:
    login(client, data.user("supervisor"))
    _reauth(client)
    short = client.post("/stats/exports/htcds/", {"file_format": "csv", "password": "short"})
    assert short.status_code == 400
    response = client.post("/stats/exports/htcds/", {"file_format": "csv", "password": "una-clave-larga-2026"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    with pytest.raises(RuntimeError):  # encrypted: no reading without the password
        archive.read("htcds.csv")
    import pyzipper

    with pyzipper.AESZipFile(io.BytesIO(response.content)) as z:
        z.setpassword(b"una-clave-larga-2026")
        assert "Ana" in z.read("htcds.csv").decode()
    assert AuditEvent.objects.filter(action="htcds.exported").exists()
    login(client, data.user("statistician"))
    assert client.post("/stats/exports/htcds/", {"file_format": "csv", "password": "x" * 12}).status_code == 403


def test_unodc_and_sdg_exports(data, client) -> None:
    login(client, data.user("statistician"))
    _reauth(client)
    unodc = client.get(f"/stats/exports/unodc.csv?{QUERY}").content.decode()
    assert "Sexual exploitation" in unodc or "Explotación sexual" in unodc
    sdg = client.get(f"/stats/exports/sdg.csv?{QUERY}").content.decode()
    assert "synthetic-projection" in sdg and "SYNTHETIC PROJECTION" in sdg
    rows = exports.sdg_16_2_2(PERIOD, 11)
    women = next(r for r in rows if (r["sex"], r["age"]) == ("F", "18+"))
    assert women["victims"] == 15 and women["rate_per_100000"] > 0
    ctdc = client.get(f"/stats/exports/ctdc.csv?{QUERY}")
    assert ctdc.status_code == 200 and "Ana" not in ctdc.content.decode()
    assert AuditEvent.objects.filter(action="stats.exported").count() == 3
