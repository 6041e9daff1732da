"""The annual report as PDF (fpdf2) and DOCX (python-docx), in the language active when called."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from . import publish
from .report import Report


def _latin1(text: Any) -> str:
    return str(text if text is not None else "").encode("latin-1", "replace").decode("latin-1")


def _chart_rows(chart: publish.Chart, threshold: int) -> tuple[list[str], list[list[str]]]:
    if chart.table is not None:
        header = ["", *(str(c) for c in chart.extra.get("col_labels", ())), _("Total")]  # type: ignore[attr-defined]
        rows = [
            [label, *(publish.shown(v, threshold) for v in cells), publish.shown(total, threshold)]
            for label, cells, total in chart.table_rows()
        ]
        rows.append(
            [
                _("Total"),
                *(publish.shown(v, threshold) for v in chart.table.col_totals),
                publish.shown(chart.table.total, threshold),
            ]
        )
        return header, rows
    rows = [[label, publish.shown(value, threshold)] for _code, label, value in chart.rows()]
    if chart.additive and chart.series is not None:
        rows.append([_("Total"), publish.shown(chart.series.total, threshold)])
    return [_("Category"), _("Count")], rows


def _title(report: Report) -> str:
    return _("Annual report on trafficking in persons, %(start)s to %(end)s") % {
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
    }


def _disclaimer(report: Report) -> str:
    return _(
        "Every figure is computed from Amparo's records. Counts below %(threshold)s are shown as <%(threshold)s, "
        "with other counts suppressed where needed so that they cannot be recovered from totals."
    ) % {"threshold": report.threshold}


def report_pdf(report: Report) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin1(_title(report)))
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(_title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin1(_disclaimer(report)), new_x="LMARGIN", new_y="NEXT")
    t = report.threshold
    for number, section in enumerate(report.sections, start=1):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 9, _latin1(f"{number}. {section.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for fact in section.facts:
            pdf.multi_cell(0, 6, _latin1(f"{fact.label}: {fact.shown(t)}"), new_x="LMARGIN", new_y="NEXT")
        for line in section.lines:
            pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        for chart in section.charts:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 6, _latin1(chart.title), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            if chart.empty:
                pdf.multi_cell(0, 5, _latin1(_("No records in this period.")), new_x="LMARGIN", new_y="NEXT")
                continue
            header, rows = _chart_rows(chart, t)
            with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
                for values in [header, *rows]:
                    row = table.row()
                    for value in values:
                        row.cell(_latin1(value))
            if chart.note:
                pdf.set_font("Helvetica", "I", 8)
                pdf.multi_cell(0, 4, _latin1(chart.note), new_x="LMARGIN", new_y="NEXT")
        if section.narratives:
            pdf.ln(2)
            for narrative in section.narratives:
                pdf.set_font("Helvetica", "B", 10)
                pdf.multi_cell(0, 6, _latin1(narrative.organization.name), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font("Helvetica", "", 10)
                pdf.multi_cell(0, 5, _latin1(narrative.text), new_x="LMARGIN", new_y="NEXT")
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
            header, rows = _chart_rows(chart, t)
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
