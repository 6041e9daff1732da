from __future__ import annotations

from django.db import models


class KeyCheck(models.Model):
    """A fingerprint of each master key that has encrypted data here (not the key; an HMAC of a constant).

    At start-up the configured keys are compared with these, so a wrong key stops the app with a
    clear message instead of serving garbage or failing row by row.
    """

    kid = models.CharField(max_length=16, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid
