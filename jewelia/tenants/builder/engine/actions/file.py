"""`file`: write rows to a CSV, JSON or Excel file of the business, or read a file uploaded to
the flow.

Input: {operation, format, name, rows?}; `name` is a `{{ }}` template, `rows` (write) a JSONata
expression giving a list of objects (one object is one row), evaluated when the step performs.

- write: the file is written with the import/export writers and its `flow_file` row inserted
  inside the step's own transaction (like a database step), so the file is recorded exactly
  once, with the step's result. Its id derives from the step's idempotency key: a re-run after
  a crash rewrites the same file. Output {fileId, name, format, rows, bytes, downloadUrl}
  (a signed link valid 24 h; listFlowFiles gives fresh ones).
- read: the file uploaded to the flow under that name (uploadFlowFile), parsed with the
  import/export readers; output {fileId, name, format, rows (at most READ_MAX_ROWS), count,
  truncated}.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from jewelia.tenants.builder import files
from jewelia.tenants.builder.engine.base import StepContext, StepError, plain
from jewelia.tenants.builder.engine.render import evaluate, in_thread, render_template
from jewelia.tenants.transfer.formats.readers import SourceError

READ_MAX_ROWS = 10_000
PREVIEW_ROWS = 5
_NAMESPACE = uuid.UUID("6c1f9a8e-3d0b-4a57-9a53-2f1f6c2b7e41")


def side_effect(request: dict[str, Any]) -> bool:
    return request.get("operation") == "write"


def in_transaction(request: dict[str, Any]) -> bool:
    return request.get("operation") == "write"


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    operation, fmt = config.get("operation"), config.get("format")
    if operation not in ("write", "read"):
        raise StepError("operation must be write or read", "invalid_config")
    if fmt not in files.FORMATS:
        raise StepError(f"format must be one of {', '.join(files.FORMATS)}", "invalid_config")
    name = files.clean_name(render_template(str(config.get("name") or ""), context))
    if name is None:
        raise StepError("The file name is empty or not usable", "invalid_config")
    request: dict[str, Any] = {"operation": operation, "format": fmt, "name": name}
    if operation == "write":
        rows = config.get("rows")
        if not isinstance(rows, str) or not rows.strip():
            raise StepError("write needs rows (an expression)", "invalid_config")
        request["rows"] = rows
    return request


async def _rows(step: StepContext, expression: str) -> list[dict[str, Any]]:
    value = await in_thread(evaluate, expression, step.expression_context)
    rows = [] if value is None else value if isinstance(value, list) else [value]
    if any(not isinstance(r, dict) for r in rows):
        raise StepError("rows must give a list of objects (one per row)", "invalid_rows")
    if len(rows) > files.WRITE_MAX_ROWS:
        raise StepError(f"At most {files.WRITE_MAX_ROWS:,} rows per file", "too_many_rows")
    return plain(rows)  # type: ignore[no-any-return]


async def execute(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    if request["operation"] == "read":
        return await _read(step, request)
    rows = await _rows(step, request["rows"])
    file_id = uuid.uuid5(_NAMESPACE, f"{step.tenant.id}:{step.idempotency_key}")
    path = files.file_path(step.tenant.id, file_id)
    size = await asyncio.to_thread(files.write_rows, path, request["format"], rows)
    row = await files.record_output(  # joins the step's transaction (see the module doc)
        step.tenant,
        file_id,
        flow_id=step.flow_id,
        name=request["name"],
        fmt=request["format"],
        size=size,
        rows=len(rows),
        run_id=step.run_id,
        step_path=step.step_path,
    )
    return {
        "fileId": str(file_id),
        "name": request["name"],
        "format": request["format"],
        "rows": len(rows),
        "bytes": size,
        "downloadUrl": files.download_url(step.tenant.id, file_id, row["expires_at"]),
    }


async def _read(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    found = await files.find_upload(step.tenant, step.flow_id, request["name"])
    if found is None:
        raise StepError(f"No file named {request['name']!r} was uploaded to this flow", "not_found")
    path = files.file_path(step.tenant.id, found["id"])
    try:
        rows, count = await asyncio.to_thread(
            files.read_rows, path, request["format"], READ_MAX_ROWS
        )
    except FileNotFoundError as exc:
        raise StepError("The uploaded file's content is missing", "not_found") from exc
    except (SourceError, ValueError, UnicodeDecodeError) as exc:
        raise StepError(
            f"Cannot read {request['name']} as {request['format']}: {exc}"[:500], "invalid_file"
        ) from exc
    return {
        "fileId": str(found["id"]),
        "name": found["name"],
        "format": request["format"],
        "rows": plain(rows),
        "count": count,
        "truncated": count > len(rows),
    }


async def simulate(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    """What a write would produce (rows evaluated, nothing written); a read reads for real."""
    if request["operation"] == "read":
        return await _read(step, request)
    rows = await _rows(step, request["rows"])
    columns: dict[str, None] = {}
    for row in rows:
        for key in row:
            columns.setdefault(str(key), None)
    return {
        "simulated": True,
        "wouldWrite": {
            "name": request["name"],
            "format": request["format"],
            "rows": len(rows),
            "columns": list(columns),
            "preview": rows[:PREVIEW_ROWS],
        },
    }
