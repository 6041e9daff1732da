from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField


class Gender(models.TextChoices):
    """HTCDS 2.0 prs_Gender."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender female")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender male")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class People(models.TextChoices):
    MAYA = "maya", _("Maya")
    GARIFUNA = "garifuna", _("Garífuna")
    XINKA = "xinka", _("Xinka")
    LADINO = "ladino", _("Ladino / Mestizo")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class DocumentType(models.TextChoices):
    DPI = "dpi", _("DPI (Guatemalan identity card)")
    PASSPORT = "passport", _("Passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    FOREIGN_ID = "foreign_id", _("Foreign identity card")
    CONSULAR_ID = "consular_id", _("Consular identification")
    OTHER = "other", _("Other")


class Person(models.Model):
    """A victim, suspect, witness, relative or caller. Identifying fields are encrypted (AES-GCM)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("registering institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # identifying data (encrypted)
    given_names = EncryptedTextField(_("given names"))
    surnames = EncryptedTextField(_("surnames"), blank=True)
    aliases = EncryptedJSONField(_("aliases"), default=list, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, null=True)
    email = EncryptedTextField(_("e-mail"), blank=True, null=True)
    address = EncryptedTextField(_("address"), blank=True, null=True)

    # operational data (categories, used by statistics)
    age_min = models.PositiveSmallIntegerField(_("estimated age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age to"), null=True, blank=True)
    age_assessed_on = models.DateField(_("age estimated on"), null=True, blank=True)
    gender = models.CharField(_("sex / gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    people = models.CharField(_("people"), max_length=10, choices=People.choices, default=People.UNKNOWN)
    residence_department = models.CharField(_("department"), max_length=2, blank=True)
    residence_municipality = models.CharField(_("municipality"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["owner_org", "-created_at"])]

    def __str__(self) -> str:
        return f"{_('Person')} {str(self.pk)[:8]}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surnames}".strip()

    def age_range_on(self, day: datetime.date) -> tuple[int | None, int | None]:
        """Known age, or the estimated range moved forward to ``day``."""
        if self.date_of_birth:
            dob = self.date_of_birth
            age = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
            return age, age
        return self.estimated_range_on(day)

    def estimated_range_on(self, day: datetime.date) -> tuple[int | None, int | None]:
        """The estimated age range (whatever the date of birth says) moved forward to ``day``."""
        if self.age_min is None and self.age_max is None:
            return None, None
        shift = (day - self.age_assessed_on).days // 365 if self.age_assessed_on else 0
        low = self.age_min + shift if self.age_min is not None else None
        high = self.age_max + shift if self.age_max is not None else None
        return low, high

    def presumed_minor_on(self, day: datetime.date) -> bool:
        """Presumption of minority: if the age is unknown or could be under 18, treat as a minor. A date of
        birth may come from a false document (traffickers make minors "adults"): an estimated age that
        could be under 18 keeps the presumption even when the date of birth says otherwise."""
        low, _high = self.age_range_on(day)
        if low is None or low < 18:
            return True
        if self.age_min is None and self.age_max is None:
            return False
        estimated_low, _estimated_high = self.estimated_range_on(day)
        return estimated_low is None or estimated_low < 18


class IdentityDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    number = EncryptedTextField(_("number"))
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    suspected_false = models.BooleanField(_("suspected false"), default=False)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}"


class IndexKind(models.IntegerChoices):
    NAME_EXACT = 1, "name-exact"
    NAME_PHONETIC = 2, "name-phonetic"
    DOCUMENT = 3, "document"


class PersonIndexToken(models.Model):
    """Blind index entries of a person (one per name word and kind, and per document)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="index_tokens")
    # The person's registering institution, copied here so that a search starts within the institution
    # instead of joining every institution's matches to the persons (kept in sync by indexing.py).
    # No index of its own and no deletion check: the entry goes with its person, which protects the institution.
    owner_org = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_index=False, related_name="+"
    )
    kind = models.PositiveSmallIntegerField(choices=IndexKind.choices)
    kid = models.CharField(max_length=16)
    value = models.BigIntegerField()

    class Meta:
        # Equality on all of (value, kind, owner_org): one seek per searched value within the institution,
        # and still usable for a lookup across institutions; person last so the index alone answers searches.
        indexes = [models.Index(fields=["value", "kind", "owner_org", "person"], name="people_token_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
