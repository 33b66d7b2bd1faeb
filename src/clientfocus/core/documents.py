"""Reports as files people open elsewhere: XLSX workbooks (every text cell written as
text, so nothing a customer typed becomes a formula) and PDF documents with their tables
and charts (the same `core.charts.Chart` the pages draw)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.http import HttpResponse

from clientfocus.core.charts import PALETTE, Chart
from clientfocus.core.spreadsheets import csv_text, safe_cell

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""
    chart: Chart | None = None


@dataclass
class Document:
    title: str
    subtitle: str = ""
    tables: list[Table] = field(default_factory=list)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]} {n}"
    used.add(name.lower())
    return name


def xlsx_bytes(document: Document) -> bytes:
    """One sheet per table; numbers stay numbers, text stays text (never a formula)."""
    # Here, not at the top: only an export loads the XLSX writer.
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for table in document.tables:
        sheet = book.add_worksheet(_sheet_name(table.title, used))
        sheet.write_string(0, 0, str(safe_cell(table.title)), bold)
        row = 1
        if table.note:
            sheet.write_string(row, 0, str(safe_cell(table.note)))
            row += 1
        for col, name in enumerate(table.header):
            sheet.write_string(row, col, str(safe_cell(name)), bold)
        for values in table.rows:
            row += 1
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(row, col, value)
                elif isinstance(value, int | float):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, str(safe_cell(str(value))))
        sheet.set_column(0, max(len(table.header) - 1, 0), 18)
    book.close()
    return buffer.getvalue()


def _drawing(chart: Chart, font: str):
    # Here, not at the top: only a PDF loads reportlab.
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(480, 230)
    plot = VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 45, 50, 420, 145
    plot.data = [[v if v is not None else 0 for v in s.values] for s in chart.series]
    plot.categoryAxis.categoryNames = [label[:14] for label in chart.labels]
    plot.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 6 else "n"
    plot.categoryAxis.labels.fontSize = 7
    plot.valueAxis.labels.fontSize = 7
    if chart.y_min is not None:
        plot.valueAxis.valueMin = chart.y_min
    if chart.y_max is not None:
        plot.valueAxis.valueMax = chart.y_max
    for i, _series in enumerate(chart.series):
        plot.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    drawing.add(plot)
    drawing.add(String(45, 215, chart.title[:90], fontSize=9, fontName=font))
    legend = Legend()
    legend.x, legend.y, legend.fontSize, legend.fontName = 45, 12, 7, font
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), s.label[:40])
        for i, s in enumerate(chart.series)
    ]
    drawing.add(legend)
    return drawing


_FONT_READY = False


def _font() -> str:
    """A font with Cyrillic and the Lithuanian and Slovenian letters: DejaVu Sans when the
    system has it (Debian's fonts-dejavu-core), else Helvetica (Latin-1 only)."""
    global _FONT_READY
    # Here, not at the top: only a PDF loads reportlab.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT_READY:
        return "DejaVu"
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ):
        try:
            pdfmetrics.registerFont(TTFont("DejaVu", path))
            _FONT_READY = True
            return "DejaVu"
        except Exception:  # noqa: S112 - a missing or unreadable font: the next
            continue
    return "Helvetica"


def pdf_bytes(document: Document) -> bytes:
    """A printable PDF: the title, then each table with its note and chart."""
    # Here, not at the top: only a PDF loads reportlab.
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = _font()
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Normal"):
        styles[name].fontName = font
    small = styles["Normal"].clone("small", fontSize=7, leading=8.5, fontName=font)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=document.title, leftMargin=28, rightMargin=28
    )
    story: list = [Paragraph(escape(document.title), styles["Title"])]
    if document.subtitle:
        story.append(Paragraph(escape(document.subtitle), styles["Normal"]))
    for table in document.tables:
        story += [Spacer(1, 10), Paragraph(escape(table.title), styles["Heading2"])]
        if table.note:
            story.append(Paragraph(escape(table.note), styles["Normal"]))
        if table.chart is not None and not table.chart.empty:
            story.append(_drawing(table.chart, font))
        cells = [[Paragraph(escape(str(h)), small) for h in table.header]]
        cells += [
            [Paragraph(escape("" if v is None else str(v)), small) for v in row]
            for row in table.rows
        ]
        grid = PdfTable(cells, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(grid)
    pdf.build(story)
    return buffer.getvalue()


def render(document: Document, fmt: str) -> bytes:
    """The document as CSV (its tables one after the other), XLSX or PDF."""
    if fmt == "xlsx":
        return xlsx_bytes(document)
    if fmt == "pdf":
        return pdf_bytes(document)
    return "\r\n".join(csv_text(t.header, t.rows) for t in document.tables).encode("utf-8")


def download(document: Document, fmt: str, name: str) -> HttpResponse:
    """The document as a file to save: ``name.fmt``."""
    response = HttpResponse(render(document, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
