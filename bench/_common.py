"""Shared set-up for the benchmark scripts (imported by each of them; not a benchmark itself).

Every benchmark works on its own database so that it never touches the development or production
data: a SQLite file under ``$AMPARO_BENCH_DIR`` (default ``var/bench``), or the PostgreSQL database
given by ``DATABASE_URL``, whose name must contain "bench" before a script agrees to wipe it.
The master key for encryption comes from a development key file in the same directory, unless keys
are configured in the environment.
"""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("AMPARO_BENCH_DIR", PROJECT_DIR / "var" / "bench"))


def setup_django(db_name: str, *, fresh: bool) -> None:
    """Configure the environment, optionally wipe the benchmark database, set Django up and migrate.

    ``db_name`` names the SQLite file (ignored on PostgreSQL, where DATABASE_URL decides).
    """
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.settings")
    # DEBUG makes Django log (and, on SQLite, re-quote) every query, which skews timings: off by default.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-0123456789")
    os.environ.setdefault("AMPARO_DEV_KEY_FILE", str(BENCH_DIR / "master.keys"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sqlite_path = Path(os.environ.setdefault("SQLITE_PATH", str(BENCH_DIR / f"{db_name}.sqlite3")))
    postgres = bool(os.environ.get("DATABASE_URL"))
    if fresh and not postgres:
        _wipe_sqlite(sqlite_path)
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    if fresh and postgres:
        _wipe_postgres()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset_database() -> None:
    """Empty the benchmark database after set-up (drop everything, migrate again)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        _wipe_sqlite(Path(connection.settings_dict["NAME"]))
    else:
        _wipe_postgres()
    call_command("migrate", verbosity=0)


def _wipe_sqlite(path: Path) -> None:
    if "bench" not in str(path):
        raise SystemExit(f"Refusing to delete SQLite database {path}: its path must contain 'bench'.")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _wipe_postgres() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to wipe PostgreSQL database {name!r}: its name must contain 'bench'.")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def describe_database() -> str:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} ({settings.DATABASES['default']['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (database {connection.settings_dict['NAME']})"


def print_header(title: str) -> None:
    from django.conf import settings

    print(f"== {title}")
    print(
        f"   Python {platform.python_version()}, {describe_database()}, "
        f"{os.cpu_count()} CPUs, DEBUG={settings.DEBUG}, load average {load_average()}"
    )


def load_average() -> str:
    """The 1-minute load average: the machine may be shared, so each run says how busy it was."""
    return f"{os.getloadavg()[0]:.2f}"


@contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as t: ...`` then ``t[0]`` holds the elapsed (wall-clock) seconds, ``t[1]`` the CPU
    seconds of this process (which on SQLite includes the database engine's work): on a shared machine,
    a wall time much longer than the CPU time means the process was waiting for a processor or the disk."""
    box: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield box
    finally:
        box.extend([time.perf_counter() - started, time.process_time() - cpu])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {percentile(ms, 50):7.2f} ms  p95 {percentile(ms, 95):7.2f} ms  max {max(ms):7.2f} ms  "
        f"mean {statistics.fmean(ms):7.2f} ms"
    )
