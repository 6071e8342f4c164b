"""REST controller for /api/v1/import-export: start, watch, list and cancel jobs; downloads.

Imports arrive as JSON (the file base64-encoded in `data`) or as multipart/form-data with a
`file` part. Either way the body is read as a stream and refused (413) as soon as it passes
the plan's import size, or at once when Content-Length already says so; uploads go straight to
disk. Export and cancel need only the `read` / `write` permission they name: the guard asks for
`read` on this POST and the handler for `write` when the action changes data.
"""

from __future__ import annotations

import base64
import binascii
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import OpenAPIMediaType as MediaTypeSpec
from litestar.openapi.spec import Operation, RequestBody
from litestar.params import Parameter
from litestar.response import File

from jewelia.core import json_depth
from jewelia.core.api import attachment, ok, ok_list, parse_page
from jewelia.core.errors import AppError, FieldError, PermissionDenied, ValidationFailed
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.crm.customers.api import LimitQ, PageQ
from jewelia.tenants.transfer import service
from jewelia.tenants.transfer.formats import files
from jewelia.tenants.transfer.importer import Options
from jewelia.tenants.transfer.schemas import (
    ExportRequest,
    ImportOptions,
    ImportRequest,
    JobEnvelope,
    JobList,
    JobStartedEnvelope,
    MappingRule,
    PreviewEnvelope,
    RowErrorList,
    RunAgain,
)

SMALL_BODY = 1 << 20  # export and cancel bodies
FIELD_BYTES = 64 << 10  # one text field of a multipart import
JSON_OVERHEAD = 64 << 10
JSON_DATA_LIMIT = 10 << 20


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A msgspec JSON schema with its $defs inlined (OpenAPI has no $defs of its own here)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.rsplit("/", 1)[1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def _import_schema() -> dict[str, Any]:
    schema = _inline(msgspec.json.schema(ImportRequest))
    schema["properties"]["data"].update(contentEncoding="base64", minLength=1)
    return schema


@dataclass
class ImportExportOperation(Operation):
    """Documents the body this handler reads itself: JSON import/export, or a multipart upload."""

    def __post_init__(self) -> None:
        multipart = {
            "type": "object",
            "required": ["type", "format", "file"],
            "properties": {
                "type": {"type": "string", "enum": ["customers", "inventory", "orders"]},
                "format": {"type": "string", "enum": ["csv", "json", "xml", "excel"]},
                "file": {"type": "string", "format": "binary"},
                "options": {"type": "string", "description": "ImportOptions as JSON text"},
                "mapping": {"type": "string", "description": "The mapping as JSON text"},
            },
        }
        self.request_body = RequestBody(
            required=False,
            description=(
                "action=import: ImportRequest (JSON, file base64 in `data`) or multipart/form-data"
                " with a `file`; action=export: ExportRequest; action=cancel: no body (jobId)."
            ),
            content={
                "application/json": MediaTypeSpec(
                    schema={
                        "oneOf": [_import_schema(), _inline(msgspec.json.schema(ExportRequest))]
                    }  # type: ignore[arg-type]
                ),
                "multipart/form-data": MediaTypeSpec(schema=multipart),  # type: ignore[arg-type]
            },
        )


def _msgspec_errors(exc: msgspec.ValidationError | msgspec.DecodeError) -> AppError:
    """Wrong shapes and types are 400 VALIDATION_ERROR, as for every other API body."""
    text = str(exc)
    path = text.rsplit(" - at `$", 1)
    field = path[1].rstrip("`").lstrip(".") if len(path) == 2 else "body"
    code = "MALFORMED_JSON" if isinstance(exc, msgspec.DecodeError) else "INVALID"
    if "unknown field" in text:
        code = "UNKNOWN_FIELD"
    elif "missing required field" in text:
        code = "REQUIRED"
    elif "Expected `" in text or "Invalid enum value" in text:
        code = "INVALID_TYPE" if "Expected `" in text else "INVALID_CHOICE"
    return AppError("Validation error", [FieldError(field or "body", text, code)])


async def _limited(
    request: Request[Any, Any, Any], limit: int, plan_limit: int | None = None
) -> AsyncIterator[bytes]:
    """The body's chunks, refused (413) once more than `limit` bytes arrived."""
    message = files.size_message(plan_limit) if plan_limit else "Request body too large"
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise files.TooLarge(message)
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise files.TooLarge(message)
        yield chunk


async def _read_all(
    request: Request[Any, Any, Any], limit: int, plan_limit: int | None = None
) -> bytes:
    return b"".join([c async for c in _limited(request, limit, plan_limit)])


def _refuse_deep(body: bytes) -> None:
    """This route streams its body past the edge's depth check: check it before decoding."""
    if json_depth.too_deep(body):
        raise AppError(
            "Validation error", [FieldError("body", json_depth.depth_message(), "TOO_DEEP")]
        )


def _options(given: ImportOptions | None) -> Options:
    o = given or ImportOptions()
    return Options(o.updateExisting, o.skipDuplicates, o.validateData, o.dryRun)


def _mapping(given: dict[str, str | MappingRule] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    return {k: v if isinstance(v, str) else msgspec.to_builtins(v) for k, v in given.items()}


async def _json_import(
    auth: ApiAuth, request: Request[Any, Any, Any], limit: int
) -> dict[str, Any]:
    # A JSON body is held in memory and base64-decoded: bounded well below the plan's upload
    # limit; bigger files go as multipart, which streams to disk.
    cap = min(limit, JSON_DATA_LIMIT)
    try:
        body = await _read_all(request, cap * 4 // 3 + JSON_OVERHEAD, cap)
    except files.TooLarge as exc:
        raise files.TooLarge(
            f"{exc.message}; as base64 in JSON at most {JSON_DATA_LIMIT >> 20} MB:"
            " send bigger files as multipart/form-data (a `file` part)"
        ) from exc
    _refuse_deep(body)
    try:
        req = msgspec.json.decode(body, type=ImportRequest)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise _msgspec_errors(exc) from exc
    try:
        raw = base64.b64decode(req.data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            [FieldError("data", "data must be base64", "INVALID_BASE64")]
        ) from exc
    if not raw:
        raise ValidationFailed([FieldError("data", "The file is empty", "REQUIRED")])

    async def save(target: Path, plan_limit: int) -> int:
        return files.save_bytes(raw, target, plan_limit)

    return await service.start_import(
        auth.tenant,
        auth.actor,
        data_type=req.type,
        fmt=req.format,
        save=save,
        options=_options(req.options),
        mapping=_mapping(req.mapping),
        file_name=req.fileName,
    )


async def _multipart_import(
    auth: ApiAuth, request: Request[Any, Any, Any], limit: int, boundary: str
) -> dict[str, Any]:
    """Stream a multipart upload: the file part goes to disk, small text parts to memory."""
    import multipart

    incoming = files.root() / str(auth.tenant.id) / "incoming" / uuid.uuid4().hex
    incoming.parent.mkdir(parents=True, exist_ok=True)
    fields: dict[str, bytearray] = {}
    file_name: str | None = None
    file_size = 0
    current: str | None = None
    out = None
    try:
        with multipart.PushMultipartParser(boundary, max_segment_count=20) as parser:
            async for chunk in _limited(request, limit + JSON_OVERHEAD * 4, limit):
                for event in parser.parse(chunk):
                    if isinstance(event, multipart.MultipartSegment):
                        current = event.name
                        if current == "file" and event.filename is not None and out is None:
                            file_name = event.filename
                            out = incoming.open("wb")
                        elif current in fields or current == "file":
                            current = None  # repeats are ignored
                        else:
                            fields[current] = bytearray()
                    elif event is None:
                        if current == "file" and out is not None:
                            out.close()
                        current = None
                    elif current == "file" and out is not None and not out.closed:
                        file_size += len(event)
                        if file_size > limit:
                            raise files.TooLarge(files.size_message(limit))
                        out.write(event)
                    elif current is not None:
                        fields[current] += event
                        if len(fields[current]) > FIELD_BYTES:
                            raise ValidationFailed(
                                [FieldError(current, "This field is too long", "TOO_LONG")]
                            )
            for _ in parser.parse(b""):
                pass
    except multipart.ParserError as exc:
        incoming.unlink(missing_ok=True)
        raise ValidationFailed(
            [FieldError("body", f"Malformed multipart body: {exc}", "MALFORMED_BODY")]
        ) from exc
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    finally:
        if out is not None and not out.closed:
            out.close()
    try:
        text = {k: v.decode("utf-8") for k, v in fields.items()}
    except UnicodeDecodeError as exc:
        incoming.unlink(missing_ok=True)
        raise ValidationFailed(
            [FieldError("body", "Form fields must be UTF-8", "INVALID")]
        ) from exc
    try:
        req = _form_request(text, file_size if out is not None else None)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise

    async def save(target: Path, plan_limit: int) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, target)
        return file_size

    try:
        return await service.start_import(
            auth.tenant,
            auth.actor,
            data_type=req.type,
            fmt=req.format,
            save=save,
            options=_options(req.options),
            mapping=_mapping(req.mapping),
            file_name=file_name,
        )
    finally:
        incoming.unlink(missing_ok=True)


class _FormImport(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["customers", "inventory", "orders"]
    format: Literal["csv", "json", "xml", "excel"]
    options: ImportOptions | None = None
    mapping: dict[str, str | MappingRule] | None = None


def _form_request(text: dict[str, str], file_size: int | None) -> _FormImport:
    if not file_size:
        raise ValidationFailed([FieldError("file", "Send the file in a `file` part", "REQUIRED")])
    values: dict[str, Any] = {}
    flags = {}
    for key, value in text.items():
        if key in ("options", "mapping"):
            try:
                values[key] = json_depth.loads(value) if value.strip() else None
            except ValueError as exc:  # also too deep
                raise ValidationFailed(
                    [FieldError(key, f"{key} must be JSON", "MALFORMED_JSON")]
                ) from exc
        elif key in ImportOptions.__struct_fields__:
            flags[key] = value.strip().lower() in ("1", "true", "yes", "on")
        else:
            values[key] = value
    if flags:
        values["options"] = {**(values.get("options") or {}), **flags}
    try:
        return msgspec.convert(values, _FormImport)
    except msgspec.ValidationError as exc:
        raise _msgspec_errors(exc) from exc


class ImportExportController(Controller):
    path = "/import-export"
    tags = ["Import/Export"]

    @post(
        operation_id="startImportExport",
        summary="Start an import or export job, or cancel one (action=import|export|cancel)",
        status_code=202,
        opt={"permission": "read"},
        operation_class=ImportExportOperation,
        # Uploads are capped by plan (and at 300 MB) by the body-limit middleware, which
        # streams this route; Litestar's own 10 MB default would refuse paid plans' files.
        request_max_body_size=None,
    )
    async def start(
        self,
        auth: ApiAuth,
        request: Request[Any, Any, Any],
        action: Annotated[
            Literal["import", "export", "cancel"],
            Parameter(description="import (write), export (read) or cancel (write)"),
        ],
        job_id: Annotated[
            uuid.UUID | None, Parameter(query="jobId", description="The job to cancel")
        ] = None,
    ) -> Response[JobStartedEnvelope]:
        if action in ("import", "cancel") and "write" not in auth.permissions:
            raise PermissionDenied("This credential lacks the 'write' permission")
        if action == "cancel":
            if job_id is None:
                raise ValidationFailed([FieldError("jobId", "jobId is required", "REQUIRED")])
            job = await service.cancel_job(auth.tenant, auth.actor, job_id)
            return ok(
                {"jobId": job["id"], "status": job["status"], "message": job["message"]},
                status_code=202,
            )
        if action == "export":
            body = await _read_all(request, SMALL_BODY)
            _refuse_deep(body)
            try:
                req = msgspec.json.decode(body, type=ExportRequest)
            except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                raise _msgspec_errors(exc) from exc
            opts = req.options
            started = await service.start_export(
                auth.tenant,
                auth.actor,
                data_type=req.type,
                fmt=req.format,
                filters=dict(req.filters or {}),
                fields=req.fields,
                include_metadata=bool(opts and opts.includeMetadata),
                compress=bool(opts and opts.compress),
            )
            return ok(started, status_code=202)
        limit, _ = await service.import_limits(auth.tenant.plan)
        content_type = request.headers.get("content-type", "")
        if content_type.lower().startswith("multipart/form-data"):
            import multipart

            _, params = multipart.parse_options_header(content_type)
            boundary = params.get("boundary")
            if not boundary or len(boundary) > 200:
                raise ValidationFailed(
                    [FieldError("body", "Missing multipart boundary", "MALFORMED_BODY")]
                )
            started = await _multipart_import(auth, request, limit, boundary)
        else:
            started = await _json_import(auth, request, limit)
        return ok(started, status_code=202)

    @get(operation_id="getImportExport", summary="A job's status (jobId), or the jobs list")
    async def jobs(
        self,
        auth: ApiAuth,
        job_id: Annotated[uuid.UUID | None, Parameter(query="jobId")] = None,
        page: PageQ = None,
        limit: LimitQ = None,
        kind: Annotated[
            Literal["import", "export"] | None,
            Parameter(query="type", description="import or export"),
        ] = None,
        status: Annotated[
            Literal["queued", "processing", "completed", "failed", "cancelled"] | None, Parameter()
        ] = None,
    ) -> Response[JobEnvelope | JobList]:
        if job_id is not None:
            return ok(await service.get_job(auth.tenant.ref, job_id))
        paging = parse_page(page, limit, None)
        rows, total = await service.list_jobs(auth.tenant.ref, paging, kind, status)
        return ok_list(rows, paging, total)

    @post(
        "/{job_id:uuid}/cancel",
        operation_id="cancelImportExport",
        summary="Cancel a job (a running import stops after its current batch)",
        status_code=200,
    )
    async def cancel(self, auth: ApiAuth, job_id: uuid.UUID) -> Response[JobEnvelope]:
        return ok(await service.cancel_job(auth.tenant, auth.actor, job_id))

    @post(
        "/{job_id:uuid}/run",
        operation_id="rerunImport",
        summary="Run an import's file again (after a dry run, or with another mapping)",
        status_code=202,
    )
    async def run_again(
        self, auth: ApiAuth, job_id: uuid.UUID, data: RunAgain
    ) -> Response[JobStartedEnvelope]:
        started = await service.start_import_from(
            auth.tenant, auth.actor, job_id, _options(data.options), _mapping(data.mapping)
        )
        return ok(started, status_code=202)

    @get("/{job_id:uuid}/errors", operation_id="listImportErrors", summary="Rows an import refused")
    async def errors(
        self, auth: ApiAuth, job_id: uuid.UUID, page: PageQ = None, limit: LimitQ = None
    ) -> Response[RowErrorList]:
        paging = parse_page(page, limit, None)
        rows, total = await service.row_errors(auth.tenant.ref, job_id, paging)
        return ok_list(rows, paging, total)

    @get(
        "/{job_id:uuid}/preview",
        operation_id="previewImport",
        summary="An import file's first rows, detected encoding/delimiter, suggested mapping",
    )
    async def preview(
        self,
        auth: ApiAuth,
        job_id: uuid.UUID,
        rows: Annotated[int | None, Parameter(ge=1, le=50)] = None,
    ) -> Response[PreviewEnvelope]:
        return ok(await service.preview_job(auth.tenant.ref, job_id, rows or 10))


@dataclass
class PublicOperation(Operation):
    """An operation that needs no credential (the signed link is the credential)."""

    def __post_init__(self) -> None:
        self.security = []


class DownloadController(Controller):
    """Signed, expiring links: no API key (a browser can follow them); the token binds the tenant."""

    path = "/import-export/download"
    tags = ["Import/Export"]

    @get(
        "/{token:str}",
        operation_id="downloadImportExportFile",
        summary="Download an export or an error report by its signed link",
        media_type="application/octet-stream",
        operation_class=PublicOperation,
    )
    async def download(self, token: Annotated[str, Parameter(max_length=1000)]) -> File:
        return attachment(*await service.resolve_download(token))
