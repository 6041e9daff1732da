from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.accounts.actor import Actor


class Command(BaseCommand):
    help = "Import a partner country's encoded file, match it and queue the candidate links for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--secret-file", required=True, type=Path, help="The secret shared with the partner")

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_import
        from amparo.linkage.pprl import PartnerFileError

        try:
            imported = partner_import(
                actor=Actor.for_system("cli:linkage-import"),
                secret=options["secret_file"].read_bytes().strip(),
                data=options["file"].read_bytes(),
            )
        except PartnerFileError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        self.stdout.write(
            f"{imported.record_count} partner records, {imported.links.count()} candidate links to review"
        )
