"""The annual report as PDF (fpdf2) and DOCX (python-docx), in the language active when called."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from . import publish
from .report import Report

# The PDF uses the standard (core) fonts, which hold the Windows-1252 characters only (nothing is
# fetched, no font file is shipped): other characters are replaced by their nearest equivalent.
PDF_ENCODING = "cp1252"
_PDF_REPLACEMENTS = {
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "→": "->",
    "←": "<-",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "―": "—",
    "ʼ": "'",
    "ʻ": "'",
    "′": "'",
    "″": '"',
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
}


def _encodable(text: str) -> bool:
    try:
        text.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def pdf_text(text: Any) -> str:
    """The text in the characters the PDF's fonts have: each other character by its replacement, its
    letter without the accent (ā -> a), or its code point ([U+4E2D]), never a bare "?"."""
    out = []
    for ch in str(text if text is not None else ""):
        if _encodable(ch):
            out.append(ch)
        elif ch in _PDF_REPLACEMENTS:
            out.append(_PDF_REPLACEMENTS[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and _encodable(base) else f"[U+{ord(ch):04X}]")
    return "".join(out)


def _chart_rows(chart: publish.Chart) -> tuple[list[str], list[list[str]]]:
    """The chart as the screen shows it: the same texts and markers, the same total rows."""
    if chart.table is not None:
        header = ["", *chart.col_labels, _("Total")]
        rows = [[label, *texts, total] for label, texts, total in chart.table_texts()]
        if chart.show_col_totals:
            col_totals, grand = chart.col_total_texts()
            rows.append([_("Total"), *col_totals, grand])
        return header, rows
    rows = [[label, text] for _code, label, text in chart.row_texts()]
    if chart.additive and chart.series is not None:
        rows.append([_("Total"), chart.total_text()])
    return [_("Category"), _("Count")], rows


def _title(report: Report) -> str:
    return _("Annual report on trafficking in persons, %(start)s to %(end)s") % {
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
    }


def _disclaimer(report: Report) -> str:
    return " ".join(
        [
            _(
                "Every figure is computed from Amparo's records. Counts below %(threshold)s are hidden, with other "
                "counts where needed so that they cannot be recovered from totals."
            )
            % {"threshold": report.threshold},
            publish.legend(report.threshold),
        ]
    )


def report_pdf(report: Report) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(pdf_text(_title(report)))
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, pdf_text(_title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, pdf_text(_disclaimer(report)), new_x="LMARGIN", new_y="NEXT")
    t = report.threshold
    for number, section in enumerate(report.sections, start=1):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 9, pdf_text(f"{number}. {section.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for fact in section.facts:
            pdf.multi_cell(0, 6, pdf_text(f"{fact.label}: {fact.shown(t)}"), new_x="LMARGIN", new_y="NEXT")
        for line in section.lines:
            pdf.multi_cell(0, 6, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        for chart in section.charts:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 6, pdf_text(chart.title), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            if chart.empty:
                pdf.multi_cell(0, 5, pdf_text(_("No records in this period.")), new_x="LMARGIN", new_y="NEXT")
                continue
            header, rows = _chart_rows(chart)
            with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
                for values in [header, *rows]:
                    row = table.row()
                    for value in values:
                        row.cell(pdf_text(value))
            if chart.note:
                pdf.set_font("Helvetica", "I", 8)
                pdf.multi_cell(0, 4, pdf_text(chart.note), new_x="LMARGIN", new_y="NEXT")
        if section.narratives:
            pdf.ln(2)
            for narrative in section.narratives:
                pdf.set_font("Helvetica", "B", 10)
                pdf.multi_cell(0, 6, pdf_text(narrative.organization.name), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font("Helvetica", "", 10)
                pdf.multi_cell(0, 5, pdf_text(narrative.text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def report_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _title(report)
    document.add_heading(_title(report), level=0)
    document.add_paragraph(_disclaimer(report))
    t = report.threshold
    for number, section in enumerate(report.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=1)
        for fact in section.facts:
            document.add_paragraph(f"{fact.label}: {fact.shown(t)}", style="List Bullet")
        for line in section.lines:
            document.add_paragraph(line)
        for chart in section.charts:
            document.add_heading(chart.title, level=2)
            if chart.empty:
                document.add_paragraph(_("No records in this period."))
                continue
            header, rows = _chart_rows(chart)
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, value in zip(table.rows[0].cells, header, strict=True):
                cell.text = value
            for values in rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, values, strict=True):
                    cell.text = value
            if chart.note:
                document.add_paragraph(chart.note)
        for narrative in section.narratives:
            document.add_heading(narrative.organization.name, level=3)
            document.add_paragraph(narrative.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
