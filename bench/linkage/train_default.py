"""Train the model shipped with Amparo (used by the entry-time check before the first run) on the
synthetic labelled set, and write its parameters (no identities) to src/amparo/linkage/data/.

    .venv/bin/python bench/linkage/train_default.py --records 20000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    import django

    django.setup()
    from amparo.linkage import engine
    from amparo.linkage.duplicates import DEFAULT_MODEL
    from amparo.linkage.synthetic import ClericalErrors, generate

    # Clerical errors the evaluation set does not make: without them this model vetoed a mistyped day or
    # month of birth (-20 bits) at entry, before a first run has estimated the register's own m.
    errors = ClericalErrors(dates=0.1, same_institution=0.05)
    records = [item.record for item in generate(args.records, seed=2026, errors=errors)]
    prediction = engine.train_and_predict(records)
    DEFAULT_MODEL.write_text(json.dumps(prediction.model, indent=1, sort_keys=True) + "\n")
    print(f"trained on {args.records} synthetic records -> {DEFAULT_MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
