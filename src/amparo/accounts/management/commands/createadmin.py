from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.accounts.services import admin_create_initial
from amparo.core.exceptions import ValidationFailed
from amparo.organizations.models import Organization


class Command(BaseCommand):
    help = "Create an institution's administrator (manages users and roles; sees no case content)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--institution", required=True, help="Institution code, e.g. svet, mp, casa-alianza.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(code=options["institution"]).first()
        if organization is None:
            codes = ", ".join(Organization.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown institution. Known codes: {codes}")
        if options["password_stdin"]:
            password = input().strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            user = admin_create_initial(
                username=options["username"],
                password=password,
                organization=organization,
                email=options["email"],
            )
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.errors.items())) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {user.username} created for {organization}. "
                "Two-factor enrolment happens at first sign-in."
            )
        )
