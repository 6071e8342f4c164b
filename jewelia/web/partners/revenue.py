"""/partners/{org}/revenue: the developer's revenue dashboard (earnings by month and by app,
installs and churn, balances, the revenue-share policy) with server-rendered SVG bars."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from jewelia.platform.commerce import revenue
from jewelia.web.context import render
from jewelia.web.partners.orgs import org_page
from jewelia.web.partners.statements import usd

Req = Request[Any, Any, Any]
BAR_WIDTH = 180  # SVG user units left for the longest bar (the chart's viewBox is 340 wide)


def month_label(month: str) -> str:
    """'2026-11' -> 'Nov 26'."""
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{names[int(month[5:]) - 1]} {month[2:4]}"


def _scale(value: int, top: int) -> float:
    return round(BAR_WIDTH * max(value, 0) / top, 1) if top > 0 else 0.0


def earnings_chart(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the earnings chart: gross bar, net bar inside it, and the text at the end."""
    top = max((m["gross"] for m in months), default=0)
    return [
        {
            "label": month_label(m["month"]),
            "month": m["month"],
            "bars": [_scale(m["gross"], top), _scale(m["net"], top)],
            "text": usd(m["gross"]),
        }
        for m in months
    ]


def installs_chart(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the installs chart: installs and uninstalls bars, '+n / -m' at the end."""
    top = max((max(m["installs"], m["uninstalls"]) for m in months), default=0)
    return [
        {
            "label": month_label(m["month"]),
            "month": m["month"],
            "bars": [_scale(m["installs"], top), _scale(m["uninstalls"], top)],
            "text": f"+{m['installs']} / \u2212{m['uninstalls']}",
        }
        for m in months
    ]


@get("/partners/{org_slug:str}/revenue", name="partner_revenue")
async def revenue_page(request: Req, org_slug: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    data = await revenue.dashboard(org["id"])
    return render(
        "partners/revenue.html",
        ctx,
        org=org,
        role=role,
        d=data,
        earnings_rows=earnings_chart(data["months"]),
        installs_rows=installs_chart(data["installs"]),
        month_label=month_label,
        usd=usd,
    )


router = Router(path="/", route_handlers=[revenue_page], include_in_schema=False)
