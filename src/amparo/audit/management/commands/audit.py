from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.audit.services import audit_head_export, audit_verify, load_head


class Command(BaseCommand):
    help = "Audit trail: verify the hash chain, export the chain head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Check every link; report the first broken one.")
        verify.add_argument("--head", type=Path, help="A chain head exported earlier, which must still be there.")
        head = sub.add_parser("head", help="Print (or write) the chain head for safekeeping elsewhere.")
        head.add_argument("--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            text = json.dumps(audit_head_export(), indent=2)
            if options["output"]:
                options["output"].write_text(text + "\n")
            self.stdout.write(text)
            return
        expected = load_head(options["head"]) if options["head"] else None
        started = time.perf_counter()
        result = audit_verify(expected_head=expected)
        elapsed = time.perf_counter() - started
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.checked} events verified in {elapsed:.2f} s; "
                    f"head {result.head_seq} {result.head_hash}"
                )
            )
        else:
            raise CommandError(
                f"BROKEN at event {result.broken_seq}: {result.reason} ({result.checked} events verified before it)"
            )
