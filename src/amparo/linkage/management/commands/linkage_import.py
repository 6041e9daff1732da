from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor

from ._files import read_input


class Command(BaseCommand):
    help = "Import a partner country's encoded file, match it and queue the candidate links for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--secret-file", required=True, type=Path, help="The secret shared with the partner")

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_import
        from amparo.linkage.pprl import PartnerFileError

        secret = read_input(options["secret_file"]).strip()
        data = read_input(options["file"])
        try:
            imported = partner_import(actor=Actor.for_system("cli:linkage-import"), secret=secret, data=data)
        except PartnerFileError as exc:
            raise CommandError(_("%(reason)s Nothing was imported.") % {"reason": exc}) from exc
        self.stdout.write(
            _("%(records)s partner records, %(links)s candidate links to review.")
            % {"records": imported.record_count, "links": imported.links.count()}
        )
