"""Flow files: files uploaded to a flow (a file step reads them) and files a flow's file step
wrote (CSV, JSON or Excel), with signed download links valid 24 h.

Content lives under the data folder (`<data>/builder/<tenant id>/<file id>`, ids only: nothing
the client sends reaches a path); the `flow_file` row says what it is. Links reuse the
import/export signing (transfer.formats.files) with the grant's file set to "builder", so an
import/export link never opens a flow file nor the reverse. Writers and readers are the
import/export ones.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.core.errors import AuthenticationFailed, FieldError, NotFound, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.crm.records import Filters, page_of
from jewelia.tenants.transfer.formats import files as signing
from jewelia.tenants.transfer.formats.readers import SourceError, records
from jewelia.tenants.transfer.formats.writers import MEDIA_TYPES, open_writer

FORMATS = ("csv", "json", "xlsx")
KINDS = ("upload", "output")
READER_FORMAT = {"csv": "csv", "json": "json", "xlsx": "excel"}
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOADS_PER_FLOW = 50
WRITE_MAX_ROWS = 100_000
GRANT = "builder"
COLUMNS = "id, flow_id, kind, name, format, size, rows, run_id, step_path, created_at, expires_at"
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def retention() -> timedelta:
    """How long written files are kept (JEWELIA_FLOW_FILE_RETENTION_HOURS, default 7 days)."""
    return timedelta(hours=float(os.environ.get("JEWELIA_FLOW_FILE_RETENTION_HOURS", "168")))


def file_path(tenant_id: uuid.UUID, file_id: uuid.UUID) -> Path:
    return get_settings().data_dir / "builder" / str(uuid.UUID(str(tenant_id))) / str(file_id)


def incoming_dir() -> Path:
    """Where uploads wait while they are checked (moved to their file's place once kept)."""
    return get_settings().data_dir / "builder" / "incoming"


def clean_name(name: str) -> str | None:
    """A file name as stored (trimmed, no folders or control characters), or None if unusable."""
    name = name.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1].strip()
    if not name or len(name) > 255 or _BAD_NAME.search(name) or name in (".", ".."):
        return None
    return name


def download_url(tenant_id: uuid.UUID, file_id: uuid.UUID, until: datetime | None) -> str:
    """A signed link to the file, valid 24 h (never past the file's own expiry)."""
    expires = int(time.time()) + signing.LINK_SECONDS
    if until is not None:
        expires = min(expires, int(until.timestamp()))
    token = signing.sign(tenant_id, file_id, GRANT, expires)
    return f"{get_settings().base_url}/api/v1/integrations/builder/files/download/{token}"


def public(tenant_id: uuid.UUID, row: dict[str, Any]) -> dict[str, Any]:
    """A flow file in the API's shape, with a fresh download link."""
    return {
        "id": row["id"],
        "flow_id": row["flow_id"],
        "kind": row["kind"],
        "name": row["name"],
        "format": row["format"],
        "size": row["size"],
        "rows": row["rows"],
        "run_id": row["run_id"],
        "step_path": row["step_path"],
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
        "downloadUrl": download_url(tenant_id, row["id"], row["expires_at"]),
    }


# --- writing (the file step) ----------------------------------------------------------------


def write_rows(path: Path, fmt: str, rows: list[dict[str, Any]]) -> int:
    """Write rows with the import/export writers (columns: every key, in first-seen order); the
    file's size in bytes. Blocking: call it in a thread."""
    columns: dict[str, None] = {}
    for row in rows:
        for key in row:
            columns.setdefault(str(key), None)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    writer = open_writer("excel" if fmt == "xlsx" else fmt, partial, list(columns), None)
    try:
        for row in rows:
            writer.write({str(k): v for k, v in row.items()})
    finally:
        writer.close()
    partial.replace(path)
    return path.stat().st_size


async def record_output(
    tenant: TenantRef,
    file_id: uuid.UUID,
    *,
    flow_id: uuid.UUID,
    name: str,
    fmt: str,
    size: int,
    rows: int,
    run_id: uuid.UUID,
    step_path: str,
) -> dict[str, Any]:
    """Insert a written file's row (in the caller's transaction when there is one)."""
    async with tenant_scope(tenant):
        found = await fetch(
            "INSERT INTO flow_file (id, flow_id, kind, name, format, size, rows, run_id, step_path,"
            " expires_at) VALUES ($1, $2, 'output', $3, $4, $5, $6, $7, $8, now() + $9::interval)"
            " ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size, rows = EXCLUDED.rows"
            f" RETURNING {COLUMNS}",
            file_id,
            flow_id,
            name,
            fmt,
            size,
            rows,
            run_id,
            step_path[:400],
            retention(),
        )
        # Expired files of the flow go as it writes a new one (links already refuse them).
        expired = await fetch(
            "DELETE FROM flow_file WHERE flow_id = $1 AND kind = 'output' AND expires_at < now()"
            " RETURNING id",
            flow_id,
        )
    for row in expired:
        file_path(tenant.id, row["id"]).unlink(missing_ok=True)
    return found[0]


# --- reading (uploads) ------------------------------------------------------------------------


def read_rows(path: Path, fmt: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Up to `limit` rows' values and the file's whole row count (SourceError when it cannot be
    read). Blocking: call it in a thread."""
    rows: list[dict[str, Any]] = []
    count = 0
    for record in records(path, READER_FORMAT[fmt]):
        count += 1
        if count <= limit:
            rows.append(record.values)
    return rows, count


async def find_upload(tenant: TenantRef, flow_id: uuid.UUID, name: str) -> dict[str, Any] | None:
    """The file uploaded to the flow under this name (case-insensitive), or None."""
    async with tenant_scope(tenant):
        found = await fetch(
            f"SELECT {COLUMNS} FROM flow_file WHERE flow_id = $1 AND kind = 'upload'"
            " AND lower(name) = lower($2)",
            flow_id,
            name,
        )
    return found[0] if found else None


async def _own_flow(flow_id: uuid.UUID) -> None:
    if not await fetch("SELECT 1 FROM flow WHERE id = $1 AND deleted_at IS NULL", flow_id):
        raise NotFound("Flow not found")


async def upload(
    tenant: TenantRef, flow_id: uuid.UUID, name: str, fmt: str | None, source: Path
) -> dict[str, Any]:
    """Keep an uploaded file (moved from `source`) for the flow, replacing one of the same name;
    refused with VALIDATION_ERROR when its name, format or content is not usable."""
    try:
        clean = clean_name(name)
        if clean is None:
            raise ValidationFailed([FieldError("file", "The file needs a usable name", "INVALID")])
        fmt = (fmt or clean.rsplit(".", 1)[-1]).lower()
        if fmt not in FORMATS:
            raise ValidationFailed(
                [FieldError("format", f"format must be one of {', '.join(FORMATS)}", "INVALID")]
            )
        size = source.stat().st_size  # noqa: ASYNC240 - local disk, one call
        if size > UPLOAD_MAX_BYTES:
            raise signing.TooLarge(f"A flow file may be at most {UPLOAD_MAX_BYTES >> 20} MB")
        try:
            _, count = await asyncio.to_thread(read_rows, source, fmt, 0)
        except SourceError as exc:
            raise ValidationFailed([FieldError("file", str(exc), "UNREADABLE_FILE")]) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                [FieldError("file", f"This is not a readable {fmt} file", "UNREADABLE_FILE")]
            ) from exc
        async with tenant_scope(tenant):
            await _own_flow(flow_id)
            old = await fetch(
                "SELECT id FROM flow_file WHERE flow_id = $1 AND kind = 'upload'"
                " AND lower(name) = lower($2) FOR UPDATE",
                flow_id,
                clean,
            )
            if not old:
                total = await fetch(
                    "SELECT count(*) AS n FROM flow_file WHERE flow_id = $1 AND kind = 'upload'",
                    flow_id,
                )
                if total[0]["n"] >= UPLOADS_PER_FLOW:
                    raise ValidationFailed(
                        [
                            FieldError(
                                "file",
                                f"A flow keeps at most {UPLOADS_PER_FLOW} uploaded files",
                                "TOO_MANY",
                            )
                        ]
                    )
            file_id = old[0]["id"] if old else uuid.uuid4()
            row = await fetch(
                "INSERT INTO flow_file (id, flow_id, kind, name, format, size, rows)"
                " VALUES ($1, $2, 'upload', $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET"
                " name = EXCLUDED.name, format = EXCLUDED.format, size = EXCLUDED.size,"
                f" rows = EXCLUDED.rows, created_at = now() RETURNING {COLUMNS}",
                file_id,
                flow_id,
                clean,
                fmt,
                size,
                count,
            )
            target = file_path(tenant.id, file_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Moved before the commit: a failed commit leaves a harmless file behind.
            source.replace(target)  # noqa: ASYNC240 - local disk, one call
        return public(tenant.id, row[0])
    finally:
        source.unlink(missing_ok=True)  # noqa: ASYNC240 - local disk, one call


async def list_files(
    tenant: TenantRef, flow_id: uuid.UUID, page: Page, kind: str | None = None
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of a flow's files (uploads and written files, or one kind), newest first."""
    filters = Filters(
        clauses=["flow_id = $1", "(expires_at IS NULL OR expires_at > now())"], args=[flow_id]
    )
    if kind is not None:
        if kind not in KINDS:
            raise ValidationFailed(
                [FieldError("kind", f"kind must be one of {', '.join(KINDS)}", "INVALID")]
            )
        filters.add("kind = {}", kind)
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        rows, total, cursor = await page_of(
            "flow_file", COLUMNS, filters, "created_at DESC, id DESC", page, True
        )
    return [public(tenant.id, r) for r in rows], total, cursor


async def delete_file(tenant: TenantRef, flow_id: uuid.UUID, file_id: uuid.UUID) -> None:
    """Delete one of the flow's files (its content too), or NotFound."""
    async with tenant_scope(tenant):
        await _own_flow(flow_id)
        gone = await fetch(
            "DELETE FROM flow_file WHERE id = $1 AND flow_id = $2 RETURNING id", file_id, flow_id
        )
    if not gone:
        raise NotFound("File not found")
    file_path(tenant.id, file_id).unlink(missing_ok=True)


async def resolve_download(token: str) -> tuple[Path, str, str]:
    """(path, file name, media type) for a signed link, or AuthenticationFailed / NotFound."""
    grant = signing.verify(token)
    if grant.file != GRANT:
        raise AuthenticationFailed("Invalid download link")
    tenant = await live_tenant(grant.tenant_id)
    if tenant is None:
        raise NotFound("This file is no longer available")
    async with tenant_scope(tenant.ref):
        rows = await fetch(f"SELECT {COLUMNS} FROM flow_file WHERE id = $1", grant.job_id)
    path = file_path(tenant.id, grant.job_id)
    expired = (
        rows and rows[0]["expires_at"] is not None and rows[0]["expires_at"] < datetime.now(UTC)
    )
    if not rows or expired or not path.exists():
        raise NotFound("This file is no longer available")
    fmt = rows[0]["format"]
    return path, rows[0]["name"], MEDIA_TYPES["excel" if fmt == "xlsx" else fmt]
