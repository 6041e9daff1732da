from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.demo import DEMO_ACCOUNTS, demo_totp_key


class Command(BaseCommand):
    help = "Demo only (AMPARO_DEMO=1): print the current two-factor code of a demo account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.AMPARO_DEMO:
            raise CommandError("Refused: demo-otp only works when AMPARO_DEMO=1 (demonstration installs).")
        username = options["username"]
        if username not in {u for u, *_ in DEMO_ACCOUNTS}:
            raise CommandError("Not a demo account.")
        device = TOTPDevice.objects.filter(user__username=username, key=demo_totp_key(username)).first()
        if device is None:
            raise CommandError("This demo account has no demo device (it was re-enrolled).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
