"""Exchanges with partner countries: export our persons' encodings, import a partner's file and match.

Both run from the command line (``amparo linkage_export`` / ``linkage_import``) as system actors, by the
operators who hold the shared secret; they are audited. Decrypted identities exist only in memory while
the encodings are computed; the exported file holds encodings and opaque references only.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from amparo.accounts.actor import Actor
from amparo.audit.services import audit_record

from . import pprl
from .models import PartnerImport, PartnerLink


def our_country() -> str:
    return str(getattr(settings, "LINKAGE_COUNTRY", "GT"))


def _our_encodings(encoder: pprl.Encoder) -> tuple[list[Any], list[bytes]]:
    from amparo.people.models import Person

    from .records import person_records

    persons = list(Person.objects.only("pk", "owner_org_id").order_by("pk"))
    loaded = Person.objects.prefetch_related("documents").order_by("pk").iterator(chunk_size=2000)
    clks = [encoder.encode(record) for record in person_records(loaded)]
    return persons, clks


_COUNTRY_CODE = re.compile(r"[A-Z]{2,3}")  # ISO 3166-1 alpha-2 (or alpha-3)


def partner_code(value: str) -> str:
    """The partner's ISO country code, upper-cased; anything else is refused (it names files, links and
    audit events)."""
    from django.utils.translation import gettext as _

    code = value.strip().upper()
    if not _COUNTRY_CODE.fullmatch(code):
        raise pprl.PartnerFileError(
            _("“%(value)s” is not a country code: give the partner's ISO code, for example SV or HN.")
            % {"value": value[:40]}
        )
    if code == our_country():
        raise pprl.PartnerFileError(_("%(code)s is this system's own country, not a partner.") % {"code": code})
    return code


def _check_target(out: Path) -> None:
    from django.utils.translation import gettext as _

    if out.is_dir():
        raise pprl.PartnerFileError(_("%(path)s is a directory; give a file name.") % {"path": out})
    if not out.parent.is_dir():
        raise pprl.PartnerFileError(_("The directory %(path)s does not exist.") % {"path": out.parent})
    if not os.access(out.parent, os.W_OK):
        raise pprl.PartnerFileError(_("The directory %(path)s cannot be written to.") % {"path": out.parent})


def partner_export(*, actor: Actor, secret: bytes, partner: str, out: Path) -> int:
    """Write our encodings for ``partner`` to ``out``. Every input is checked before anything is encoded; the
    file is written under a temporary name in the target directory (readable by its owner only) and takes its
    name only in the transaction that records the audit event: if that fails, no file is left behind."""
    code = partner_code(partner)
    out = Path(out)
    _check_target(out)
    encoder = pprl.Encoder(secret)
    persons, clks = _our_encodings(encoder)
    refs = (pprl.export_id(str(p.pk), code) for p in persons)
    fd, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    temp = Path(temp_name)
    renamed = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            count = pprl.write_file(handle, encoder, zip(refs, clks, strict=True), sender=our_country(), partner=code)
            handle.flush()
            os.fsync(handle.fileno())
        with transaction.atomic():
            audit_record(actor=actor, action="linkage.partner.export", details={"partner": code, "records": count})
            os.replace(temp, out)
            renamed = True
    except BaseException:
        temp.unlink(missing_ok=True)
        if renamed:  # the audit event did not commit: the file must not stay
            with contextlib.suppress(OSError):
                out.unlink()
        raise
    return count


def _refuse_if_imported(sha256: str) -> None:
    """The same file twice would double every candidate link."""
    from django.utils.translation import gettext as _

    first = PartnerImport.objects.filter(file_sha256=sha256).order_by("imported_at").first()
    if first is not None:
        raise pprl.PartnerFileError(
            _("This file was already imported on %(when)s (from %(partner)s).")
            % {
                "when": formats.date_format(timezone.localtime(first.imported_at), "SHORT_DATETIME_FORMAT"),
                "partner": first.partner,
            }
        )


def partner_import(
    *,
    actor: Actor,
    secret: bytes,
    data: bytes,
    threshold: float = pprl.MATCH_THRESHOLD,
    lead: float | None = None,
) -> PartnerImport:
    """Verify the whole file first (secret, schema, version, integrity); then match and store candidate links.
    A bad file raises PartnerFileError and nothing is stored. ``threshold``: the Dice similarity from which a
    pair is a candidate link (``pprl.MIN_THRESHOLD`` to 1); ``lead`` (0 to 1, none by default): under the
    threshold, from ``pprl.MIN_THRESHOLD``, a pair whose Dice leads every other candidate of either record by
    this much, for registers that share most persons (``pprl.SUGGESTED_LEAD``)."""
    from django.utils.translation import gettext as _

    if not pprl.MIN_THRESHOLD <= threshold <= 1:
        raise pprl.PartnerFileError(
            _("The Dice threshold must be between %(low)s and 1.") % {"low": formats.number_format(pprl.MIN_THRESHOLD)}
        )
    if lead is not None and not 0 <= lead <= 1:
        raise pprl.PartnerFileError(_("The lead over the other candidates must be between 0 and 1."))
    encoder = pprl.Encoder(secret)
    try:
        partner_file = pprl.read_file(data, encoder)
    except ValueError as exc:  # a record that is not base64 (binascii.Error), behind a valid authentication
        raise pprl.PartnerFileError(_("The file holds a record that cannot be read.")) from exc
    if partner_file.header.get("partner") != our_country():
        raise pprl.PartnerFileError(_("This file was made for another country."))
    sender = partner_file.header.get("sender")
    if not isinstance(sender, str) or not _COUNTRY_CODE.fullmatch(sender) or sender == our_country():
        # it names the import, its links and its audit event: a country code of a partner, nothing else
        raise pprl.PartnerFileError(_("The file does not say which partner country sent it."))
    _refuse_if_imported(partner_file.sha256)
    persons, ours = _our_encodings(encoder)
    scored = pprl.scored_candidates(encoder, ours, partner_file.clks)  # once, for the links and the bands
    links = pprl.match(encoder, ours, partner_file.clks, threshold=threshold, scored=scored, lead=lead)
    bands = pprl.dice_bands(scored, len(partner_file.clks))
    try:
        with transaction.atomic():
            imported = PartnerImport.objects.create(
                partner=sender,
                schema_version=f"{pprl.SCHEMA}/{pprl.SCHEMA_VERSION}",
                record_count=len(partner_file.clks),
                file_sha256=partner_file.sha256,
                trigger=actor.username[:40],
                threshold=threshold,
                lead=lead,
                dice_bands=bands,
            )
            PartnerLink.objects.bulk_create(
                PartnerLink(
                    partner_import=imported,
                    person_id=persons[link.ours].pk,
                    owner_org_id=persons[link.ours].owner_org_id,
                    partner_record=partner_file.refs[link.theirs][:80],
                    dice=link.dice,
                    lead=link.lead,
                )
                for link in links
            )
            audit_record(
                actor=actor,
                action="linkage.partner.import",
                target_type="partner_import",
                target_id=imported.pk,
                details={
                    "partner": imported.partner,
                    "records": imported.record_count,
                    "links": len(links),
                    "threshold": threshold,
                    "lead": lead,
                },
            )
    except IntegrityError:
        # another import of the same file committed after the check above: the unique digest refused this one
        _refuse_if_imported(partner_file.sha256)
        raise
    return imported
