"""Running import and export jobs in the worker, and the sweeper that keeps them moving.

A worker claims a job with a lease (a token and an expiry) and renews it with every batch it
commits; each batch transaction first checks that the lease is still its own. A job whose
lease ran out (worker killed, message lost) is sent again by the sweeper; the next claim resumes
an import after its last committed batch (the checkpoint is `processed_rows`, committed with the
batch) and restarts an export from the beginning (exports change nothing). After
MAX_ATTEMPTS claims a job is failed rather than retried forever.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.core.api import Page, parse_page
from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import AppError
from jewelia.platform.tenancy.registry import TenantInfo, get_tenant
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.transfer import importer
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.formats.readers import SourceError, SourceInfo, headers_of, records
from jewelia.tenants.transfer.formats.writers import (
    EXTENSIONS,
    CsvWriter,
    JsonWriter,
    open_writer,
    zip_file,
)
from jewelia.tenants.transfer.mapping.exports import (
    export_columns,
    flat_record,
    nested_record,
)
from jewelia.tenants.transfer.mapping.fields import (
    suggest_mapping,
)
from jewelia.tenants.transfer.service import (
    JOB_COLUMNS,
    _decode,
    import_limits,
    lease_seconds,
    options_of,
    rules_of,
)
from jewelia.tenants.transfer.sources import filter_kwargs, list_page
from jewelia.tenants.webhooks.outbox import emit

log = logging.getLogger("jewelia.transfer")
MAX_ATTEMPTS = 5
EXPORT_PAGE = 1000
HEARTBEAT_ROWS = 20_000


class LeaseLost(Exception):
    """Another worker holds the job now (or it was cancelled/finished): stop quietly."""


# --- claiming and finishing -------------------------------------------------------------------


async def claim(tenant: TenantRef, job_id: uuid.UUID, token: uuid.UUID) -> dict[str, Any] | None:
    """Take the job if it is open and no live lease holds it."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "UPDATE transfer_job SET status = 'processing', lease_token = $2,"
            " leased_until = now() + $3::interval, attempts = attempts + 1,"
            " started_at = coalesce(started_at, now()),"
            " message = CASE WHEN attempts > 0 THEN 'Resumed after an interruption' ELSE 'Processing' END"
            " WHERE id = $1 AND status IN ('queued', 'processing') AND NOT cancel_requested"
            " AND (leased_until IS NULL OR leased_until < now())"
            f" RETURNING {JOB_COLUMNS}",
            job_id,
            token,
            timedelta(seconds=lease_seconds()),
        )
    return _decode(rows[0]) if rows else None


async def _lock(job_id: uuid.UUID, token: uuid.UUID) -> dict[str, Any]:
    """Inside a scope: lock the job row if the lease is still ours, else LeaseLost."""
    rows = await fetch(
        "SELECT cancel_requested, status FROM transfer_job WHERE id = $1 AND lease_token = $2"
        " FOR UPDATE",
        job_id,
        token,
    )
    if not rows or rows[0]["status"] != "processing":
        raise LeaseLost
    return rows[0]


async def heartbeat(tenant: TenantRef, job_id: uuid.UUID, token: uuid.UUID, **values: Any) -> bool:
    """Renew the lease (and save values); True when a cancel was asked for."""
    sets = "".join(f", {k} = ${n}" for n, k in enumerate(values, start=4))
    async with tenant_scope(tenant):
        rows = await fetch(
            f"UPDATE transfer_job SET leased_until = now() + $3::interval{sets}"
            " WHERE id = $1 AND lease_token = $2 AND status = 'processing' RETURNING cancel_requested",
            job_id,
            token,
            timedelta(seconds=lease_seconds()),
            *values.values(),
        )
    if not rows:
        raise LeaseLost
    return bool(rows[0]["cancel_requested"])


def _actor(job: dict[str, Any]) -> Actor:
    return Actor(job["actor_type"], job["actor_id"], job["actor_label"])


async def _finish(
    tenant: TenantInfo,
    job: dict[str, Any],
    token: uuid.UUID,
    status: str,
    message: str,
    counts: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Close the job in one transaction: status, files' expiry, audit, and the webhook event."""
    expire = datetime.now(UTC) + timedelta(seconds=files.retention_seconds())
    async with tenant_scope(tenant.ref):
        await _lock(job["id"], token)
        sets = "".join(f", {k} = ${n}" for n, k in enumerate(values, start=6))
        await execute(
            "UPDATE transfer_job SET status = $2, message = $3, counts = coalesce($4::jsonb, counts),"
            " finished_at = now(), files_expire_at = $5, lease_token = NULL, leased_until = NULL"
            f"{sets} WHERE id = $1",
            job["id"],
            status,
            message,
            json.dumps(counts) if counts is not None else None,
            expire,
            *values.values(),
        )
        await execute(
            "INSERT INTO public.transfer_due (tenant_id, due_at) VALUES ($1, $2)"
            " ON CONFLICT (tenant_id) DO UPDATE SET due_at = least(transfer_due.due_at, EXCLUDED.due_at)",
            tenant.id,
            expire,
        )
        done = {
            "type": job["data_type"],
            "format": job["format"],
            "message": message,
            **(counts or {}),
        }
        await record(_actor(job), f"{job['kind']}.{status}", "transfer_job", job["id"], None, done)
        dry = job["kind"] == "import" and job["options"].get("dryRun")
        if status == "completed" and not dry:
            await emit(
                f"{job['kind']}.completed", _event(tenant, job, counts or {}, values, expire)
            )


def _event(
    tenant: TenantInfo,
    job: dict[str, Any],
    counts: dict[str, Any],
    values: dict[str, Any],
    expire: datetime,
) -> dict[str, Any]:
    if job["kind"] == "import":
        error_url = (
            files.download_url(tenant.id, job["id"], "errors", expire.timestamp())
            if values.get("error_file")
            else None
        )
        result: dict[str, Any] = {
            "imported": counts.get("created", 0) + counts.get("updated", 0),
            **{
                k: counts.get(k, 0)
                for k in ("created", "updated", "unchanged", "skipped", "errors")
            },
            "downloadUrl": error_url,
        }
    else:
        result = {
            "exported": counts.get("exported", 0),
            "downloadUrl": files.download_url(tenant.id, job["id"], "result", expire.timestamp()),
        }
    return {
        "job_id": str(job["id"]),
        "type": job["data_type"],
        "format": job["format"],
        "status": "completed",
        "result": result,
        "completed_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


async def run_job(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Claim and run one job (the actor's whole work); quiet if someone else holds it."""
    try:
        tenant = await get_tenant(tenant_id)
    except AppError:
        return
    if tenant.status == "deleted":
        return
    token = uuid.uuid4()
    job = await claim(tenant.ref, job_id, token)
    if job is None:
        return
    try:
        if job["attempts"] > MAX_ATTEMPTS:
            await _finish(
                tenant, job, token, "failed", f"Stopped after {MAX_ATTEMPTS} interrupted attempts"
            )
        elif job["kind"] == "import":
            await run_import(tenant, job, token)
        else:
            await run_export(tenant, job, token)
    except LeaseLost:
        log.info("transfer job %s: lease lost, stopping", job_id)
    except SourceError as exc:
        await _finish(tenant, job, token, "failed", str(exc))
    except Exception:
        log.exception("transfer job %s failed", job_id)
        try:
            await _finish(tenant, job, token, "failed", "The job stopped on an internal error")
        except LeaseLost:
            pass


# --- import ------------------------------------------------------------------------------------


async def _first_pass(tenant: TenantInfo, job: dict[str, Any], token: uuid.UUID) -> dict[str, Any]:
    """Count the records (progress and the plan's row limit), detect encoding and delimiter, and
    settle the mapping, once per job; saved so a resumed job reads the file the same way."""
    path = files.source_path(tenant.id, job["id"])
    info = SourceInfo()
    total = 0
    sample: list[dict[str, Any]] = []
    _, max_rows = await import_limits(tenant.plan)
    for rec in records(path, job["format"], info):
        total += 1
        if len(sample) < 100:
            sample.append(rec.values)
        if total > max_rows:
            raise SourceError(
                f"This file has more than {max_rows:,} rows, the most one import may hold on"
                " your plan; split it or upgrade"
            )
        if total % HEARTBEAT_ROWS == 0:
            await heartbeat(tenant.ref, job["id"], token)
            await asyncio.sleep(0)
    headers = info.headers or headers_of(sample)
    mapping = job["mapping"]
    if mapping is None:
        mapping = {
            h: {"field": f, "transforms": []}
            for h, f in suggest_mapping(job["data_type"], headers).items()
            if f
        }
    elif job["format"] in ("csv", "excel") and total:
        missing = [c for c in mapping if c not in headers]
        if missing:
            raise SourceError(f"Mapped columns not in the file: {', '.join(missing[:10])}")
    if total and not mapping:
        raise SourceError("No column of this file matches a field; give a mapping")
    values = {
        "total_rows": total,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "mapping": json.dumps(mapping),
    }
    await heartbeat(tenant.ref, job["id"], token, **values)
    return {**job, **values, "mapping": mapping}


async def run_import(tenant: TenantInfo, job: dict[str, Any], token: uuid.UUID) -> None:
    """Import the file in batches, resuming after the last committed batch."""
    if job["total_rows"] is None:
        job = await _first_pass(tenant, job, token)
    path = files.source_path(tenant.id, job["id"])
    data_type, options = job["data_type"], options_of(job["options"])
    rules = rules_of(job["mapping"] or {})
    comma = job["delimiter"] == ";"
    info = SourceInfo(encoding=job["encoding"], delimiter=job["delimiter"])
    seen = importer.Seen()
    done = job["processed_rows"]
    counts = {
        k: int((job["counts"] or {}).get(k, 0))
        for k in ("created", "updated", "unchanged", "skipped", "errors")
    }
    source = records(path, job["format"], info)
    position = 0

    def next_batch() -> tuple[list[importer.Prepared], int]:
        """Parse and check the next batch (in a thread, while the previous one commits)."""
        nonlocal position
        batch: list[importer.Prepared] = []
        for rec in source:
            position += 1
            p = importer.prepare(data_type, rec, rules, options, comma)
            seen.check(data_type, p, options)
            if position <= done:
                continue  # committed before an interruption; only its keys are remembered
            batch.append(p)
            if len(batch) >= importer.BATCH_ROWS:
                break
        return batch, position

    upcoming = asyncio.ensure_future(asyncio.to_thread(next_batch))
    try:
        while True:
            batch, at = await upcoming
            if not batch:
                break
            upcoming = asyncio.ensure_future(asyncio.to_thread(next_batch))
            if not await _commit_batch(tenant, job, token, batch, counts, at):
                return
    finally:
        if not upcoming.done():
            await asyncio.wait([upcoming])  # a thread cannot be interrupted; let it finish
    error_file = None
    if counts["errors"]:
        await heartbeat(tenant.ref, job["id"], token)  # a whole lease for writing the report
        error_file = await _error_report(tenant, job)
    verb = "Checked" if options.dry_run else "Imported"
    message = (
        f"{verb} {position} rows: {counts['created']} new, {counts['updated']} updated,"
        f" {counts['unchanged']} unchanged, {counts['skipped']} skipped, {counts['errors']} with errors"
    )
    extra = {"error_file": error_file} if error_file else {}
    await _finish(
        tenant, job, token, "completed", message, counts, processed_rows=position, **extra
    )


async def _commit_batch(
    tenant: TenantInfo,
    job: dict[str, Any],
    token: uuid.UUID,
    batch: list[importer.Prepared],
    counts: dict[str, int],
    position: int,
) -> bool:
    """One transaction: the rows, their errors and the checkpoint. False when cancelled."""
    before = [(list(p.errors), p.outcome) for p in batch]
    for careful in (False, True):
        try:
            async with tenant_scope(tenant.ref):
                state = await _lock(job["id"], token)
                if state["cancel_requested"]:
                    break
                ctx = importer.Context(tenant.ref, _actor(job), options_of(job["options"]))
                await importer.lookup(job["data_type"], ctx, batch)
                got = await importer.apply_batch(job["data_type"], ctx, batch, careful)
                failed = [p for p in batch if p.errors]
                if failed:
                    await execute(
                        "INSERT INTO transfer_row_error (job_id, row_number, errors, record)"
                        " SELECT $1, r, e::jsonb, v::jsonb FROM unnest($2::int[], $3::text[], $4::text[]) AS t(r, e, v)"
                        " ON CONFLICT (job_id, row_number) DO NOTHING",
                        job["id"],
                        [p.row for p in failed],
                        [json.dumps(p.errors) for p in failed],
                        [_record_json(p.record) for p in failed],
                    )
                total = {k: counts[k] + got[k] for k in counts}
                await execute(
                    "UPDATE transfer_job SET processed_rows = $2, counts = $3::jsonb,"
                    " leased_until = now() + $4::interval WHERE id = $1",
                    job["id"],
                    position,
                    json.dumps(total),
                    timedelta(seconds=lease_seconds()),
                )
            counts.update(total)
            return True
        except importer.Poisoned:
            for p, (errors, outcome) in zip(batch, before, strict=True):
                p.errors, p.outcome = list(errors), outcome
            continue
    await _finish(
        tenant,
        job,
        token,
        "cancelled",
        f"Cancelled after {job_rows(counts)} rows; the rows before that are kept",
        counts,
    )
    return False


def job_rows(counts: dict[str, int]) -> int:
    return sum(counts.values())


def _record_json(values: dict[str, Any]) -> str:
    return json.dumps(values, default=str).replace("\\u0000", "")


async def _error_report(tenant: TenantInfo, job: dict[str, Any]) -> str:
    """The refused rows as the file gave them, plus an `error` column: fix them and re-import."""
    directory = files.job_dir(tenant.id, job["id"])
    as_json = job["format"] in ("json", "xml")
    name = "errors.json" if as_json else "errors.csv"
    headers: list[str] = []
    if not as_json:
        info = SourceInfo(encoding=job["encoding"], delimiter=job["delimiter"])
        for _ in records(files.source_path(tenant.id, job["id"]), job["format"], info):
            break
        headers = [h for h in info.headers]
    writer: Any = (JsonWriter if as_json else CsvWriter)(
        directory / name, [*headers, "error"], None
    )
    after = 0
    while True:
        async with tenant_scope(tenant.ref):
            rows = await fetch(
                "SELECT row_number, errors, record FROM transfer_row_error WHERE job_id = $1"
                " AND row_number > $2 ORDER BY row_number LIMIT 1000",
                job["id"],
                after,
            )
        for r in rows:
            values = json.loads(r["record"])
            message = "; ".join(f"{e['field']}: {e['message']}" for e in json.loads(r["errors"]))
            writer.write({**values, "error": f"row {r['row_number']}: {message}"})
        if len(rows) < 1000:
            break
        after = rows[-1]["row_number"]
    writer.close()
    return name


# --- export --------------------------------------------------------------------------------------


async def run_export(tenant: TenantInfo, job: dict[str, Any], token: uuid.UUID) -> None:
    """Write every matching row, page by page (keyset), to a file; offer it for download."""
    data_type, fmt = job["data_type"], job["format"]
    fields = list(job["fields"])
    kwargs = filter_kwargs(data_type, job["filters"] or {})
    flat = fmt in ("csv", "excel")
    columns = export_columns(data_type, fields, flat)
    metadata = None
    if job["options"].get("includeMetadata"):
        metadata = {
            "type": data_type,
            "exportedAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "filters": json.dumps(job["filters"] or {}),
            "fields": ",".join(fields),
            "jobId": str(job["id"]),
        }
    directory = files.job_dir(tenant.id, job["id"])
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"partial.{EXTENSIONS[fmt]}"
    writer = open_writer(fmt, partial, columns, metadata, root=data_type)
    exported, cursor, first = 0, None, True
    try:
        while first or cursor:
            first = False
            page = Page(
                page=1,
                limit=EXPORT_PAGE,
                cursor=parse_page(1, 1, cursor).cursor if cursor else None,
            )
            rows, total, cursor = await list_page(tenant.ref, data_type, page, kwargs)
            if data_type == "orders":
                emails = await customers.emails_by_id(tenant.ref, [r["customer_id"] for r in rows])
                rows = [{**r, "customer_email": emails.get(r["customer_id"])} for r in rows]
            for row in rows:
                record_ = (
                    flat_record(data_type, row, fields)
                    if flat
                    else nested_record(data_type, row, fields)
                )
                writer.write(record_)
            exported += len(rows)
            if await heartbeat(
                tenant.ref,
                job["id"],
                token,
                total_rows=max(total, exported),
                processed_rows=exported,
            ):
                writer.close()
                partial.unlink(missing_ok=True)
                await _finish(tenant, job, token, "cancelled", f"Cancelled after {exported} rows")
                return
            await asyncio.sleep(0)
    except BaseException:
        try:
            writer.close()
        finally:
            partial.unlink(missing_ok=True)
        raise
    writer.close()
    name = f"result.{EXTENSIONS[fmt]}"
    if job["options"].get("compress"):
        await heartbeat(tenant.ref, job["id"], token)  # a whole lease for zipping
        await asyncio.to_thread(
            zip_file, partial, directory / "result.zip", f"{data_type}.{EXTENSIONS[fmt]}"
        )
        partial.unlink()
        name = "result.zip"
    else:
        partial.rename(directory / name)
    size = (directory / name).stat().st_size
    await _finish(
        tenant,
        job,
        token,
        "completed",
        f"Exported {exported} rows",
        {"exported": exported},
        result_file=name,
        result_size=size,
        total_rows=exported,
        processed_rows=exported,
    )


# --- the sweeper -------------------------------------------------------------------------------


async def sweep(max_tenants: int = 200) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Jobs to send again (no live lease, not sent recently), and expired files removed."""
    rows = await fetch(
        "SELECT tenant_id FROM public.transfer_due WHERE due_at <= now() ORDER BY due_at LIMIT $1",
        max_tenants,
    )
    jobs: list[tuple[uuid.UUID, uuid.UUID]] = []
    for r in rows:
        try:
            tenant = await get_tenant(r["tenant_id"])
        except AppError:
            continue
        if tenant.status == "deleted":  # its schema is gone: so are its files
            await asyncio.to_thread(shutil.rmtree, files.root() / str(tenant.id), True)
            await execute("DELETE FROM public.transfer_due WHERE tenant_id = $1", tenant.id)
            continue
        jobs += await sweep_tenant(tenant)
    return jobs


async def sweep_tenant(tenant: TenantInfo) -> list[tuple[uuid.UUID, uuid.UUID]]:
    lease = timedelta(seconds=lease_seconds())
    async with tenant_scope(tenant.ref):
        await fetch("SELECT 1 FROM public.transfer_due WHERE tenant_id = $1 FOR UPDATE", tenant.id)
        # Cancelled while its worker was gone: nobody will reach the next batch to stop it.
        await execute(
            "UPDATE transfer_job SET status = 'cancelled', finished_at = now(),"
            " message = 'Cancelled after ' || processed_rows || ' rows; the rows before that are kept',"
            " files_expire_at = now() + $1::interval, lease_token = NULL, leased_until = NULL"
            " WHERE status = 'processing' AND cancel_requested"
            " AND (leased_until IS NULL OR leased_until < now())",
            timedelta(seconds=files.retention_seconds()),
        )
        stale = await fetch(
            "UPDATE transfer_job SET enqueued_at = now() WHERE id IN ("
            " SELECT id FROM transfer_job WHERE status IN ('queued', 'processing')"
            " AND (leased_until IS NULL OR leased_until < now())"
            " AND (enqueued_at IS NULL OR enqueued_at < now() - $1::interval)"
            " FOR UPDATE SKIP LOCKED) RETURNING id",
            lease,
        )
        expired = await fetch(
            "UPDATE transfer_job SET files_removed_at = now() WHERE files_removed_at IS NULL"
            " AND files_expire_at <= now() RETURNING id"
        )
        nxt = await fetch(
            "SELECT min(at) AS at FROM ("
            " SELECT greatest(coalesce(leased_until, now()), coalesce(enqueued_at, now()) + $1::interval) AS at"
            "  FROM transfer_job WHERE status IN ('queued', 'processing')"
            " UNION ALL SELECT files_expire_at FROM transfer_job"
            "  WHERE files_removed_at IS NULL AND files_expire_at IS NOT NULL) t",
            lease,
        )
        if nxt[0]["at"] is None:
            await execute("DELETE FROM public.transfer_due WHERE tenant_id = $1", tenant.id)
        else:
            await execute(
                "UPDATE public.transfer_due SET due_at = $2 WHERE tenant_id = $1",
                tenant.id,
                nxt[0]["at"],
            )
    for r in expired:
        await asyncio.to_thread(files.remove_job_files, tenant.id, r["id"])
    return [(tenant.id, r["id"]) for r in stale]
