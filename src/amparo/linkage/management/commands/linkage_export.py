from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor

from ._files import read_input


class Command(BaseCommand):
    help = "Write the Bloom-filter encodings of all persons for a partner country (no identity in the file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="ISO code of the partner country, e.g. SV")
        parser.add_argument("--secret-file", required=True, type=Path, help="The secret shared with the partner")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_export
        from amparo.linkage.pprl import PartnerFileError

        secret = read_input(options["secret_file"]).strip()
        try:
            count = partner_export(
                actor=Actor.for_system("cli:linkage-export"),
                secret=secret,
                partner=options["partner"],
                out=options["out"],
            )
        except PartnerFileError as exc:
            raise CommandError(_("%(reason)s No file was written.") % {"reason": exc}) from exc
        self.stdout.write(_("Wrote %(count)s encoded records to %(path)s.") % {"count": count, "path": options["out"]})
