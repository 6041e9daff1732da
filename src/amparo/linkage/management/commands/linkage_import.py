from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor

from ._files import read_input


class Command(BaseCommand):
    help = "Import a partner country's encoded file, match it and queue the candidate links for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--secret-file", required=True, type=Path, help="The secret shared with the partner")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Dice similarity from which a pair is a candidate link (default 0.78; lower for a small register "
            "or a file with few fields, see docs/linkage.md)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_import
        from amparo.linkage.pprl import DICE_BAND, MATCH_THRESHOLD, PartnerFileError

        threshold = MATCH_THRESHOLD if options["threshold"] is None else options["threshold"]
        secret = read_input(options["secret_file"]).strip()
        data = read_input(options["file"])
        try:
            imported = partner_import(
                actor=Actor.for_system("cli:linkage-import"), secret=secret, data=data, threshold=threshold
            )
        except PartnerFileError as exc:
            raise CommandError(_("%(reason)s Nothing was imported.") % {"reason": exc}) from exc
        said = _(
            "%(records)s partner records, %(links)s candidate links to review (Dice similarity %(threshold)s or more)."
        )
        count = {"records": imported.record_count, "links": imported.links.count()}
        self.stdout.write(said % {**count, "threshold": formats.number_format(threshold)})
        self.stdout.write(_("Partner records by the similarity of their best candidate (to choose a threshold):"))
        for low, records in imported.dice_bands:
            band = f"{formats.number_format(low, 2)}–{formats.number_format(min(1.0, low + DICE_BAND), 2)}"
            self.stdout.write(f"  {band}: {records}")
