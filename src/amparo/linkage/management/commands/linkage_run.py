from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Run duplicate detection over all persons (for a schedule: cron or a systemd timer). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue it for the task worker instead of running now.")

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage import services
        from amparo.linkage.models import LinkageRun, RunStatus

        actor = Actor.for_system("cli:linkage-run")
        if options["queue"]:
            try:
                run = services.run_request(actor=actor, trigger="cli:linkage-run")
            except ValidationFailed as exc:
                raise CommandError(" ".join(str(m) for errors in exc.errors.values() for m in errors)) from exc
            self.stdout.write(_("Queued run %(run)s.") % {"run": run.pk})
            return
        if LinkageRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise CommandError(_("A run is already in progress."))
        from django.db import transaction

        from amparo.audit.services import audit_record

        with transaction.atomic():
            run = LinkageRun.objects.create(trigger="cli:linkage-run", threshold=services._threshold())
            audit_record(actor=actor, action="linkage.run.request", target_type="linkage_run", target_id=run.pk)
        ok = services.execute_run(run.pk)
        run.refresh_from_db()
        if not ok:
            raise CommandError(
                _("Run %(run)s failed (%(error)s); the previous results are unchanged.")
                % {"run": run.pk, "error": run.error}
            )
        self.stdout.write(
            _("Run %(run)s: %(persons)s persons, %(pairs)s candidate pairs, %(groups)s groups.")
            % {"run": run.pk, "persons": run.record_count, "pairs": run.pair_count, "groups": run.cluster_count}
        )
