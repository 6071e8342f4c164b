"""Data > Jobs and Data > Export: the jobs table, one job's live status, cancel, and exports.

A job's page shows its progress as a partial that htmx polls every second while the job is
queued or processing; the answer for a finished job carries no trigger, so polling stops and
the counts, the first refused rows and the download links appear in its place. The jobs table
refreshes itself the same way while any listed job runs. Everyone in the business may export
and watch jobs (the API asks only for `read` to export); cancelling needs a writer.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.api import page_of, parse_page
from jewelia.core.errors import Conflict, FieldError, ValidationFailed
from jewelia.tenants.crm import rules
from jewelia.tenants.crm.orders import service as orders
from jewelia.tenants.transfer import service
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.formats.readers import FORMATS
from jewelia.tenants.transfer.mapping.fields import EXPORT_FIELDS, TYPES
from jewelia.web.actions import PAGE_ACTION_ERRORS, charge_page_action
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import require_writer

Req = Request[Any, Any, Any]
BASE = "/app/data"
PAGE_SIZE = 20
TYPE_LABELS = {"customers": "Customers", "inventory": "Inventory", "orders": "Orders"}
FORMAT_LABELS = {"csv": "CSV", "json": "JSON", "xml": "XML", "excel": "Excel (.xlsx)"}
COUNTS = ("created", "updated", "unchanged", "skipped", "errors")
# The export filters per type: the list pages' own (the service checks them like the API).
FILTERS: dict[str, tuple[str, ...]] = {
    "customers": ("search",),
    "inventory": ("search", "category", "status", "min_price", "max_price"),
    "orders": ("status", "payment_status", "created_from", "created_to"),
}
FILTER_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {},
    "inventory": {"status": rules.INVENTORY_STATUSES},
    "orders": {"status": orders.STATUSES, "payment_status": orders.PAYMENT_STATUSES},
}


def local_path(url: str | None) -> str | None:
    """A signed link as a path on this site (the same origin, whatever the base URL says)."""
    return "/api/v1/" + url.split("/api/v1/", 1)[1] if url and "/api/v1/" in url else None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def job_view(job: dict[str, Any]) -> dict[str, Any]:
    """A job as the pages show it: the API's fields plus open/dry-run flags, links and times."""
    result = job["result"]
    return {
        **job,
        "open": job["status"] in service.OPEN,
        "dry_run": job["type"] == "import" and bool(job["options"].get("dryRun")),
        "download": local_path(result.get("downloadUrl")) if job["type"] == "export" else None,
        "error_report": local_path(result.get("errorReportUrl")),
        "created": _when(job["createdAt"]),
        "completed": _when(job["completedAt"]),
        "counts": {k: result.get(k, 0) for k in COUNTS} if job["type"] == "import" else None,
    }


def cell(value: Any, limit: int = 80) -> str:
    """A parsed value as short text for the preview and error tables."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def labels() -> dict[str, Any]:
    return {"type_labels": TYPE_LABELS, "format_labels": FORMAT_LABELS, "cell": cell}


async def jobs_view(
    ctx: PageContext, kind: str | None, page: int = 1, limit: int = PAGE_SIZE
) -> dict[str, Any]:
    """Values for the jobs table (and the URL that refreshes it while a job runs)."""
    kind = kind if kind in ("import", "export") else None
    paging = page_of(page, limit)
    rows, total = await service.list_jobs(ctx.tenant.ref, paging, kind)
    jobs = [job_view(j) for j in rows]
    query = f"type={kind or ''}&limit={paging.limit}&page={paging.page}"
    return {
        "jobs": jobs,
        "jobs_total": total,
        "jobs_kind": kind or "",
        "jobs_page": paging.page,
        "jobs_pages": max(1, -(-total // paging.limit)),
        "jobs_refresh": f"{BASE}/jobs/rows?{query}" if any(j["open"] for j in jobs) else None,
        "can_write": ctx.current.can_write,
        "retention_days": f"{files.retention_seconds() / 86400:g}",
        **labels(),
    }


@get(f"{BASE}/jobs", name="data_jobs")
async def jobs_page(request: Req, type: str | None = None, page: int = 1) -> Template:
    ctx = await page_context(request)
    return render("transfer/jobs.html", ctx, tab="jobs", **await jobs_view(ctx, type, page))


@get(f"{BASE}/jobs/rows")
async def jobs_rows(
    request: Req, type: str | None = None, page: int = 1, limit: int = PAGE_SIZE
) -> Template:
    ctx = await page_context(request)
    response = render("transfer/_job_rows.html", ctx, **await jobs_view(ctx, type, page, limit))
    response.headers["Cache-Control"] = "no-store"
    return response


async def status_view(ctx: PageContext, job_id: uuid.UUID) -> dict[str, Any]:
    """One job and, once an import has finished with refused rows, the first of them."""
    job = job_view(await service.get_job(ctx.tenant.ref, job_id))
    problems: list[dict[str, Any]] = []
    if job["type"] == "import" and not job["open"] and job["counts"]["errors"]:
        problems, _ = await service.row_errors(ctx.tenant.ref, job_id, parse_page(1, 10, None))
    return {"job": job, "problems": problems, "can_write": ctx.current.can_write, **labels()}


@get(f"{BASE}/jobs/{{job_id:uuid}}", name="data_job")
async def job_page(request: Req, job_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    values = await status_view(ctx, job_id)
    job = values["job"]
    step = None
    if job["type"] == "import":
        step = "dry_run" if job["dry_run"] else "import"
    return render("transfer/job.html", ctx, tab=job["type"], step=step, **values)


@get(f"{BASE}/jobs/{{job_id:uuid}}/status")
async def job_status(request: Req, job_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    response = render("transfer/_job_status.html", ctx, **await status_view(ctx, job_id))
    response.headers["Cache-Control"] = "no-store"
    return response


@post(f"{BASE}/jobs/{{job_id:uuid}}/cancel")
async def cancel(request: HTMXRequest, job_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    back = f"{BASE}/jobs" if (await request.form()).get("back") == "jobs" else None
    # Another business's job is a 404 here; a finished one gets the service's answer below.
    if (
        not await confirmed(request)
        and (await service.get_job(ctx.tenant.ref, job_id))["status"] in service.OPEN
    ):
        return await ask_first(
            request,
            ctx,
            question="Cancel this job? A running job stops after its current batch.",
            label="Cancel job",
            yes="Yes, cancel the job",
            back=back or f"{BASE}/jobs/{job_id}",
        )
    try:
        await service.cancel_job(ctx.tenant, ctx.user.actor, job_id)
    except Conflict as exc:
        return redirect_with(request, back or f"{BASE}/jobs/{job_id}", exc.message, "error")
    if request.htmx and not back:
        return render("transfer/_job_status.html", ctx, **await status_view(ctx, job_id))
    message = "Cancelling: a running job stops after its current batch."
    return redirect_with(request, back or f"{BASE}/jobs/{job_id}", message)


# --- export ----------------------------------------------------------------------------------


def _export_type(value: str | None) -> str:
    return value if value in TYPES else "inventory"


async def _export_form(
    ctx: PageContext,
    data_type: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    defaults = {
        "fields": list(EXPORT_FIELDS[data_type]),
        "format": "csv",
        "filters": {},
        "include_metadata": False,
        "compress": False,
    }
    return render(
        "transfer/export.html",
        ctx,
        tab="export",
        data_type=data_type,
        types=TYPES,
        formats=FORMATS,
        fields=EXPORT_FIELDS[data_type],
        filters=FILTERS[data_type],
        choices=FILTER_CHOICES[data_type],
        values={**defaults, **(values or {})},
        errors=errors or {},
        status_code=422 if errors else 200,
        **await jobs_view(ctx, "export", 1, 5),
    )


@get(f"{BASE}/export", name="data_export")
async def export_page(request: Req, type: str | None = None) -> Template:
    ctx = await page_context(request)
    return await _export_form(ctx, _export_type(type))


@post(f"{BASE}/export", exception_handlers=PAGE_ACTION_ERRORS)
async def export_start(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    await charge_page_action(ctx)
    form = await request.form()
    data_type = _export_type(str(form.get("type", "")))
    chosen = [str(f) for f in form.getall("fields")] if "fields" in form else []
    filters = {
        name: str(form.get(f"filter_{name}", "")).strip()
        for name in FILTERS[data_type]
        if str(form.get(f"filter_{name}", "")).strip()
    }
    fmt = str(form.get("format", "csv"))
    metadata, compress = form.get("include_metadata") == "on", form.get("compress") == "on"
    values: dict[str, Any] = {
        "fields": chosen,
        "format": fmt,
        "filters": filters,
        "include_metadata": metadata,
        "compress": compress,
    }
    try:
        if not chosen:  # no box ticked: the service would read that as "every field"
            raise ValidationFailed([FieldError("fields", "Choose at least one field", "REQUIRED")])
        started = await service.start_export(
            ctx.tenant,
            ctx.user.actor,
            data_type=data_type,
            fmt=fmt,
            filters=filters,
            fields=chosen,
            include_metadata=metadata,
            compress=compress,
        )
    except ValidationFailed as exc:
        errors = {k.removeprefix("filters."): v for k, v in exc.by_field().items() if k != "type"}
        if "type" in exc.by_field():
            errors["format"] = exc.by_field()["type"]
        return await _export_form(ctx, data_type, values, errors)
    return Redirect(path=f"{BASE}/jobs/{started['jobId']}")
