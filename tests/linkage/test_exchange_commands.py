"""The exchange commands: every input checked before any encoding, clear errors (no traceback), no export
file without its audit event, and a file imported once only."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import CommandError, call_command

from amparo.audit.models import AuditEvent
from amparo.linkage import exchange
from amparo.linkage.models import PartnerImport, PartnerLink
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

SECRET = b"shared-secret-between-sv-and-gt-0123456789"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret"
    path.write_bytes(SECRET + b"\n")
    return path


@pytest.fixture
def persons(world):
    worker = world.actor("caseworker")
    return [make_person(worker, g, s) for g, s in (("Ana", "Tzul Coc"), ("Rosa", "Batz"), ("Luis", "Pérez"))]


def _export(partner: str, secret, out) -> None:
    call_command("linkage_export", "--partner", partner, "--secret-file", str(secret), "--out", str(out))


def _sv_file(secret, tmp_path, settings):
    """El Salvador's file for Guatemala (our persons exported as SV's); the settings then say we are GT."""
    settings.LINKAGE_COUNTRY = "SV"
    data = tmp_path / "sv-to-gt.clk"
    _export("GT", secret, data)
    settings.LINKAGE_COUNTRY = "GT"
    return data


def _files(directory) -> set[str]:
    return {p.name for p in directory.iterdir()}


@pytest.mark.parametrize(
    ("partner", "message"),
    [
        ("El Salvador", "is not a country code"),
        ("sv; rm", "is not a country code"),
        ("", "is not a country code"),
        ("GT", "own country"),
    ],
)
def test_a_bad_partner_code_is_refused_before_anything_is_encoded(
    persons, secret, tmp_path, monkeypatch, partner, message
) -> None:
    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded before the inputs were checked")

    monkeypatch.setattr(exchange, "_our_encodings", no_encoding)
    with pytest.raises(CommandError, match=message) as exc:
        _export(partner, secret, tmp_path / "out.clk")
    assert "No file was written." in str(exc.value)
    assert _files(tmp_path) == {"secret"}
    assert not AuditEvent.objects.filter(action="linkage.partner.export").exists()


def test_the_export_writes_the_file_under_its_name_and_audits(persons, secret, tmp_path, capsys) -> None:
    out = tmp_path / "gt-to-sv.clk"
    _export(" sv ", secret, out)
    assert _files(tmp_path) == {"secret", "gt-to-sv.clk"}  # no temporary file left
    header = json.loads(out.read_text().split("\n", 1)[0])
    assert header["partner"] == "SV" and header["sender"] == "GT"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # encodings: for the operator only
    event = AuditEvent.objects.get(action="linkage.partner.export")
    assert event.details == {"partner": "SV", "records": 3}
    assert "Wrote 3 encoded records" in capsys.readouterr().out


def test_no_export_file_is_left_when_the_audit_event_cannot_be_written(persons, secret, tmp_path, monkeypatch) -> None:
    out = tmp_path / "gt-to-sv.clk"
    out.write_text("the previous export")

    def failing_audit(**kwargs):
        raise ValueError("audit refused")

    monkeypatch.setattr(exchange, "audit_record", failing_audit)
    with pytest.raises(ValueError, match="audit refused"):
        _export("SV", secret, out)
    assert _files(tmp_path) == {"secret", "gt-to-sv.clk"}
    assert out.read_text() == "the previous export"


def test_no_export_file_is_left_when_the_rename_fails(persons, secret, tmp_path, monkeypatch) -> None:
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(exchange.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        _export("SV", secret, tmp_path / "gt-to-sv.clk")
    assert _files(tmp_path) == {"secret"}
    assert not AuditEvent.objects.filter(action="linkage.partner.export").exists()


@pytest.mark.parametrize("missing", ["secret", "directory"])
def test_export_inputs_that_do_not_exist_are_clear_errors(persons, secret, tmp_path, missing) -> None:
    secret_path = tmp_path / "no-secret" if missing == "secret" else secret
    out = tmp_path / "no-such-dir" / "out.clk" if missing == "directory" else tmp_path / "out.clk"
    with pytest.raises(CommandError, match="does not exist"):
        _export("SV", secret_path, out)
    assert _files(tmp_path) == {"secret"}


def test_a_short_secret_is_a_clear_export_error(persons, tmp_path) -> None:
    short = tmp_path / "secret"
    short.write_bytes(b"short")
    with pytest.raises(CommandError, match="at least 32 bytes"):
        _export("SV", short, tmp_path / "out.clk")
    assert _files(tmp_path) == {"secret"}


@pytest.mark.parametrize("missing", ["file", "secret"])
def test_import_inputs_that_do_not_exist_are_clear_errors(world, secret, tmp_path, missing) -> None:
    (tmp_path / "in.clk").write_bytes(b"{}\n")
    data = tmp_path / ("no-file.clk" if missing == "file" else "in.clk")
    secret_path = tmp_path / "no-secret" if missing == "secret" else secret
    args = [str(data), "--secret-file", str(secret_path)]
    with pytest.raises(CommandError, match="does not exist"):
        call_command("linkage_import", *args)
    assert not PartnerImport.objects.exists()


def test_an_import_error_is_one_message_in_the_active_language(world, secret, tmp_path) -> None:
    (tmp_path / "bad.clk").write_bytes(b"nombre,apellido\nAna,Coc\n")
    with pytest.raises(CommandError) as exc:
        call_command("linkage_import", str(tmp_path / "bad.clk"), "--secret-file", str(secret))
    assert str(exc.value) == "This is not a partner linkage file. Nothing was imported."


def test_the_same_partner_file_is_imported_once(persons, secret, tmp_path, settings, capsys) -> None:
    data = _sv_file(secret, tmp_path, settings)
    call_command("linkage_import", str(data), "--secret-file", str(secret))
    assert "candidate links to review" in capsys.readouterr().out
    links = PartnerLink.objects.count()
    assert links > 0
    with pytest.raises(CommandError, match=r"already imported on .* \(from SV\)") as exc:
        call_command("linkage_import", str(data), "--secret-file", str(secret))
    assert "Nothing was imported." in str(exc.value)
    assert PartnerImport.objects.count() == 1 and PartnerLink.objects.count() == links
    assert AuditEvent.objects.filter(action="linkage.partner.import").count() == 1


def test_two_imports_of_one_file_racing_store_it_once(persons, secret, tmp_path, settings, monkeypatch) -> None:
    """The check before matching cannot see an import that commits meanwhile: the unique digest refuses the
    second, with the same message, and it stores nothing."""
    from amparo.linkage import exchange

    data = _sv_file(secret, tmp_path, settings)
    call_command("linkage_import", str(data), "--secret-file", str(secret))
    links = PartnerLink.objects.count()
    checks = []
    real_check = exchange._refuse_if_imported

    def first_check_misses_the_other_import(sha256: str) -> None:
        checks.append(sha256)
        if len(checks) > 1:  # the check after the refused insert sees the committed import
            real_check(sha256)

    monkeypatch.setattr(exchange, "_refuse_if_imported", first_check_misses_the_other_import)
    with pytest.raises(CommandError, match=r"already imported on .* \(from SV\)"):
        call_command("linkage_import", str(data), "--secret-file", str(secret))
    assert len(checks) == 2
    assert PartnerImport.objects.count() == 1 and PartnerLink.objects.count() == links
    assert AuditEvent.objects.filter(action="linkage.partner.import").count() == 1


THRESHOLD_RANGE = "The Dice threshold must be between 0.5 and 1. Nothing was imported."
LEAD_RANGE = "The lead over the other candidates must be between 0 and 1. Nothing was imported."


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        *(("--threshold", value, THRESHOLD_RANGE) for value in ("0.3", "1.5", "nan")),
        *(("--lead", value, LEAD_RANGE) for value in ("-0.1", "1.5", "nan")),
    ],
)
def test_a_threshold_or_lead_out_of_range_is_refused_and_nothing_is_imported(
    persons, secret, tmp_path, settings, option, value, message
) -> None:
    data = _sv_file(secret, tmp_path, settings)
    with pytest.raises(CommandError) as exc:
        call_command("linkage_import", str(data), "--secret-file", str(secret), option, value)
    assert str(exc.value) == message
    assert not PartnerImport.objects.exists() and not PartnerLink.objects.exists()


def test_the_threshold_chosen_is_used_said_and_audited(persons, secret, tmp_path, settings, capsys) -> None:
    data = _sv_file(secret, tmp_path, settings)
    call_command("linkage_import", str(data), "--secret-file", str(secret), "--threshold", "0.6")
    assert "(Dice similarity 0.6 or more)." in capsys.readouterr().out
    assert all(link.dice >= 0.6 for link in PartnerLink.objects.all()) and PartnerLink.objects.exists()
    event = AuditEvent.objects.get(action="linkage.partner.import")
    assert event.details["threshold"] == 0.6


def test_the_import_shows_and_keeps_how_similar_the_best_candidates_are(persons, secret, tmp_path, settings, capsys):
    """Counts of partner records by their best candidate's Dice band: what an agency without labels can choose
    the next threshold from. The partner here holds exact copies of our three persons: all in the top band."""
    from amparo.linkage import pprl

    data = _sv_file(secret, tmp_path, settings)
    call_command("linkage_import", str(data), "--secret-file", str(secret))
    out = capsys.readouterr().out
    imported = PartnerImport.objects.get()
    assert imported.threshold == pprl.MATCH_THRESHOLD == PartnerImport._meta.get_field("threshold").default
    assert imported.lead is None  # the threshold alone unless a lead is asked for
    assert AuditEvent.objects.get(action="linkage.partner.import").details["lead"] is None
    assert [low for low, _count in imported.dice_bands] == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    assert dict(map(tuple, imported.dice_bands))[0.95] == 3 and sum(c for _l, c in imported.dice_bands) == 3
    assert "0.95–1.00: 3" in out and "0.50–0.55: 0" in out


def test_the_lead_is_used_said_kept_and_audited(persons, secret, tmp_path, settings, capsys) -> None:
    data = _sv_file(secret, tmp_path, settings)
    call_command("linkage_import", str(data), "--secret-file", str(secret), "--lead", "0.2")
    assert "or 0.5 or more and 0.2 above any other candidate of either record)" in capsys.readouterr().out
    imported = PartnerImport.objects.get()
    assert imported.lead == 0.2
    assert AuditEvent.objects.get(action="linkage.partner.import").details["lead"] == 0.2
    # exact copies of three persons with different names: each leads its rivals by far, and the lead is kept
    links = list(PartnerLink.objects.all())
    assert len(links) == 3 and all(link.lead is not None and 0.2 < link.lead <= link.dice for link in links)
