from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.core.exceptions import KeyConfigurationError
from amparo.core.keycheck import verify_master_keys


class Command(BaseCommand):
    help = "Check the encryption keys, then serve the app (development server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verify_master_keys()
        except KeyConfigurationError as exc:
            raise CommandError(f"Refusing to start: {exc.message}") from exc
        call_command("runserver", options["addrport"], use_reloader=False)
