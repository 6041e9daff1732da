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
    from amparo.linkage.synthetic import generate

    records = [item.record for item in generate(args.records, seed=2026)]
    prediction = engine.train_and_predict(records)
    DEFAULT_MODEL.write_text(json.dumps(prediction.model, indent=1, sort_keys=True) + "\n")
    print(f"trained on {args.records} synthetic records -> {DEFAULT_MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
