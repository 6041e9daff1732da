from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amparo.accounts.actor import Actor
from amparo.audit.services import audit_record
from amparo.core.exceptions import KeyConfigurationError
from amparo.core.keycheck import verify_master_keys
from amparo.core.keys import append_dev_key, get_keyring, new_key_line, reset_keyring
from amparo.core.rotation import ciphertext_key_counts, rotate_all


class Command(BaseCommand):
    help = "Encryption keys: generate, check, status, rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Print a new random key line (kid:base64) for AMPARO_KEYS.")
        gen.add_argument("--kid", default="k1")
        sub.add_parser("check", help="Check that the configured keys match the database.")
        sub.add_parser("status", help="How many stored values each key protects.")
        rot = sub.add_parser("rotate", help="Re-encrypt everything and rebuild the indexes under the active key.")
        rot.add_argument(
            "--new-dev-key",
            action="store_true",
            help="Development: add a new key to the development key file and make it active first.",
        )
        rot.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "generate":
                self.stdout.write(new_key_line(options["kid"]))
            elif action == "check":
                verify_master_keys(record=False)
                self.stdout.write(self.style.SUCCESS(f"Keys OK (active: {get_keyring().active_kid})."))
            elif action == "status":
                self.stdout.write(f"active key: {get_keyring().active_kid}")
                for kid, models in sorted(ciphertext_key_counts().items()):
                    for label, count in sorted(models.items()):
                        self.stdout.write(f"{kid}\t{label}\t{count}")
            elif action == "rotate":
                self._rotate(options)
        except KeyConfigurationError as exc:
            raise CommandError(str(exc.message)) from exc

    def _rotate(self, options: dict[str, Any]) -> None:
        verify_master_keys(record=False)
        if options["new_dev_key"]:
            if not settings.AMPARO_DEV_KEY_FILE or settings.AMPARO_KEYS or settings.AMPARO_MASTER_KEY:
                raise CommandError("--new-dev-key only works with the development key file (DEBUG, no AMPARO_KEYS).")
            kid = append_dev_key(Path(settings.AMPARO_DEV_KEY_FILE))
            reset_keyring()
            self.stdout.write(f"New development key {kid} is now active.")
        verify_master_keys(record=True)
        report = rotate_all(
            batch_size=options["batch_size"],
            progress=lambda m: self.stdout.write(m) if options["verbosity"] > 1 else None,
        )
        # Everything is under the active key now: forget the fingerprints of the retired keys, so that they can
        # be removed from the configuration (the start-up check would otherwise still ask for them).
        from amparo.core.models import KeyCheck

        retired = list(KeyCheck.objects.exclude(kid=report.active_kid).values_list("kid", flat=True))
        KeyCheck.objects.filter(kid__in=retired).delete()
        with transaction.atomic():
            audit_record(
                actor=Actor.for_system("cli:keys-rotate"),
                action="keys.rotate",
                details={
                    "active_kid": report.active_kid,
                    "rows": sum(report.reencrypted.values()),
                    "index_entries": report.index_entries,
                },
            )
        for label, count in report.reencrypted.items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
        self.stdout.write(f"blind index entries rebuilt: {report.index_entries}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rotation complete: everything is under key {report.active_kid}. "
                "Older keys can be removed from the configuration."
            )
        )
