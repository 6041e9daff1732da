"""Write a labelled synthetic linkage set (JSON lines: the record plus its ``entity`` truth label).

    .venv/bin/python bench/linkage/generate.py --records 10000 --seed 7 --out /tmp/linkage-10k.jsonl

The records are synthetic (demo-data names); the file holds no real identity, so it may live on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from amparo.linkage.synthetic import generate

    with args.out.open("w") as out:
        for item in generate(args.records, seed=args.seed):
            out.write(json.dumps({**item.record, "entity": item.entity}, ensure_ascii=False) + "\n")
    print(f"wrote {args.records} labelled records to {args.out}")


if __name__ == "__main__":
    main()
