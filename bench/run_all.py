"""Run every benchmark, one after the other, each in its own process, and print their figures.

Moderate sizes by default (a few minutes on two cores); ``--full`` uses the sizes of the targets
(1,000,000 audit events, 100,000 persons: about ten minutes on two cores).

    .venv/bin/python bench/run_all.py [--full]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="Target sizes instead of moderate ones.")
    args = parser.parse_args()
    events, persons = (1_000_000, 100_000) if args.full else (200_000, 20_000)
    runs = [
        ["audit_verify.py", "--events", str(events)],
        # demo_data leaves N persons in the benchmark database; person_search reuses them.
        ["demo_data.py", "--persons", str(persons)],
        ["person_search.py", "--persons", str(persons), "--queries", "200"],
    ]
    started = time.perf_counter()
    failed = []
    for script, *script_args in runs:
        command = [sys.executable, str(HERE / script), *script_args]
        print(f"$ {' '.join(['python', f'bench/{script}', *script_args])}", flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(script)
        print(flush=True)
    print(f"All benchmarks done in {time.perf_counter() - started:.0f} s" + (f"; FAILED: {failed}" if failed else "."))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
