"""Duplicate detection on registers unlike the evaluation set: the same synthetic persons (seed 7) with
fields removed or errors added that the generator does not make, as another institution's data could be.
Prints each variant's groups precision, recall and F1, and λ against the labels' share of true pairs.

    .venv/bin/python bench/linkage/variants.py --records 20000 [--variants no_documents estimated_ages_only]

Everything runs in memory (no database); the model is trained on each variant as a run would be.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")

import dedup_measures as measures

Record = dict[str, object]


def _no_documents(r: Record) -> None:
    r["documents"] = []


def _estimated_ages(r: Record) -> None:
    """A date of birth becomes an age range of 4 years around it, assessed on one day."""
    if r["date_of_birth"]:
        age = 2026 - int(str(r["date_of_birth"])[:4])
        r.update(date_of_birth=None, age_min=age - 2, age_max=age + 2, age_assessed_on="2026-01-01")


def _one_surname_in_two_institutions(r: Record) -> None:
    if r["owner_org"] in (1, 2) and r["surnames"]:
        r["surnames"] = str(r["surnames"]).split()[0]


def _upper_without_accents(r: Record) -> None:
    for key in ("given_names", "surnames"):
        r[key] = unicodedata.normalize("NFKD", str(r[key])).encode("ascii", "ignore").decode().upper()


def _no_sex_or_nationality(r: Record) -> None:
    r.update(gender="NonSpecifiedUnknown", nationality="")


def _estimated_ages_only(r: Record) -> None:
    _no_documents(r)
    _estimated_ages(r)


VARIANTS: dict[str, Callable[[Record], None] | None] = {
    "as_generated": None,
    "no_documents": _no_documents,
    "estimated_ages": _estimated_ages,
    "estimated_ages_only": _estimated_ages_only,  # no document and no date of birth
    "one_surname_in_two_institutions": _one_surname_in_two_institutions,
    "upper_case_without_accents": _upper_without_accents,
    "no_sex_or_nationality": _no_sex_or_nationality,
    "clerical_errors": None,  # synthetic.ClericalErrors: 30 % of dates mistyped, 20 % in the same institution
    "married_names": None,  # synthetic.ClericalErrors: 30 % of women's copies with "de" and the husband's surname
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    from amparo.linkage import engine
    from amparo.linkage.synthetic import ClericalErrors, generate

    print("variant | records | groups P / R / F1 | λ (labels) | seconds")
    for name in args.variants:
        errors = {
            "clerical_errors": ClericalErrors(dates=0.3, same_institution=0.2),
            "married_names": ClericalErrors(married=0.3),
        }.get(name)
        items = list(generate(args.records, seed=7, errors=errors))
        records = [dict(item.record) for item in items]
        change = VARIANTS[name]
        for record in records:
            if change:
                change(record)
        labels = {str(r["unique_id"]): str(item.entity) for r, item in zip(records, items, strict=True)}
        truth = measures.true_pairs(labels)
        started = time.perf_counter()
        prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        p, r, f = measures.groups_prf(prediction.clusters, truth)
        lam = prediction.model["probability_two_random_records_match"]
        true_lam = len(truth) / (len(records) * (len(records) - 1) / 2)
        print(f"{name} | {len(records):,} | {p:.4f} / {r:.4f} / {f:.4f} | {lam:.2e} ({true_lam:.2e}) | {seconds:.1f}")


if __name__ == "__main__":
    main()
