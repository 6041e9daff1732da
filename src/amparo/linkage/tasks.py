"""Background job of linkage (run by `amparo db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_run(run_id: str) -> bool:
    """Run duplicate detection over every person; progress is written on the run as it goes."""
    from .services import execute_run as run

    return run(run_id)
