from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.accounts.actor import Actor


class Command(BaseCommand):
    help = "Write the Bloom-filter encodings of all persons for a partner country (no identity in the file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="ISO code of the partner country, e.g. SV")
        parser.add_argument("--secret-file", required=True, type=Path, help="The secret shared with the partner")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_export
        from amparo.linkage.pprl import PartnerFileError

        secret = options["secret_file"].read_bytes().strip()
        try:
            with options["out"].open("w", encoding="utf-8") as out:
                count = partner_export(
                    actor=Actor.for_system("cli:linkage-export"),
                    secret=secret,
                    partner=options["partner"].upper()[:8],
                    out=out,
                )
        except PartnerFileError as exc:
            options["out"].unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"wrote {count} encoded records to {options['out']}")
