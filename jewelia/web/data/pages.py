"""Data > Import: a wizard over the import jobs of jewelia.tenants.transfer.

1. Upload: the file is stored as a job's file at once and checked by a dry run with the
   suggested mapping (the backend has no draft state; a dry run changes nothing, sends no
   webhook, and its file is what the next steps read — nothing is uploaded twice).
2. Preview: the first rows as parsed, with the detected encoding and delimiter.
3. Map columns: one field per column, pre-selected from the suggestion (jewelers' aliases),
   a transform per column, and the options.
4. Dry run with that mapping (a new dry-run job on the same file, unless the mapping and
   options are those the last dry run already checked): its counts and first refused rows.
5. Import for real: a job on the same file, watched with a live progress bar (transfer_jobs).

Only writers import; read-only members are sent to Export.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, FieldError, NotFound, RateLimited, ValidationFailed
from jewelia.tenants.transfer import service
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.formats.readers import FORMATS
from jewelia.tenants.transfer.importer import Options
from jewelia.tenants.transfer.mapping.fields import TYPES
from jewelia.web.actions import PAGE_ACTION_ERRORS, charge_page_action
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.data import jobs
from jewelia.web.data.upload import format_of, receive
from jewelia.web.forms import require_writer

Req = Request[Any, Any, Any]
BASE = jobs.BASE
UPLOAD_PATH = f"{BASE}/import"
UPLOAD_BODY = 300 << 20  # the body-limit middleware's ceiling; the plan's limit applies first
STEPS = (
    ("upload", "Upload"),
    ("preview", "Preview"),
    ("mapping", "Map columns"),
    ("dry_run", "Dry run"),
    ("import", "Import"),
)
# Transforms offered per column (the backend also takes lists; the page offers one each).
TRANSFORM_CHOICES = (
    ("", "None"),
    ("trim", "Trim spaces"),
    ("lower", "lower case"),
    ("upper", "UPPER CASE"),
    ("split", "Split list (; | ,)"),
    ("number", "Number (auto)"),
    ("number_comma", "Number 1.234,56"),
    ("number_dot", "Number 1,234.56"),
    ("date:%d/%m/%Y", "Date DD/MM/YYYY"),
    ("date:%m/%d/%Y", "Date MM/DD/YYYY"),
    ("date:%d.%m.%Y", "Date DD.MM.YYYY"),
    ("date:%Y-%m-%d", "Date YYYY-MM-DD"),
)


@get(BASE, name="data")
async def data_home(request: Req) -> Redirect:
    ctx = await page_context(request)
    return Redirect(path=UPLOAD_PATH if ctx.current.can_write else f"{BASE}/export")


@get(UPLOAD_PATH, name="data_import")
async def import_page(request: Req) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    size, rows = await service.import_limits(ctx.tenant.plan)
    return render(
        "transfer/import.html",
        ctx,
        tab="import",
        step="upload",
        steps=STEPS,
        types=TYPES,
        formats=FORMATS,
        max_mb=f"{size / (1 << 20):g}",
        max_rows=rows,
        **await jobs.jobs_view(ctx, "import", 1, 5),
    )


def _problem(exc: AppError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(e["message"] for e in exc.errors)
    return exc.message


@post(
    UPLOAD_PATH,
    opt={"exclude_from_csrf": True},
    request_max_body_size=None,
    exception_handlers=PAGE_ACTION_ERRORS,
)
async def upload(request: Req) -> Redirect:
    """Stream the file to disk (CSRF checked before it is written) and start its dry run."""
    ctx = await page_context(request)
    require_writer(ctx)
    limit, _ = await service.import_limits(ctx.tenant.plan)
    try:
        got = await receive(request, ctx.tenant.id, limit)
    except (ValidationFailed, files.TooLarge) as exc:
        return redirect_with(request, UPLOAD_PATH, _problem(exc), "error")
    try:  # charged once the CSRF token has been checked (this route checks it while reading)
        await charge_page_action(ctx)
    except RateLimited:
        got.discard()
        raise
    data_type = got.fields.get("type", "")
    fmt = format_of(got.file_name, got.fields.get("format", "auto"))
    problem = None
    if got.path is None or not got.file_name:
        problem = "Choose a file to upload."
    elif not got.size:
        problem = "The file is empty."
    elif data_type not in TYPES:
        problem = "Choose what the file holds: customers, inventory or orders."
    elif fmt not in FORMATS:
        problem = "The format could not be told from the file name; choose it."
    if problem or got.path is None:
        got.discard()
        return redirect_with(request, UPLOAD_PATH, problem or "", "error")
    incoming: Path = got.path

    async def move(target: Path, plan_limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, target)
        return got.size

    try:
        started = await service.start_import(
            ctx.tenant,
            ctx.user.actor,
            data_type=data_type,
            fmt=str(fmt),
            save=move,
            options=Options(dry_run=True),
            file_name=got.file_name,
        )
    except ValidationFailed as exc:
        return redirect_with(request, UPLOAD_PATH, _problem(exc), "error")
    finally:
        got.discard()
    return Redirect(path=f"{UPLOAD_PATH}/{started['jobId']}")


async def _import_job(ctx: PageContext, job_id: uuid.UUID) -> dict[str, Any]:
    job = jobs.job_view(await service.get_job(ctx.tenant.ref, job_id))
    if job["type"] != "import":
        raise NotFound("Job not found")
    return job


async def _preview(ctx: PageContext, job_id: uuid.UUID) -> tuple[dict[str, Any] | None, str]:
    """The file's first rows, or why they cannot be shown."""
    try:
        return await service.preview_job(ctx.tenant.ref, job_id, rows=10), ""
    except ValidationFailed as exc:
        return None, _problem(exc)
    except NotFound:
        return None, "This file is no longer kept; upload it again."


@get(f"{UPLOAD_PATH}/{{job_id:uuid}}", name="data_import_preview")
async def preview_page(request: Req, job_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    job = await _import_job(ctx, job_id)
    preview, problem = await _preview(ctx, job_id)
    return render(
        "transfer/preview.html",
        ctx,
        tab="import",
        step="preview",
        steps=STEPS,
        job=job,
        preview=preview,
        problem=problem,
        **jobs.labels(),
    )


def _chosen(job: dict[str, Any], preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each column's field and transform: the job's own mapping, else the suggestion."""
    if job["mapping"] is not None:
        return {
            c: {"field": s["field"], "transform": "|".join(s.get("transforms") or [])}
            for c, s in job["mapping"].items()
        }
    return {c: {"field": f, "transform": ""} for c, f in preview["suggestedMapping"].items() if f}


def _mapping_form(
    ctx: PageContext,
    job: dict[str, Any],
    preview: dict[str, Any] | None,
    problem: str,
    chosen: dict[str, dict[str, Any]],
    options: dict[str, bool],
    errors: dict[str, str] | None = None,
) -> Template:
    columns = []
    for n, header in enumerate(preview["headers"] if preview else []):
        samples = [r["values"].get(header) for r in preview["rows"][:3]] if preview else []
        pick = chosen.get(header) or {"field": "", "transform": ""}
        choices = list(TRANSFORM_CHOICES)
        if pick["transform"] and pick["transform"] not in dict(choices):
            choices.append((pick["transform"], pick["transform"].replace("|", ", then ")))
        columns.append(
            {
                "n": n,
                "header": header,
                "samples": [jobs.cell(s, 40) for s in samples if s not in (None, "")],
                "field": pick["field"],
                "transform": pick["transform"],
                "transforms": choices,
                "suggested": (preview or {}).get("suggestedMapping", {}).get(header),
                "error": (errors or {}).get(f"mapping.{header}"),
            }
        )
    general = {k: v for k, v in (errors or {}).items() if not k.startswith("mapping.")}
    return render(
        "transfer/mapping.html",
        ctx,
        tab="import",
        step="mapping",
        steps=STEPS,
        job=job,
        preview=preview,
        problem=problem,
        columns=columns,
        fields=(preview or {}).get("fields", []),
        options=options,
        errors=general,
        status_code=422 if errors else 200,
        **jobs.labels(),
    )


def _options(stored: dict[str, Any]) -> dict[str, bool]:
    o = service.options_of(stored)
    return {
        "updateExisting": o.update_existing,
        "skipDuplicates": o.skip_duplicates,
        "validateData": o.validate_data,
    }


@get(f"{UPLOAD_PATH}/{{job_id:uuid}}/mapping", name="data_import_mapping")
async def mapping_page(request: Req, job_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    job = await _import_job(ctx, job_id)
    preview, problem = await _preview(ctx, job_id)
    chosen = _chosen(job, preview) if preview else {}
    return _mapping_form(ctx, job, preview, problem, chosen, _options(job["options"]))


@post(f"{UPLOAD_PATH}/{{job_id:uuid}}/mapping", exception_handlers=PAGE_ACTION_ERRORS)
async def mapping_submit(request: Req, job_id: uuid.UUID) -> Template | Redirect:
    """Check the mapping and start its dry run (or show the one that already checked it)."""
    ctx = await page_context(request)
    require_writer(ctx)
    await charge_page_action(ctx)
    job = await _import_job(ctx, job_id)
    preview, problem = await _preview(ctx, job_id)
    if preview is None:
        return redirect_with(request, f"{UPLOAD_PATH}/{job_id}/mapping", problem, "error")
    form = await request.form()
    chosen: dict[str, dict[str, Any]] = {}
    mapping: dict[str, Any] = {}
    for n, header in enumerate(preview["headers"]):
        name = str(form.get(f"field_{n}", "") or "")
        transform = str(form.get(f"transform_{n}", "") or "")
        chosen[header] = {"field": name, "transform": transform}
        if name:
            mapping[header] = {"field": name, "transforms": [t for t in transform.split("|") if t]}
    options = {k: form.get(k) == "on" for k in ("updateExisting", "skipDuplicates", "validateData")}
    try:
        clean = service.check_mapping(job["dataType"], mapping)
        if not clean:
            raise ValidationFailed(
                [FieldError("mapping", "Map at least one column to a field", "REQUIRED")]
            )
    except ValidationFailed as exc:
        return _mapping_form(ctx, job, preview, "", chosen, options, exc.by_field())
    same = {**options, "dryRun": True} == {**_options(job["options"]), "dryRun": job["dry_run"]}
    if same and job["status"] in ("queued", "processing", "completed") and job["mapping"] == clean:
        return Redirect(path=f"{BASE}/jobs/{job_id}")  # this dry run already checks just that
    started = await service.start_import_from(
        ctx.tenant,
        ctx.user.actor,
        job_id,
        Options(
            options["updateExisting"], options["skipDuplicates"], options["validateData"], True
        ),
        clean,
    )
    return Redirect(path=f"{BASE}/jobs/{started['jobId']}")


@post(f"{UPLOAD_PATH}/{{job_id:uuid}}/run", exception_handlers=PAGE_ACTION_ERRORS)
async def run(request: Req, job_id: uuid.UUID) -> Redirect:
    """Import for real what a finished dry run checked: same file, mapping and options."""
    ctx = await page_context(request)
    require_writer(ctx)
    await charge_page_action(ctx)
    job = await _import_job(ctx, job_id)
    if not job["dry_run"] or job["status"] != "completed":
        message = "Only a finished dry run can be imported; run one first."
        return redirect_with(request, f"{BASE}/jobs/{job_id}", message, "error")
    o = service.options_of(job["options"])
    try:
        started = await service.start_import_from(
            ctx.tenant,
            ctx.user.actor,
            job_id,
            Options(o.update_existing, o.skip_duplicates, o.validate_data, False),
        )
    except AppError as exc:
        return redirect_with(request, f"{BASE}/jobs/{job_id}", _problem(exc), "error")
    return Redirect(path=f"{BASE}/jobs/{started['jobId']}")


router = Router(
    path="/",
    route_handlers=[
        data_home,
        import_page,
        upload,
        preview_page,
        mapping_page,
        mapping_submit,
        run,
        jobs.jobs_page,
        jobs.jobs_rows,
        jobs.job_page,
        jobs.job_status,
        jobs.cancel,
        jobs.export_page,
        jobs.export_start,
    ],
    include_in_schema=False,
)
