"""Background job of reminders (run by `amparo db_worker`; enqueued by `amparo send-reminders`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_reminders_task() -> dict[str, int]:
    """Send the reminders that are due now; safe to run again (each is sent once per object and threshold)."""
    return services.send_reminders()
