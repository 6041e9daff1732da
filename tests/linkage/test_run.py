from __future__ import annotations

from pathlib import Path

import pytest

from amparo.audit.models import AuditEvent
from amparo.linkage import engine, services
from amparo.linkage.models import CandidatePair, LinkageRun, RunStatus
from amparo.linkage.synthetic import true_pairs

pytestmark = pytest.mark.django_db


def _run() -> LinkageRun:
    run = LinkageRun.objects.create(threshold=engine.DEFAULT_THRESHOLD)
    services.execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_run_finds_the_labelled_duplicates_above_a_floor(labelled) -> None:
    items, mapping = labelled
    run = _run()
    assert run.status == RunStatus.SUCCEEDED and run.is_current
    assert run.model["comparisons"] and run.record_count == 300
    back = {v: k for k, v in mapping.items()}
    found = {
        tuple(sorted((back[str(p.left_id)], back[str(p.right_id)]))) for p in CandidatePair.objects.filter(run=run)
    }
    truth = true_pairs(items)
    tp = len(found & truth)
    precision, recall = tp / len(found), tp / len(truth)
    assert precision >= 0.9 and recall >= 0.7, (precision, recall)
    pair = CandidatePair.objects.filter(run=run).first()
    assert set(pair.evidence) == {c["output_column_name"] for c in engine.COMPARISONS}
    assert AuditEvent.objects.filter(action="linkage.run.finish").exists()


def test_a_run_over_the_pair_budget_records_the_threshold_it_applied(labelled, monkeypatch) -> None:
    monkeypatch.setattr(engine, "MAX_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "MAX_PAIRS_PER_RECORD", 20 / 300)
    run = _run()
    assert run.status == RunStatus.SUCCEEDED and run.threshold > engine.DEFAULT_THRESHOLD
    pairs = CandidatePair.objects.filter(run=run)
    assert 20 <= pairs.count() < 40 and min(p.match_weight for p in pairs) >= run.threshold - 1e-9


def test_a_failed_run_leaves_the_previous_results(labelled, monkeypatch) -> None:
    first = _run()
    pairs_before = CandidatePair.objects.filter(run=first).count()

    def boom(*args, **kwargs):
        raise MemoryError("simulated")

    monkeypatch.setattr(engine, "train_and_predict", boom)
    second = _run()
    assert second.status == RunStatus.FAILED and second.error == "MemoryError"
    first.refresh_from_db()
    assert first.is_current and CandidatePair.objects.filter(run=first).count() == pairs_before
    assert not CandidatePair.objects.filter(run=second).exists()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_no_plaintext_identity_reaches_the_disk_during_a_run(labelled, tmp_path, monkeypatch) -> None:
    """Every temporary-file location points into a directory we scan while the run is under way and after."""
    items, _mapping = labelled
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[Path] = []
    original = engine.train_and_predict

    def spy(records, **kwargs):
        kwargs["progress"] = lambda p, s: seen.extend(_files(tmp_path))
        return original(records, **kwargs)

    monkeypatch.setattr(engine, "train_and_predict", spy)
    monkeypatch.chdir(tmp_path)  # DuckDB's default temp directory is relative (".tmp")
    run = _run()
    assert run.status == RunStatus.SUCCEEDED
    seen.extend(_files(tmp_path))
    names = {w for i in items for w in (i.record["given_names"] + " " + i.record["surnames"]).split() if len(w) > 3}
    for path in set(seen):
        if path.exists():
            data = path.read_bytes()
            assert not any(n.encode() in data for n in names), path
    assert not seen, seen


def test_the_duckdb_connection_cannot_spill_to_disk() -> None:
    con = engine.connect(memory_limit="64MB")
    assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == ""
    import duckdb

    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute("SELECT count(*) FROM (SELECT md5(i::VARCHAR) h FROM range(5000000) t(i) ORDER BY h)").fetchall()


def test_the_command_runs_and_audits(labelled) -> None:
    from django.core.management import call_command

    call_command("linkage_run")
    run = LinkageRun.objects.get(is_current=True)
    assert run.trigger == "cli:linkage-run" and run.pair_count > 0
    assert AuditEvent.objects.filter(action="linkage.run.request").exists()


def test_run_progress_shows_translated_stage_names(world) -> None:
    from django.test import Client

    from tests.conftest import login

    run = LinkageRun.objects.create(threshold=6, status=RunStatus.RUNNING, progress=15, stage="estimate_u")
    admin = login(Client(), world.user("administrator"))
    page = admin.get(f"/linkage/runs/{run.pk}/").content.decode()
    assert "estimating how often values agree by chance" in page and "estimate_u" not in page
    LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, progress=100, stage="done")
    page = admin.get(f"/linkage/runs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "100% · done" in page


def test_every_stage_reported_has_a_label() -> None:
    import inspect
    import re

    from amparo.linkage.labels import STAGE_LABELS

    reported = set(re.findall(r'report\([^,]+, "(\w+)"\)', inspect.getsource(engine)))
    reported |= set(re.findall(r'_progress\(run\.pk, \d+, "(\w+)"\)', inspect.getsource(services))) | {"done"}
    assert reported >= {"estimate_u", "estimate_m", "predict", "cluster", "decrypt", "save"}
    assert reported <= set(STAGE_LABELS)
