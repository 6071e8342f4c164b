"""Import/export request and response structs (the contract's field names: jobId, status,
message, progress, result, downloadUrl …)."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination

DataType = Literal["customers", "inventory", "orders"]
Format = Literal["csv", "json", "xml", "excel"]


class ImportOptions(msgspec.Struct, forbid_unknown_fields=True):
    """updateExisting: existing records (same email / SKU / order reference) are updated, else
    skipped. skipDuplicates: a repeated key within the file is skipped instead of reported.
    validateData: when false, optional fields that fail their rule are left out instead of
    failing the row. dryRun: everything is checked and counted, nothing is written."""

    updateExisting: bool = True
    skipDuplicates: bool = False
    validateData: bool = True
    dryRun: bool = False


class MappingRule(msgspec.Struct, forbid_unknown_fields=True):
    """A field and transforms applied in order: trim, lower, upper, split[:sep],
    date:<strftime format>, number, number_comma, number_dot."""

    field: str
    transforms: list[str] = msgspec.field(default_factory=list)


class ImportRequest(msgspec.Struct, forbid_unknown_fields=True):
    """`data` is the file, base64-encoded (or send multipart/form-data with a `file` part)."""

    type: DataType
    format: Format
    data: str
    options: ImportOptions | None = None
    mapping: dict[str, str | MappingRule] | None = None
    fileName: str | None = None


class RunAgain(msgspec.Struct, forbid_unknown_fields=True):
    """Run an earlier import's file again, e.g. for real after a dry run, or with a new mapping
    (the earlier job's mapping when none is given)."""

    options: ImportOptions | None = None
    mapping: dict[str, str | MappingRule] | None = None


class ExportOptions(msgspec.Struct, forbid_unknown_fields=True):
    """includeMetadata: id and timestamps on every record, and the export's own details (JSON
    envelope, XML attributes, an Excel sheet). compress: a zip archive of the file."""

    includeMetadata: bool = False
    compress: bool = False


FilterValue = str | int | float | None


class ExportRequest(msgspec.Struct, forbid_unknown_fields=True):
    """`filters` are the list API's for the type; `fields` the record's fields (default all)."""

    type: DataType
    format: Format
    filters: dict[str, FilterValue] | None = None
    fields: list[str] | None = None
    options: ExportOptions | None = None


class JobStarted(msgspec.Struct):
    jobId: UUID
    status: str
    message: str


class JobStartedEnvelope(msgspec.Struct):
    success: bool
    data: JobStarted


class JobResult(msgspec.Struct):
    downloadUrl: str | None
    errorReportUrl: str | None
    imported: int | None = None
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    skipped: int | None = None
    errors: int | None = None
    exported: int | None = None


class Job(msgspec.Struct):
    id: UUID
    jobId: UUID
    type: Literal["import", "export"]
    dataType: DataType
    format: Format
    status: Literal["queued", "processing", "completed", "failed", "cancelled"]
    progress: int
    message: str
    options: dict[str, Any]
    mapping: dict[str, Any] | None
    filters: dict[str, Any] | None
    fields: list[str] | None
    fileName: str | None
    fileSize: int | None
    totalRows: int | None
    processedRows: int
    result: JobResult
    createdBy: str
    createdAt: str
    startedAt: str | None
    completedAt: str | None
    filesExpireAt: str | None


class JobEnvelope(msgspec.Struct):
    success: bool
    data: Job


class JobList(msgspec.Struct):
    success: bool
    data: list[Job]
    pagination: Pagination


class RowError(msgspec.Struct):
    row: int
    errors: list[dict[str, str]]
    values: dict[str, Any]


class RowErrorList(msgspec.Struct):
    success: bool
    data: list[RowError]
    pagination: Pagination


class Preview(msgspec.Struct):
    format: str
    encoding: str | None
    delimiter: str | None
    headers: list[str]
    rows: list[dict[str, Any]]
    suggestedMapping: dict[str, str | None]
    fields: list[str]
    ignoredColumns: list[str]
    mapping: dict[str, Any] | None = None


class PreviewEnvelope(msgspec.Struct):
    success: bool
    data: Preview
