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
        parser.add_argument(
            "--lead",
            type=float,
            default=None,
            help="Under the threshold, down to 0.5, a pair is also a candidate link when its similarity leads "
            "every other candidate of either record by this much (e.g. 0.05). Only for a partner file whose persons "
            "are mostly in our register (a list of persons repatriated to us): where few are shared it adds false "
            "links. Default: none, the threshold alone",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from amparo.linkage.exchange import partner_import
        from amparo.linkage.pprl import DICE_BAND, MATCH_THRESHOLD, MIN_THRESHOLD, PartnerFileError

        threshold = MATCH_THRESHOLD if options["threshold"] is None else options["threshold"]
        lead = options["lead"]
        secret = read_input(options["secret_file"]).strip()
        data = read_input(options["file"])
        try:
            imported = partner_import(
                actor=Actor.for_system("cli:linkage-import"),
                secret=secret,
                data=data,
                threshold=threshold,
                lead=lead,
            )
        except PartnerFileError as exc:
            raise CommandError(_("%(reason)s Nothing was imported.") % {"reason": exc}) from exc
        count = {"records": imported.record_count, "links": imported.links.count()}
        if lead is None:
            said = _(
                "%(records)s partner records, %(links)s candidate links to review (Dice similarity %(threshold)s or "
                "more)."
            )
        else:
            said = _(
                "%(records)s partner records, %(links)s candidate links to review (Dice similarity %(threshold)s or "
                "more, or %(low)s or more and %(lead)s above any other candidate of either record)."
            )
        numbers = {"threshold": threshold, "low": MIN_THRESHOLD, "lead": lead or 0}
        self.stdout.write(said % {**count, **{k: formats.number_format(v) for k, v in numbers.items()}})
        self.stdout.write(_("Partner records by the similarity of their best candidate (to choose a threshold):"))
        for low, records in imported.dice_bands:
            band = f"{formats.number_format(low, 2)}–{formats.number_format(min(1.0, low + DICE_BAND), 2)}"
            self.stdout.write(f"  {band}: {records}")
