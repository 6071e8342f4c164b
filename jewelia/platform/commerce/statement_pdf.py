"""A statement as PDF (reportlab): a one-page summary, then the table of lines."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jewelia.platform.commerce.ledger import from_minor
from jewelia.platform.commerce.statements import LINE_TITLES, Statement

MAX_LINES = 20_000  # a PDF past this says so; the CSV has every line


def money(amount: int, currency: str) -> str:
    """Minor units as '1,234.56 USD' (negative with a minus sign)."""
    value: Decimal = from_minor(amount, currency)
    exponent = max(0, -int(value.as_tuple().exponent)) if value else 2
    return f"{value:,.{exponent}f} {currency}"


def render(st: Statement, org_name: str) -> bytes:
    """The statement's PDF bytes (uncompressed page streams, so its figures are searchable)."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Statement {st.period} · {org_name}",
        author="Jewelia",
        subject=f"Closing balance {money(st.closing, st.currency)}",
        pageCompression=0,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    story: list = [
        Paragraph(f"Statement for {escape(org_name)}", styles["Title"]),
        Paragraph(f"Period {st.period} (UTC) · amounts in {st.currency}", styles["Normal"]),
        Spacer(1, 8 * mm),
    ]
    summary = [["Opening balance", money(st.opening, st.currency)]]
    for _key, title, value in st.figures():
        summary.append([title, money(value, st.currency)])
    summary.append(["Closing balance", money(st.closing, st.currency)])
    summary.append(["  of which pending", money(st.closing_pending, st.currency)])
    summary.append(["  of which available", money(st.closing_available, st.currency)])
    table = Table(summary, colWidths=[100 * mm, 60 * mm], hAlign="LEFT")
    last = len(summary) - 3
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, last), (-1, last), "Helvetica-Bold"),
                ("LINEABOVE", (0, last), (-1, last), 1, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("TEXTCOLOR", (0, last + 1), (-1, -1), colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 8 * mm),
        Paragraph(
            "Closing = opening + earnings - platform share - processing fees - refunds and "
            "disputes - payouts. Earnings are settled into your available balance after the "
            "holding period; payouts pay the available balance.",
            styles["Normal"],
        ),
        Paragraph(f"{len(st.lines)} ledger lines follow.", styles["Normal"]),
        PageBreak(),
        Paragraph("Lines", styles["Heading2"]),
    ]
    rows = [["Date", "Type", "Reference", "App", "Amount"]]
    for line in st.lines[:MAX_LINES]:
        rows.append(
            [
                line.occurred_at.strftime("%Y-%m-%d"),
                LINE_TITLES.get(line.line_type, line.line_type),
                line.reference[:40],
                line.app[:28],
                money(line.effect, st.currency),
            ]
        )
    if len(st.lines) > MAX_LINES:
        rows.append(["", f"… {len(st.lines) - MAX_LINES} more in the CSV", "", "", ""])
    lines = Table(rows, colWidths=[22 * mm, 38 * mm, 54 * mm, 36 * mm, 24 * mm], repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    story.append(lines if len(rows) > 1 else Paragraph("No lines this period.", styles["Normal"]))
    doc.build(story)
    return out.getvalue()
