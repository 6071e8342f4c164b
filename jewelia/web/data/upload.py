"""The import page's file upload: streamed to disk, limited to the plan's size, CSRF-checked.

The CSRF middleware (web.csrf) would read a multipart body whole before the handler runs, so the
upload route is excluded from it and checks the token itself, before a single byte of the file
is written: from the `x-csrftoken` header (htmx) or from the `_csrf_token` field, which the
form places before the file (browsers send fields in document order). The body is refused as
soon as it passes the plan's import limit, as the API does.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar import Request

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.tenants.transfer.formats import files
from jewelia.web.csrf import check_token

FIELD_BYTES = 4096  # one text field of the upload form
OVERHEAD = 64 << 10  # multipart framing and the small fields
EXTENSIONS = {
    "csv": "csv",
    "txt": "csv",
    "tsv": "csv",
    "json": "json",
    "xml": "xml",
    "xlsx": "excel",
    "xlsm": "excel",
}


@dataclass
class Upload:
    """What arrived: the small fields, and the file (already on disk) with its name and size."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    file_name: str = ""
    size: int = 0

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def format_of(file_name: str, chosen: str) -> str | None:
    """The format the user chose, else the one the file's extension names (None if unknown)."""
    if chosen and chosen != "auto":
        return chosen
    return EXTENSIONS.get(file_name.rsplit(".", 1)[-1].lower()) if "." in file_name else None


def check_csrf(request: Request[Any, Any, Any], given: str | None) -> None:
    """The token sent (header or field) must be this session's, as the middleware checks."""
    check_token(request, given)


async def _limited(request: Request[Any, Any, Any], limit: int) -> AsyncIterator[bytes]:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + OVERHEAD:
        raise files.TooLarge(files.size_message(limit))
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit + OVERHEAD:
            raise files.TooLarge(files.size_message(limit))
        yield chunk


async def receive(request: Request[Any, Any, Any], tenant_id: uuid.UUID, limit: int) -> Upload:
    """Parse the multipart body: small fields to memory, the `file` part to an incoming file."""
    import multipart

    content_type = request.headers.get("content-type", "")
    _, params = multipart.parse_options_header(content_type)
    boundary = params.get("boundary")
    if not content_type.lower().startswith("multipart/form-data") or not boundary:
        check_csrf(request, None)
        raise ValidationFailed([FieldError("file", "Choose a file to upload", "REQUIRED")])
    upload = Upload()
    incoming = files.root() / str(tenant_id) / "incoming" / uuid.uuid4().hex
    current: str | None = None
    buffer = bytearray()
    out = None
    try:
        with multipart.PushMultipartParser(boundary, max_segment_count=10) as parser:
            async for chunk in _limited(request, limit):
                for event in parser.parse(chunk):
                    if isinstance(event, multipart.MultipartSegment):
                        current, buffer = event.name, bytearray()
                        if current == "file" and event.filename is not None and out is None:
                            check_csrf(request, upload.fields.get("_csrf_token"))
                            incoming.parent.mkdir(parents=True, exist_ok=True)
                            out = incoming.open("wb")
                            upload.path, upload.file_name = incoming, event.filename
                        elif current == "file" or current in upload.fields:
                            current = None  # a second file or a repeated field is ignored
                    elif event is None:
                        if current == "file" and out is not None:
                            out.close()
                        elif current is not None:
                            upload.fields[current] = buffer.decode("utf-8", "replace").strip()
                        current = None
                    elif current == "file" and out is not None and not out.closed:
                        upload.size += len(event)
                        if upload.size > limit:
                            raise files.TooLarge(files.size_message(limit))
                        out.write(event)
                    elif current is not None:
                        buffer += event
                        if len(buffer) > FIELD_BYTES:
                            raise ValidationFailed(
                                [FieldError(current, "This field is too long", "TOO_LONG")]
                            )
            for _ in parser.parse(b""):
                pass
    except multipart.ParserError as exc:
        upload.discard()
        raise ValidationFailed(
            [FieldError("file", f"The upload was cut short or malformed: {exc}", "MALFORMED")]
        ) from exc
    except BaseException:
        upload.discard()
        raise
    finally:
        if out is not None and not out.closed:
            out.close()
    if upload.path is None:
        check_csrf(request, upload.fields.get("_csrf_token"))
    return upload
