"""Import and export jobs: start, watch, list, cancel, preview, download.

The API and the pages call these; the worker runs the jobs (runner.py). A job row in the
tenant's schema is the truth about a job; its files live under the data folder (files.py).
Starting a job commits the row, then enqueues a message; a message lost on the way is made
good by the sweeper, which re-enqueues jobs that no worker holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jewelia.core import jobs
from jewelia.core.api import Page
from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from jewelia.platform.billing.plans import plan_named
from jewelia.platform.tenancy.registry import TenantInfo, get_tenant
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.formats.readers import (
    FORMATS,
    SourceError,
    SourceInfo,
    headers_of,
    records,
)
from jewelia.tenants.transfer.formats.writers import EXTENSIONS, MEDIA_TYPES
from jewelia.tenants.transfer.importer import Options
from jewelia.tenants.transfer.mapping.fields import (
    EXPORT_FIELDS,
    FIELD_BY_NAME,
    IGNORED,
    METADATA_FIELDS,
    TYPES,
    suggest_mapping,
)
from jewelia.tenants.transfer.mapping.rows import (
    Rule,
)
from jewelia.tenants.transfer.mapping.transforms import (
    check_transform,
)
from jewelia.tenants.transfer.sources import check_filters

log = logging.getLogger("jewelia.transfer")
STATUSES = ("queued", "processing", "completed", "failed", "cancelled")
OPEN = ("queued", "processing")
DEFAULT_IMPORT_BYTES = {"free": 5 << 20, "professional": 50 << 20, "enterprise": 200 << 20}
DEFAULT_IMPORT_ROWS = {"free": 1_000, "professional": 100_000, "enterprise": 1_000_000}
JOB_COLUMNS = (
    "id, kind, data_type, format, status, options, mapping, filters, fields, file_name,"
    " file_size, source_job_id, encoding, delimiter, total_rows, processed_rows, counts, message,"
    " result_file, result_size, error_file, actor_type, actor_id, actor_label, attempts,"
    " lease_token, leased_until, enqueued_at, cancel_requested, created_at, started_at,"
    " finished_at, files_expire_at, files_removed_at"
)


def lease_seconds() -> float:
    """How long a worker holds a job without a heartbeat (JEWELIA_TRANSFER_LEASE_SECONDS)."""
    return float(os.environ.get("JEWELIA_TRANSFER_LEASE_SECONDS", "60"))


async def import_limits(plan: str) -> tuple[int, int]:
    """(bytes, rows) one import may hold on this plan."""
    features = (await plan_named(plan)).features
    name = plan if plan in DEFAULT_IMPORT_BYTES else "free"
    return (
        int(features.get("import_bytes") or DEFAULT_IMPORT_BYTES[name]),
        int(features.get("import_rows") or DEFAULT_IMPORT_ROWS[name]),
    )


# --- requests -----------------------------------------------------------------------------------


def check_mapping(
    data_type: str, mapping: dict[str, Any] | None
) -> dict[str, dict[str, Any]] | None:
    """Normalise `{column: field}` or `{column: {field, transforms}}`; unknown names refused."""
    if mapping is None:
        return None
    fields = FIELD_BY_NAME[data_type]
    errors: list[FieldError] = []
    out: dict[str, dict[str, Any]] = {}
    if len(mapping) > 200:
        errors.append(FieldError("mapping", "At most 200 columns can be mapped", "TOO_LONG"))
    for column, target in list(mapping.items())[:200]:
        spec = {"field": target, "transforms": []} if isinstance(target, str) else dict(target)
        name = spec.get("field") or ""
        where = f"mapping.{column}"
        if "\x00" in column or len(column) > 200:
            errors.append(
                FieldError("mapping", "Column names are at most 200 characters", "INVALID")
            )
            continue
        if name in ("", "ignore"):
            continue
        if name not in fields:
            known = ", ".join(fields)
            errors.append(
                FieldError(where, f"Unknown field {name!r} (known: {known})", "UNKNOWN_FIELD")
            )
            continue
        for transform in spec.get("transforms") or []:
            problem = check_transform(transform)
            if problem:
                errors.append(FieldError(where, problem, "INVALID_TRANSFORM"))
        out[column] = {"field": name, "transforms": list(spec.get("transforms") or [])}
    taken: dict[str, str] = {}
    for column, spec in out.items():
        if spec["field"] in taken:
            errors.append(
                FieldError(
                    f"mapping.{column}",
                    f"{spec['field']} is already mapped from {taken[spec['field']]!r}",
                    "DUPLICATE_FIELD",
                )
            )
        taken[spec["field"]] = column
    if errors:
        raise ValidationFailed(errors)
    return out


def rules_of(mapping: dict[str, dict[str, Any]]) -> dict[str, Rule]:
    return {c: Rule(s["field"], tuple(s["transforms"])) for c, s in mapping.items()}


def check_export(
    data_type: str, filters: dict[str, Any] | None, fields: list[str] | None, metadata: bool
) -> tuple[dict[str, Any], list[str]]:
    """The export's filters (the list API's, per type) and fields, or ValidationFailed."""
    allowed = {
        "customers": {"search"},
        "inventory": {"category", "status", "search", "min_price", "max_price"},
        "orders": {"status", "customer_id", "payment_status", "created_from", "created_to"},
    }[data_type]
    errors: list[FieldError] = []
    filters = dict(filters or {})
    for key in filters:
        if key not in allowed:
            errors.append(
                FieldError(
                    f"filters.{key}",
                    f"Unknown filter (known: {', '.join(sorted(allowed))})",
                    "UNKNOWN_FIELD",
                )
            )
    known = list(EXPORT_FIELDS[data_type]) + [
        f for f in METADATA_FIELDS if f not in EXPORT_FIELDS[data_type]
    ]
    chosen = list(dict.fromkeys(fields)) if fields else list(EXPORT_FIELDS[data_type])
    for name in chosen:
        if name not in known:
            errors.append(
                FieldError(
                    "fields", f"Unknown field {name!r} (known: {', '.join(known)})", "UNKNOWN_FIELD"
                )
            )
    if not chosen:
        errors.append(FieldError("fields", "Choose at least one field", "REQUIRED"))
    if errors:
        raise ValidationFailed(errors)
    if metadata:
        chosen += [f for f in METADATA_FIELDS if f not in chosen]
    return filters, chosen


# --- starting jobs ----------------------------------------------------------------------------


async def _enqueue(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Send the job to the workers (after commit); if Redis is down the sweeper sends it later."""
    try:
        await asyncio.to_thread(
            jobs.enqueue, "run_transfer_job", str(tenant_id), str(job_id), queue_name="transfer"
        )
    except Exception:
        log.exception("could not enqueue transfer job %s; the sweeper will", job_id)


async def _wake_sweeper(tenant_id: uuid.UUID, at: str = "lease") -> None:
    await execute(
        "INSERT INTO public.transfer_due (tenant_id, due_at) VALUES ($1, now() + $2::interval)"
        " ON CONFLICT (tenant_id) DO UPDATE SET due_at = least(transfer_due.due_at, EXCLUDED.due_at)",
        tenant_id,
        timedelta(seconds=lease_seconds()),
    )


async def _insert_job(tenant: TenantInfo, actor: Actor, job_id: uuid.UUID, **values: Any) -> None:
    values = {
        "id": job_id,
        "actor_type": actor.type,
        "actor_id": actor.id,
        "actor_label": actor.label[:254],
        **values,
    }
    for key in ("options", "mapping", "filters", "fields"):
        if key in values and values[key] is not None:
            values[key] = json.dumps(values[key])
    names = list(values)
    marks = ", ".join(f"${n}" for n in range(1, len(names) + 1))
    await execute(
        f"INSERT INTO transfer_job ({', '.join(names)}, enqueued_at) VALUES ({marks}, now())",
        *values.values(),
    )
    await _wake_sweeper(tenant.id)


def _options_json(options: Options) -> dict[str, bool]:
    return {
        "updateExisting": options.update_existing,
        "skipDuplicates": options.skip_duplicates,
        "validateData": options.validate_data,
        "dryRun": options.dry_run,
    }


def options_of(stored: dict[str, Any]) -> Options:
    return Options(
        update_existing=bool(stored.get("updateExisting", True)),
        skip_duplicates=bool(stored.get("skipDuplicates", False)),
        validate_data=bool(stored.get("validateData", True)),
        dry_run=bool(stored.get("dryRun", False)),
    )


def clean_file_name(name: str | None, fmt: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\"';")[:200]
    return base or f"import.{EXTENSIONS[fmt]}"


async def start_import(
    tenant: TenantInfo,
    actor: Actor,
    *,
    data_type: str,
    fmt: str,
    save: Callable[[Path, int], Awaitable[int]],
    options: Options | None = None,
    mapping: dict[str, Any] | None = None,
    file_name: str | None = None,
) -> dict[str, Any]:
    """Store the file (at most the plan's bytes) and queue an import; {jobId, status, message}."""
    if data_type not in TYPES or fmt not in FORMATS:
        raise ValidationFailed([FieldError("type", "Unknown type or format", "INVALID_CHOICE")])
    options = options or Options()
    clean = check_mapping(data_type, mapping)
    limit, _ = await import_limits(tenant.plan)
    job_id = uuid.uuid4()
    size = await save(files.source_path(tenant.id, job_id), limit)
    try:
        async with tenant_scope(tenant.ref):
            await _insert_job(
                tenant,
                actor,
                job_id,
                kind="import",
                data_type=data_type,
                format=fmt,
                options=_options_json(options),
                mapping=clean,
                file_name=clean_file_name(file_name, fmt),
                file_size=size,
            )
            await record(
                actor,
                "import.started",
                "transfer_job",
                job_id,
                None,
                {"type": data_type, "format": fmt, "bytes": size, **_options_json(options)},
            )
    except BaseException:
        files.remove_job_files(tenant.id, job_id)
        raise
    await _enqueue(tenant.id, job_id)
    what = "Dry run" if options.dry_run else "Import job"
    return {"jobId": job_id, "status": "queued", "message": f"{what} started successfully"}


async def start_import_from(
    tenant: TenantInfo,
    actor: Actor,
    source_job_id: uuid.UUID,
    options: Options,
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run an earlier import's file again (after a dry run, or with another mapping)."""
    job = await _job_row(tenant.ref, source_job_id)
    if job["kind"] != "import":
        raise ValidationFailed([FieldError("jobId", "Only an import can be run again", "INVALID")])
    source = files.source_path(tenant.id, source_job_id)
    if not source.exists():
        raise Conflict("The file of that job has been removed; upload it again")

    async def copy(target: Path, limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            await asyncio.to_thread(shutil.copyfile, source, target)
        return target.stat().st_size  # noqa: ASYNC240 - local disk, one call

    stored = job["mapping"] if mapping is None else mapping
    return await start_import(
        tenant,
        actor,
        data_type=job["data_type"],
        fmt=job["format"],
        save=copy,
        options=options,
        mapping=stored,
        file_name=job["file_name"],
    )


async def start_export(
    tenant: TenantInfo,
    actor: Actor,
    *,
    data_type: str,
    fmt: str,
    filters: dict[str, Any] | None = None,
    fields: list[str] | None = None,
    include_metadata: bool = False,
    compress: bool = False,
) -> dict[str, Any]:
    """Queue an export; {jobId, status, message}. Filters are the list API's for the type."""
    if data_type not in TYPES or fmt not in FORMATS:
        raise ValidationFailed([FieldError("type", "Unknown type or format", "INVALID_CHOICE")])
    filters, chosen = check_export(data_type, filters, fields, include_metadata)
    await check_filters(tenant.ref, data_type, filters)
    job_id = uuid.uuid4()
    options = {"includeMetadata": include_metadata, "compress": compress}
    async with tenant_scope(tenant.ref):
        await _insert_job(
            tenant,
            actor,
            job_id,
            kind="export",
            data_type=data_type,
            format=fmt,
            options=options,
            filters=filters,
            fields=chosen,
        )
        await record(
            actor,
            "export.started",
            "transfer_job",
            job_id,
            None,
            {"type": data_type, "format": fmt, "filters": filters, "fields": chosen, **options},
        )
    await _enqueue(tenant.id, job_id)
    return {"jobId": job_id, "status": "queued", "message": "Export job started successfully"}


# --- reading jobs ---------------------------------------------------------------------------


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("options", "mapping", "filters", "fields", "counts"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


async def _job_row(tenant: TenantRef, job_id: uuid.UUID) -> dict[str, Any]:
    async with tenant_scope(tenant):
        rows = await fetch(f"SELECT {JOB_COLUMNS} FROM transfer_job WHERE id = $1", job_id)
    if not rows:
        raise NotFound("Job not found")
    return _decode(rows[0])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def progress_of(job: dict[str, Any]) -> int:
    if job["status"] == "completed":
        return 100
    total = job["total_rows"]
    if not total:
        return 0
    return max(0, min(99, int(job["processed_rows"] * 100 / total)))


def public_job(tenant_id: uuid.UUID, job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API shows it (the seed's id, type, status, progress, result)."""
    counts = job["counts"] or {}
    available = job["files_removed_at"] is None
    until = job["files_expire_at"].timestamp() if job["files_expire_at"] else None
    result: dict[str, Any] = {"downloadUrl": None, "errorReportUrl": None}
    if job["kind"] == "import":
        result.update(
            imported=counts.get("created", 0) + counts.get("updated", 0),
            **{
                k: counts.get(k, 0)
                for k in ("created", "updated", "unchanged", "skipped", "errors")
            },
        )
        if job["error_file"] and available:
            url = files.download_url(tenant_id, job["id"], "errors", until)
            result["errorReportUrl"] = result["downloadUrl"] = url
    else:
        result["exported"] = counts.get("exported", 0)
        if job["result_file"] and available:
            result["downloadUrl"] = files.download_url(tenant_id, job["id"], "result", until)
    return {
        "id": job["id"],
        "jobId": job["id"],
        "type": job["kind"],
        "dataType": job["data_type"],
        "format": job["format"],
        "status": job["status"],
        "progress": progress_of(job),
        "message": job["message"],
        "options": job["options"] or {},
        "mapping": job["mapping"],
        "filters": job["filters"],
        "fields": job["fields"],
        "fileName": job["file_name"],
        "fileSize": job["file_size"] if job["kind"] == "import" else job["result_size"],
        "totalRows": job["total_rows"],
        "processedRows": job["processed_rows"],
        "result": result,
        "createdBy": job["actor_label"],
        "createdAt": _iso(job["created_at"]),
        "startedAt": _iso(job["started_at"]),
        "completedAt": _iso(job["finished_at"]),
        "filesExpireAt": _iso(job["files_expire_at"]) if available else None,
    }


async def get_job(tenant: TenantRef, job_id: uuid.UUID) -> dict[str, Any]:
    """One job of this tenant (another tenant's id is NotFound)."""
    return public_job(tenant.id, await _job_row(tenant, job_id))


async def list_jobs(
    tenant: TenantRef, page: Page, kind: str | None = None, status: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Newest jobs first, optionally only imports/exports or one status; and the total."""
    errors = []
    if kind is not None and kind not in ("import", "export"):
        errors.append(FieldError("type", "type must be import or export", "INVALID_CHOICE"))
    if status is not None and status not in STATUSES:
        errors.append(
            FieldError("status", f"status must be one of: {', '.join(STATUSES)}", "INVALID_CHOICE")
        )
    if errors:
        raise ValidationFailed(errors)
    where = "($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2)"
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {JOB_COLUMNS} FROM transfer_job WHERE {where}"
            " ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
            kind,
            status,
            page.limit,
            (page.page - 1) * page.limit,
        )
        total = (
            await fetch(f"SELECT count(*) AS n FROM transfer_job WHERE {where}", kind, status)
        )[0]["n"]
    return [public_job(tenant.id, _decode(r)) for r in rows], int(total)


async def row_errors(
    tenant: TenantRef, job_id: uuid.UUID, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """The rows an import refused: row number, [{field, message, code}], and the values given."""
    await _job_row(tenant, job_id)
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT row_number, errors, record FROM transfer_row_error WHERE job_id = $1"
            " ORDER BY row_number LIMIT $2 OFFSET $3",
            job_id,
            page.limit,
            (page.page - 1) * page.limit,
        )
        total = (
            await fetch("SELECT count(*) AS n FROM transfer_row_error WHERE job_id = $1", job_id)
        )[0]["n"]
    return [
        {
            "row": r["row_number"],
            "errors": json.loads(r["errors"]),
            "values": json.loads(r["record"]),
        }
        for r in rows
    ], int(total)


async def cancel_job(tenant: TenantInfo, actor: Actor, job_id: uuid.UUID) -> dict[str, Any]:
    """Cancel a queued job at once, or ask a running one to stop after its current batch.

    Batches already committed stay (each is complete on its own); the job says how many rows.
    """
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            f"SELECT {JOB_COLUMNS} FROM transfer_job WHERE id = $1 FOR UPDATE", job_id
        )
        if not rows:
            raise NotFound("Job not found")
        job = _decode(rows[0])
        if job["status"] not in OPEN:
            raise Conflict(f"This job is already {job['status']}")
        if job["status"] == "queued":
            await execute(
                "UPDATE transfer_job SET status = 'cancelled', cancel_requested = true,"
                " message = 'Cancelled before it started', finished_at = now(),"
                " files_expire_at = now() + $2::interval WHERE id = $1",
                job_id,
                timedelta(seconds=files.retention_seconds()),
            )
        else:
            await execute(
                "UPDATE transfer_job SET cancel_requested = true,"
                " message = 'Cancelling after the current batch' WHERE id = $1",
                job_id,
            )
        await record(actor, f"{job['kind']}.cancel_requested", "transfer_job", job_id, None, None)
    return await get_job(tenant.ref, job_id)


# --- preview and mapping suggestions (for the import page) ----------------------------------


def preview_file(path: Path, fmt: str, data_type: str, rows: int = 10) -> dict[str, Any]:
    """The first rows as parsed, what was detected, and a suggested mapping."""
    info = SourceInfo()
    first: list[dict[str, Any]] = []
    try:
        for n, rec in enumerate(records(path, fmt, info)):
            if n >= max(rows, 50):
                break
            first.append({"row": rec.row, "values": rec.values})
    except SourceError as exc:
        raise ValidationFailed([FieldError("data", str(exc), "UNREADABLE_FILE")]) from exc
    headers = info.headers or headers_of([r["values"] for r in first])
    return {
        "format": fmt,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "headers": headers,
        "rows": first[:rows],
        "suggestedMapping": suggest_mapping(data_type, headers),
        "fields": [f.name for f in FIELD_BY_NAME[data_type].values()],
        "ignoredColumns": [h for h in headers if h in IGNORED[data_type]],
    }


async def preview_job(tenant: TenantRef, job_id: uuid.UUID, rows: int = 10) -> dict[str, Any]:
    """Preview an import job's stored file (its own mapping shown when it has one)."""
    job = await _job_row(tenant, job_id)
    path = files.source_path(tenant.id, job_id)
    if job["kind"] != "import" or not path.exists():
        raise NotFound("No file to preview for this job")
    out = await asyncio.to_thread(preview_file, path, job["format"], job["data_type"], rows)
    out["mapping"] = job["mapping"]
    return out


# --- downloads -------------------------------------------------------------------------------


async def resolve_download(token: str) -> tuple[Path, str, str]:
    """(path, file name, media type) for a signed link, or AuthenticationFailed / NotFound."""
    grant = files.verify(token)
    tenant = await get_tenant(grant.tenant_id)
    if not tenant.is_active:
        raise NotFound("This file is no longer available")
    job = await _job_row(tenant.ref, grant.job_id)
    name = job["result_file"] if grant.file == "result" else job["error_file"]
    if not name or job["files_removed_at"] is not None:
        raise NotFound("This file is no longer available")
    path = files.job_dir(tenant.id, job["id"]) / name
    if not path.exists():
        raise NotFound("This file is no longer available")
    stamp = (job["finished_at"] or job["created_at"]).strftime("%Y%m%d-%H%M%S")
    ext = name.rsplit(".", 1)[-1]
    kind = "errors" if grant.file == "errors" else job["data_type"]
    media = MEDIA_TYPES["zip" if ext == "zip" else ("json" if ext == "json" else _fmt_of(ext))]
    return path, f"{kind}-{stamp}.{ext}", media


def _fmt_of(ext: str) -> str:
    return {v: k for k, v in EXTENSIONS.items()}.get(ext, "csv")
