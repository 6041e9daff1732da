"""Exchanges with partner countries: export our persons' encodings, import a partner's file and match.

Both run from the command line (``amparo linkage_export`` / ``linkage_import``) as system actors, by the
operators who hold the shared secret; they are audited. Decrypted identities exist only in memory while
the encodings are computed; the exported file holds encodings and opaque references only.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.db import transaction

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


def partner_export(*, actor: Actor, secret: bytes, partner: str, out: io.TextIOBase | Any) -> int:
    encoder = pprl.Encoder(secret)
    persons, clks = _our_encodings(encoder)
    refs = (pprl.export_id(str(p.pk), partner) for p in persons)
    count = pprl.write_file(out, encoder, zip(refs, clks, strict=True), sender=our_country(), partner=partner)
    with transaction.atomic():
        audit_record(actor=actor, action="linkage.partner.export", details={"partner": partner, "records": count})
    return count


def partner_import(
    *, actor: Actor, secret: bytes, data: bytes, threshold: float = pprl.MATCH_THRESHOLD
) -> PartnerImport:
    """Verify the whole file first (secret, schema, version, integrity); then match and store candidate links.
    A bad file raises PartnerFileError and nothing is stored."""
    from django.utils.translation import gettext as _

    encoder = pprl.Encoder(secret)
    partner_file = pprl.read_file(data, encoder)
    if partner_file.header.get("partner") != our_country():
        raise pprl.PartnerFileError(_("This file was made for another country."))
    persons, ours = _our_encodings(encoder)
    links = pprl.match(encoder, ours, partner_file.clks, threshold=threshold)
    with transaction.atomic():
        imported = PartnerImport.objects.create(
            partner=str(partner_file.header.get("sender", ""))[:8],
            schema_version=f"{pprl.SCHEMA}/{pprl.SCHEMA_VERSION}",
            record_count=len(partner_file.clks),
            file_sha256=partner_file.sha256,
            trigger=actor.username[:40],
        )
        PartnerLink.objects.bulk_create(
            PartnerLink(
                partner_import=imported,
                person_id=persons[link.ours].pk,
                owner_org_id=persons[link.ours].owner_org_id,
                partner_record=partner_file.refs[link.theirs][:80],
                dice=link.dice,
            )
            for link in links
        )
        audit_record(
            actor=actor,
            action="linkage.partner.import",
            target_type="partner_import",
            target_id=imported.pk,
            details={"partner": imported.partner, "records": imported.record_count, "links": len(links)},
        )
    return imported
