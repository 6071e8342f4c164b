"""REST controller for a flow's files: upload a CSV, JSON or Excel file that the flow's file
steps read (multipart, at most 10 MB), list the flow's uploaded and written files (each with a
fresh signed link), delete one; and the signed download route (no API key: the link is the
credential, as for import/export files)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import File

from jewelia.core.api import Pagination, attachment, ok, ok_list, parse_page
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import files
from jewelia.tenants.transfer.api import PublicOperation
from jewelia.tenants.transfer.formats.files import TooLarge

CHUNK = 1 << 16
# Uploads are binary (XLSX): the body-limit middleware passes this route through unbuffered,
# up to this ceiling (`*` is the flow's id); Litestar then parses it within the same bound.
UPLOAD_PATH = "/api/v1/integrations/builder/*/files"
UPLOAD_BODY = files.UPLOAD_MAX_BYTES + (256 << 10)


@dataclass
class FlowFileUpload:
    """`file` (CSV, JSON or XLSX); `name` replaces the file's own name; `format` is taken from
    the name's extension unless given."""

    file: UploadFile
    name: str | None = None
    format: str | None = None


class FlowFile(msgspec.Struct):
    """A file of a flow: `upload` (for its file steps to read) or `output` (a step wrote it)."""

    id: UUID
    flow_id: UUID
    kind: str
    name: str
    format: str
    size: int
    rows: int | None
    run_id: UUID | None
    step_path: str | None
    created_at: datetime
    expires_at: datetime | None
    downloadUrl: str


class FlowFileEnvelope(msgspec.Struct):
    success: bool
    data: FlowFile


class FlowFileList(msgspec.Struct):
    success: bool
    data: list[FlowFile]
    pagination: Pagination


class DeletedFlowFile(msgspec.Struct):
    id: UUID
    deleted: bool


class DeletedFlowFileEnvelope(msgspec.Struct):
    success: bool
    data: DeletedFlowFile


async def _spool(upload: UploadFile) -> Path:
    """The upload copied to a temporary file under the data folder, refused over the cap."""
    folder = files.incoming_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, delete=False)
    size = 0
    try:
        with handle:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > files.UPLOAD_MAX_BYTES:
                    raise TooLarge(f"A flow file may be at most {files.UPLOAD_MAX_BYTES >> 20} MB")
                handle.write(chunk)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)  # noqa: ASYNC240 - local disk, one call
        raise
    return Path(handle.name)


class FlowFileController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @post(
        "/{flow_id:uuid}/files",
        operation_id="uploadFlowFile",
        summary="Upload a CSV, JSON or XLSX file for the flow's file steps to read (max 10 MB;"
        " a file of the same name is replaced)",
        status_code=201,
        request_max_body_size=UPLOAD_BODY,
    )
    async def upload(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        data: Annotated[FlowFileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[FlowFileEnvelope]:
        source = await _spool(data.file)
        stored = await files.upload(
            auth.tenant.ref, flow_id, data.name or data.file.filename or "", data.format, source
        )
        return ok(stored, status_code=201)

    @get(
        "/{flow_id:uuid}/files",
        operation_id="listFlowFiles",
        summary="List a flow's files (uploaded and written), newest first, with signed links",
    )
    async def list_files(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        page: Annotated[int | None, Parameter(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Parameter(ge=1, le=100)] = None,
        cursor: Annotated[str | None, Parameter(max_length=200)] = None,
        kind: Annotated[
            str | None, Parameter(max_length=10, description="upload or output")
        ] = None,
    ) -> Response[FlowFileList]:
        paging = parse_page(page, limit, cursor)
        rows, total, next_cursor = await files.list_files(auth.tenant.ref, flow_id, paging, kind)
        return ok_list(rows, paging, total, next_cursor)

    @delete(
        "/{flow_id:uuid}/files/{file_id:uuid}",
        operation_id="deleteFlowFile",
        summary="Delete one of a flow's files",
        status_code=200,
    )
    async def delete_file(
        self, auth: ApiAuth, flow_id: UUID, file_id: UUID
    ) -> Response[DeletedFlowFileEnvelope]:
        await files.delete_file(auth.tenant.ref, flow_id, file_id)
        return ok({"id": file_id, "deleted": True})


class FlowFileDownloadController(Controller):
    """Signed, expiring links to flow files: no API key; the token binds tenant and file."""

    path = "/integrations/builder/files/download"
    tags = ["Integration builder"]

    @get(
        "/{token:str}",
        operation_id="downloadFlowFile",
        summary="Download a flow's file by its signed link (valid 24 h)",
        media_type="application/octet-stream",
        operation_class=PublicOperation,
    )
    async def download(self, token: Annotated[str, Parameter(max_length=1000)]) -> File:
        return attachment(*await files.resolve_download(token))
