"""`amparo send-reminders`: enqueue the reminders job for the task worker (for cron), or run it here.

amparo send-reminders            enqueue once (cron: e.g. hourly), the worker (`amparo db_worker`) runs it
amparo send-reminders --now      run it in this process and print the counts
amparo send-reminders --every N  enqueue it every N seconds until stopped (`make run` starts this beside
                                 the worker)
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amparo.reminders import services
from amparo.reminders.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Send reminders: overdue referrals, court orders ending or ended, follow-ups due (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run in this process instead of enqueuing.")
        parser.add_argument(
            "--every",
            type=int,
            nargs="?",
            const=-1,
            default=None,
            metavar="SECONDS",
            help="Enqueue the job every SECONDS (default AMPARO_REMINDERS_EVERY_SECONDS) until stopped.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            counts = services.send_reminders()
            self.stdout.write(" ".join(f"{name}={count}" for name, count in counts.items()))
            return
        every = options["every"]
        if every is None:
            result = send_reminders_task.enqueue()
            self.stdout.write(f"Reminders job enqueued ({result.id}).")
            return
        seconds = every if every > 0 else int(settings.AMPARO_REMINDERS_EVERY_SECONDS)
        self.stdout.write(f"Enqueuing the reminders job every {seconds} s (Ctrl-C to stop).")
        try:
            while True:
                send_reminders_task.enqueue()
                time.sleep(seconds)
        except KeyboardInterrupt:
            return
