"""Developers > Logs: the business's API requests, filtered by time, key, route, status and
request id, one request's detail, and CSV/JSON downloads streamed from the raw request log.

Every member may look (read-only members too): these are their business's own calls. The
filter form is a plain GET; with htmx the results swap in place and "Load more" appends the
next keyset page. Pasting an `X-Request-ID` into the form (or opening /developers/logs/{id})
finds that request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from litestar import Request, Router, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Stream, Template

from jewelia.core.errors import NotFound, ValidationFailed
from jewelia.platform.analytics import explorer
from jewelia.platform.analytics.usage import full_route
from jewelia.platform.apikeys import service as keys
from jewelia.web.context import PageContext, page_context, render

Req = Request[Any, Any, Any]
BASE = "/developers/logs"
PAGE_SIZE = 50
RANGES = {
    "1h": ("Last hour", timedelta(hours=1)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
    "custom": ("Custom", None),
}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">, read as UTC
API_PREFIX = "/api/v1"
_PARAM = re.compile(r"\{(\w+):[^}]+\}")
FIELDS = ("range", "since", "until", "api_key", "route", "status", "request_id", "source")


@dataclass(frozen=True)
class Query:
    """The filter form as typed (for re-filling it and building links) and as filters."""

    values: dict[str, str]
    filters: explorer.Filters
    errors: dict[str, str]

    def link(self, **extra: str) -> str:
        """This query as a query string (empty fields left out), plus `extra`."""
        pairs = {k: v for k, v in {**self.values, **extra}.items() if v}
        return urlencode(pairs)


def _local(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, LOCAL_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def read_query(request: Req, now: datetime | None = None) -> Query:
    """The filters of a GET: a preset time range (24 hours by default) or a custom one."""
    q = request.query_params
    values = {k: str(q.get(k) or "").strip() for k in FIELDS}
    if values["range"] not in RANGES:
        values["range"] = "24h"
    now = now or datetime.now(UTC)
    errors: dict[str, str] = {}
    since = until = None
    if values["range"] == "custom":
        for name in ("since", "until"):
            if values[name]:
                parsed = _local(values[name])
                if parsed is None:
                    errors[name] = "Enter a date and time (UTC)."
                elif name == "since":
                    since = parsed
                else:
                    until = parsed
    else:
        span = RANGES[values["range"]][1]
        assert span is not None
        since = now - span
        values["since"] = values["until"] = ""
    if values["request_id"]:
        since = until = None  # an id is looked up over all 30 days, whatever the range
    route = values["route"]
    filters = explorer.Filters(
        since=since,
        until=until,
        api_key=values["api_key"] or None,
        route=full_route(route) if route else None,
        status=values["status"] or None,
        request_id=values["request_id"] or None,
        source=values["source"] or None,
    )
    return Query(values, filters, errors)


def template(path: str) -> str:
    """A route path as the log stores it: `{customer_id}`, without the parameter's type."""
    return _PARAM.sub(r"{\1}", path)


def route_choices(request: Req) -> list[str]:
    """Every API route template of this server, for the route filter (without /api/v1)."""
    paths = {
        template(r.path)[len(API_PREFIX) :]
        for r in request.app.routes
        if r.path.startswith(API_PREFIX + "/") and "/docs" not in r.path
    }
    return sorted(p for p in paths if not p.endswith("openapi.json"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def reference_link(request: Req, method: str, route: str) -> str | None:
    """The route's operation in the API reference (its tag's section), if it is documented."""
    path = template(route)
    item = request.app.openapi_schema.paths.get(path) if request.app.openapi_schema.paths else None
    operation = getattr(item, method.lower(), None) if item is not None else None
    if operation is None or not operation.tags:
        return None
    return f"/developers/reference#tag/{_slug(operation.tags[0])}/{method.upper()}{path}"


async def _key_choices(ctx: PageContext) -> list[Any]:
    return await keys.list_keys(ctx.tenant.id)


async def _results(ctx: PageContext, query: Query, cursor: str | None) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    next_cursor = None
    errors = dict(query.errors)
    if not errors:
        try:
            rows, next_cursor = await explorer.search(
                ctx.tenant.id, query.filters, PAGE_SIZE, cursor
            )
        except ValidationFailed as exc:
            errors.update(exc.by_field())
    more = f"{BASE}?{query.link(cursor=next_cursor)}" if next_cursor else None
    return {
        "rows": rows,
        "more": more,
        "errors": errors,
        "query": query,
        "export_cap": explorer.EXPORT_CAP,
    }


def _is_htmx(request: HTMXRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@get(BASE, name="developer_logs")
async def logs_page(request: HTMXRequest, cursor: str | None = None) -> Template | Redirect:
    ctx = await page_context(request)
    query = read_query(request)
    found = await _results(ctx, query, cursor)
    rid = query.values["request_id"]
    if rid and not found["errors"] and found["rows"] and not _is_htmx(request) and not cursor:
        if len({r["request_id"] for r in found["rows"]}) == 1:
            return Redirect(path=f"{BASE}/{quote(rid, safe='')}")
    if _is_htmx(request):
        template = "analytics/_log_rows.html" if cursor else "analytics/_log_results.html"
        response = render(template, ctx, **found)
    else:
        response = render(
            "analytics/logs.html",
            ctx,
            ranges=RANGES,
            keys=await _key_choices(ctx),
            routes=route_choices(request),
            status_code=422 if found["errors"] else 200,
            **found,
        )
    response.headers["Vary"] = "HX-Request"
    return response


def _download(request: Req, ctx: PageContext, kind: str) -> Stream:
    query = read_query(request)
    if query.errors:
        raise ValidationFailed([], "; ".join(query.errors.values()))
    # Validate before the first byte: a bad filter is an error page, not a broken file.
    explorer.validate(query.filters)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    chunks = (explorer.export_csv if kind == "csv" else explorer.export_json)(
        ctx.tenant.id, query.filters
    )
    return Stream(
        chunks,
        media_type="text/csv" if kind == "csv" else "application/json",
        headers={
            "Content-Disposition": f'attachment; filename="requests-{stamp}.{kind}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@get(f"{BASE}/export.csv", name="developer_logs_csv")
async def export_csv(request: Req) -> Stream:
    return _download(request, await page_context(request), "csv")


@get(f"{BASE}/export.json", name="developer_logs_json")
async def export_json(request: Req) -> Stream:
    return _download(request, await page_context(request), "json")


@get(f"{BASE}/{{request_id:str}}", name="developer_log")
async def request_page(request: Req, request_id: str) -> Template:
    ctx = await page_context(request)
    try:
        rows = await explorer.detail(ctx.tenant.id, request_id)
    except (NotFound, ValidationFailed):
        return render(
            "analytics/log_missing.html", ctx, request_id=request_id[:64], status_code=404
        )
    for row in rows:
        row["reference"] = reference_link(request, row["method"], row["route"])
        row["endpoint"] = row["route"].removeprefix(API_PREFIX)
    return render("analytics/log.html", ctx, rows=rows, request_id=request_id)


router = Router(
    path="/",
    route_handlers=[logs_page, export_csv, export_json, request_page],
    include_in_schema=False,
)
