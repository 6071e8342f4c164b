"""/partners/{org}/statements: a developer org's monthly statements (list, one period with
the lines behind each figure, CSV and PDF downloads). Any member may read; others get 404."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import HTTPException
from litestar.response import Response, Stream, Template

from jewelia.core.errors import AppError
from jewelia.platform.commerce import statement_pdf, statements
from jewelia.web.context import render
from jewelia.web.partners.orgs import org_page

Req = Request[Any, Any, Any]


def usd(minor: int, currency: str = "USD") -> str:
    """Minor units for a page: '$1,234.56', '-$12.00' (a real minus sign)."""
    value = statements.major(minor, currency)
    sign = "\u2212" if value < 0 else ""
    symbol = "$" if currency == "USD" else ""
    suffix = "" if currency == "USD" else f" {currency}"
    return f"{sign}{symbol}{abs(value):,.2f}{suffix}"


def _filename(org: dict[str, Any], period: str, ext: str) -> str:
    return f"statement-{org['slug']}-{period}.{ext}"


@get("/partners/{org_slug:str}/statements", name="partner_statements")
async def statement_list(request: Req, org_slug: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    return render(
        "partners/statements.html",
        ctx,
        org=org,
        role=role,
        statements=await statements.periods(org["id"]),
        this_period=statements.period_of(datetime.now(UTC)),
        usd=usd,
    )


@get("/partners/{org_slug:str}/statements/{period:str}", name="partner_statement")
async def statement_page(request: Req, org_slug: str, period: str) -> Template:
    ctx, org, role = await org_page(request, org_slug)
    st = await statements.org_statement(org["id"], period)
    return render(
        "partners/statement.html",
        ctx,
        org=org,
        role=role,
        st=st,
        to_date=period == statements.period_of(datetime.now(UTC)),
        titles=statements.TITLES,
        line_titles=statements.LINE_TITLES,
        usd=usd,
    )


@get("/partners/{org_slug:str}/statements/{period:str}/csv", name="partner_statement_csv")
async def statement_csv(request: Req, org_slug: str, period: str) -> Stream:
    _, org, _ = await org_page(request, org_slug)
    st = await statements.org_statement(org["id"], period)
    return Stream(
        statements.csv_chunks(st),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text/*
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(org, period, "csv")}"',
            "Cache-Control": "no-store",
        },
    )


@get("/partners/{org_slug:str}/statements/{period:str}/pdf", name="partner_statement_pdf")
async def statement_pdf_download(request: Req, org_slug: str, period: str) -> Response[bytes]:
    _, org, _ = await org_page(request, org_slug)
    st = await statements.org_statement(org["id"], period)
    body = await asyncio.to_thread(statement_pdf.render, st, org["name"])
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(org, period, "pdf")}"',
            "Cache-Control": "no-store",
        },
    )


def _error_page(request: Req, exc: AppError | HTTPException) -> Template:
    """Statement pages and downloads answer errors with the site's HTML error page, whatever
    the Accept header (a saved link or a download manager may not ask for text/html)."""
    status = exc.status_code
    if isinstance(exc, AppError):
        message = exc.message
    else:
        message = "Page not found" if status == 404 else "Request failed"
    return Template(
        template_name="error.html",
        context={
            **(request.state.get("page_layout") or {}),
            "status": status,
            "message": message,
            "no_flash": True,
        },
        status_code=status,
    )


router = Router(
    path="/",
    route_handlers=[statement_list, statement_page, statement_csv, statement_pdf_download],
    include_in_schema=False,
    # LoginRequired keeps the app's redirect (its handler is nearer in the exception's MRO)
    exception_handlers={AppError: _error_page, HTTPException: _error_page},
)
