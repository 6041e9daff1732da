"""The referral form (ficha de referencia) as PDF, with fpdf2.

Only what the referral shares is printed. The PDF core fonts cover Latin-1 (all of Spanish); characters
outside it are replaced rather than failing the export.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from fpdf import FPDF

from amparo.core import geo

from .models import Section
from .selectors import ReferralView


def _latin1(text: Any) -> str:
    return str(text if text is not None else "").encode("latin-1", "replace").decode("latin-1")


def referral_pdf(view: ReferralView) -> bytes:
    referral = view.referral
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin1(_("Referral form")))
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, _latin1(_("Referral form (ficha de referencia)")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        _latin1(_("Confidential: contains identifying data of a protected person.")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def row(label: str, value: Any) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 6, _latin1(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _latin1(value) or "-", new_x="LMARGIN", new_y="NEXT")

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading(_("Referral"))
    row(_("Case"), referral.case.number)
    row(pgettext("referral", "From"), referral.from_org.name)
    row(pgettext("referral", "To"), referral.to_org.name)
    row(_("Service"), referral.get_service_type_display())
    row(_("Legal basis"), referral.get_legal_basis_display())
    row(pgettext("date", "Sent"), timezone.localtime(referral.sent_at).strftime("%Y-%m-%d %H:%M"))
    row(_("Answer expected by"), referral.respond_by.isoformat())
    row(_("Status"), referral.get_status_display())
    if referral.reason:
        row(_("Reason for the referral"), referral.reason)
    identity = view.sections.get(Section.IDENTITY)
    if identity:
        heading(_("Identity"))
        row(_("Name"), f"{identity['given_names']} {identity['surnames']}")
        age = (
            identity["age_min"]
            if identity["age_min"] == identity["age_max"]
            else (f"{identity['age_min']}-{identity['age_max']}")
        )
        row(_("Age"), age)
        row(_("Sex / gender"), identity["gender_label"])
        language = get_language() or "es"
        row(_("Nationalities"), ", ".join(geo.country_name(c, language) for c in identity["nationalities"]))
        row(_("Languages"), ", ".join(identity["languages"]))
        if identity["minor_protocol"]:
            row(_("Protocol"), _("Minor's protocol (presumption of minority)"))
    contact = view.sections.get(Section.CONTACT)
    if contact:
        heading(_("Contact and residence"))
        row(_("Phone"), contact["phone"])
        row(_("Address"), contact["address"])
        row(_("Department"), contact["department"])
    screening = view.sections.get(Section.SCREENING)
    if screening:
        heading(_("Identification"))
        row(_("Trafficking status"), screening["trafficking_status"])
        row(_("Determined by"), screening["determined_by"])
    shared = ", ".join(str(Section(s).label) for s in referral.shared_sections)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0, 4, _latin1(_("Shared sections: %(sections)s") % {"sections": shared}), new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())
