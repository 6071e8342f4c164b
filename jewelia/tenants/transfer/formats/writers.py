"""Streaming file writers for exports and error reports: CSV, JSON, XML and Excel.

Each writer takes records one at a time and writes them straight to disk (xlsxwriter in
constant-memory mode for Excel), so an export's memory does not grow with its size. Text that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) is prefixed with an
apostrophe in CSV and Excel cells; the importer removes that prefix again.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape, quoteattr

import msgspec

from jewelia.tenants.transfer.mapping.fields import FORMULA_START

EXTENSIONS = {"csv": "csv", "json": "json", "xml": "xml", "excel": "xlsx"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
    "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
_json = msgspec.json.Encoder(decimal_format="number")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
SINGULAR = {
    "customers": "customer",
    "inventory": "item",
    "orders": "order",
    "items": "item",
    "stones": "stone",
    "tags": "tag",
    "rows": "row",
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def cell_text(value: Any) -> str:
    """A value as the text of one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)


class Writer(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    """UTF-8 with a BOM (so spreadsheet programs read accents right), comma-separated."""

    def __init__(self, path: Path, columns: list[str], metadata: dict[str, Any] | None = None):
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.columns = columns
        self.out = csv.writer(self.file)
        self.out.writerow(columns)

    def write(self, record: dict[str, Any]) -> None:
        self.out.writerow([neutralise(cell_text(record.get(c))) for c in self.columns])

    def close(self) -> None:
        self.file.close()


class JsonWriter:
    """A JSON array, or `{"metadata": …, "data": [ … ]}` when metadata is asked for."""

    def __init__(self, path: Path, columns: list[str], metadata: dict[str, Any] | None = None):
        self.file = path.open("wb")
        self.first = True
        self.wrapped = metadata is not None
        if self.wrapped:
            self.file.write(b'{"metadata": ' + _json.encode(metadata) + b', "data": [')
        else:
            self.file.write(b"[")

    def write(self, record: dict[str, Any]) -> None:
        self.file.write(b"\n" if self.first else b",\n")
        self.first = False
        self.file.write(_json.encode(record))

    def close(self) -> None:
        self.file.write(b"\n]}\n" if self.wrapped else b"\n]\n")
        self.file.close()


def _xml_text(value: Any) -> str:
    return escape(_XML_BAD.sub("", cell_text(value)))


def _xml_element(name: str, value: Any) -> str:
    if _NAME.match(name) and not name.lower().startswith("xml"):
        open_tag, close_tag = name, name
    else:
        open_tag, close_tag = f"field name={quoteattr(_XML_BAD.sub('', name))}", "field"
    if isinstance(value, dict):
        inner = "".join(_xml_element(str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        child = SINGULAR.get(name, "value")
        inner = "".join(_xml_element(child, v) for v in value)
    else:
        inner = _xml_text(value)
    return f"<{open_tag}>{inner}</{close_tag}>" if inner else f"<{open_tag}/>"


class XmlWriter:
    """`<customers><customer><full_name>…</full_name>…</customer>…</customers>`."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        metadata: dict[str, Any] | None = None,
        root: str = "rows",
    ):
        self.file = path.open("w", encoding="utf-8")
        self.root = root
        self.child = SINGULAR.get(root, "row")
        attrs = "".join(
            f" {k}={quoteattr(_XML_BAD.sub('', cell_text(v)))}"
            for k, v in (metadata or {}).items()
            if _NAME.match(k) and not isinstance(v, dict | list)
        )
        self.file.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{attrs}>\n')

    def write(self, record: dict[str, Any]) -> None:
        self.file.write(_xml_element(self.child, record) + "\n")

    def close(self) -> None:
        self.file.write(f"</{self.root}>\n")
        self.file.close()


class ExcelWriter:
    """One sheet of data (and a Metadata sheet when asked), in xlsxwriter's constant-memory mode."""

    def __init__(self, path: Path, columns: list[str], metadata: dict[str, Any] | None = None):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_formulas": False}
        )
        self.sheet = self.book.add_worksheet("Data")
        self.columns = columns
        self.metadata = metadata
        bold = self.book.add_format({"bold": True})
        for n, column in enumerate(columns):
            self.sheet.write_string(0, n, column, bold)
        self.row = 1

    def write(self, record: dict[str, Any]) -> None:
        for n, column in enumerate(self.columns):
            value = record.get(column)
            if value is None:
                continue
            if isinstance(value, bool):
                self.sheet.write_boolean(self.row, n, value)
            elif isinstance(value, int | float | Decimal) and abs(float(value)) < 1e15:
                self.sheet.write_number(self.row, n, float(value))
            else:
                self.sheet.write_string(self.row, n, neutralise(cell_text(value))[:32767])
        self.row += 1

    def close(self) -> None:
        if self.metadata is not None:
            meta = self.book.add_worksheet("Metadata")
            for n, (key, value) in enumerate(self.metadata.items()):
                meta.write_string(n, 0, key)
                meta.write_string(n, 1, neutralise(cell_text(value)))
        self.book.close()


def open_writer(
    fmt: str, path: Path, columns: list[str], metadata: dict[str, Any] | None, root: str = "rows"
) -> Writer:
    """A writer for the format."""
    if fmt == "xml":
        return XmlWriter(path, columns, metadata, root=root)
    if fmt == "csv":
        return CsvWriter(path, columns, metadata)
    if fmt == "json":
        return JsonWriter(path, columns, metadata)
    return ExcelWriter(path, columns, metadata)


def zip_file(source: Path, target: Path, name: str) -> None:
    """Compress one file into a zip archive (streamed in chunks)."""
    with (
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
        source.open("rb") as src,
        archive.open(name, "w", force_zip64=True) as dst,
    ):
        while chunk := src.read(1 << 20):
            dst.write(chunk)
