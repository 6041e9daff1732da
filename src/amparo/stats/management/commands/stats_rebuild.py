from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from amparo.accounts.actor import Actor
from amparo.audit.services import audit_record
from amparo.stats import facts


class Command(BaseCommand):
    help = (
        "Rebuild the statistics table (victim figures by month) from the records and stamp its freshness. "
        "Run it once after installing or upgrading, and after loading records in bulk; the services keep it "
        "current afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            build = facts.rebuild()
            audit_record(
                actor=Actor.for_system("cli:stats-rebuild"),
                action="stats.facts_rebuild",
                details={"cases": build.cases, "cells": build.cells, "seconds": build.seconds},
            )
        self.stdout.write(
            f"Statistics table rebuilt: {build.cases} cases in {build.cells} cells, {build.seconds:.1f} s."
        )
