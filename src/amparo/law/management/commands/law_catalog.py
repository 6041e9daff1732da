from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.accounts.actor import Actor
from amparo.law.loader import DEFAULT_PATH, CatalogError, read_catalog
from amparo.law.services import catalog_load


class Command(BaseCommand):
    help = (
        "The legal catalog: `load` makes the database match the reviewed file (idempotent, audited); "
        "`check` only validates the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "check"])
        parser.add_argument("--file", type=Path, default=DEFAULT_PATH, help="Catalog file (TOML).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if options["action"] == "check":
                data = read_catalog(path)
                self.stdout.write(
                    f"{path.name}: {len(data['articles'])} articles, {len(data['versions'])} versions, "
                    f"{len(data['rules'])} rules: OK"
                )
                return
            changes = catalog_load(actor=Actor.for_system("cli:law-catalog"), path=path)
        except CatalogError as exc:
            raise CommandError("The catalog file has problems:\n  " + "\n  ".join(exc.problems)) from exc
        if not changes.changed:
            self.stdout.write(f"{path.name}: the catalog is up to date (no changes).")
            return
        self.stdout.write(f"{path.name}: catalog updated.")
        for line in changes.lines():
            self.stdout.write("  " + line)
