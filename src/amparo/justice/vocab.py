"""Vocabularies of the justice app (HTCDS 2.0 where it has one)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintSource(models.TextChoices):
    HOTLINE = "hotline", _("Hotline / call center")
    WALK_IN = "walk_in", _("Walk-in")
    POLICE = "police", _("Police report")
    INSTITUTION = "institution", _("Referral from another institution")
    EX_OFFICIO = "ex_officio", _("Ex officio (opened by the Public Ministry)")


# The institutions that receive complaints (denuncias): the Public Ministry and the National Civil Police.
RECEIVING_INSTITUTION_CODES = ("mp", "pnc")
