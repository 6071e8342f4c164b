"""Reading import files as a stream of records: CSV, JSON, XML and Excel.

Every reader yields `Record(row, values)` one at a time, so memory stays flat whatever the file
size. CSV text is decoded with the detected encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
else Windows-1252, else Latin-1) and split on the sniffed delimiter (comma, semicolon, tab,
pipe). XML goes through defusedxml (no DTDs, no entities, no external references). Excel files
are zip archives: their sizes are checked before any part is inflated (zip bombs), and openpyxl
reads them in read-only mode (it uses defusedxml when it is installed, as it is here).
No other zip input is accepted.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("csv", "json", "xml", "excel")
DELIMITERS = (",", ";", "\t", "|")
MAX_FIELD = 1_000_000  # one CSV cell
MAX_JSON_RECORD = 1_000_000  # characters of one JSON record
XLSX_MAX_RATIO = 200  # inflated / compressed bytes of the whole archive
XLSX_MAX_INFLATED = 1 << 30  # 1 GiB of XML, whatever the ratio
_CHUNK = 1 << 16

csv.field_size_limit(MAX_FIELD)


class SourceError(Exception):
    """The file as a whole cannot be read (the job fails with this message)."""


@dataclass(frozen=True)
class Record:
    """One record of the source: its row number as a person sees it, and its values by column."""

    row: int
    values: dict[str, Any]


@dataclass
class SourceInfo:
    """What was detected about a file."""

    encoding: str | None = None
    delimiter: str | None = None
    headers: list[str] = field(default_factory=list)


# --- text files: encoding and delimiter --------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 by BOM; else Windows-1252; else Latin-1.

    The whole file is checked in chunks (a stray byte at the end decides as much as one at the
    start), with an incremental decoder so multi-byte characters may straddle chunks.
    """
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for candidate in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return candidate
        except UnicodeDecodeError:
            continue
    return "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the most consistent number of columns."""
    best, best_score = ",", (-1, -1)
    sample = [line for line in lines if line.strip()][:20]
    if not sample:
        return best
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_text(path: Path, encoding: str) -> TextIO:
    return path.open("r", encoding=encoding, newline="")


def _first_lines(path: Path, encoding: str, count: int = 20) -> list[str]:
    lines: list[str] = []
    with _open_text(path, encoding) as f:
        for line in f:
            lines.append(line)
            if len(lines) >= count or sum(map(len, lines)) > 1 << 20:
                break
    return lines


MAX_COLUMNS = 1_000
MAX_XML_ELEMENTS = 10_000  # per record


def _dedupe(headers: list[str]) -> list[str]:
    """Header names made unique (`name`, `name_2`, …); at most MAX_COLUMNS of them."""
    if len(headers) > MAX_COLUMNS:
        raise SourceError(f"The file has {len(headers):,} columns; at most {MAX_COLUMNS:,}")
    out: list[str] = []
    seen: set[str] = set()
    for n, header in enumerate(headers):
        name = str(header if header is not None else "").strip() or f"column_{n + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base}_{k}", k + 1
        out.append(name)
        seen.add(name)
    return out


def _blank(values: Any) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_csv(path: Path, info: SourceInfo) -> Iterator[Record]:
    """Records of a delimited text file; blank lines are skipped; rows keep their line numbers."""
    info.encoding = info.encoding or detect_encoding(path)
    info.delimiter = info.delimiter or sniff_delimiter(_first_lines(path, info.encoding))
    with _open_text(path, info.encoding) as f:
        reader = csv.reader(f, delimiter=info.delimiter)
        headers: list[str] | None = None
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise SourceError(f"Line {start}: {exc}") from exc
            if _blank(row):
                continue
            if headers is None:
                headers = info.headers = _dedupe(row)
                continue
            values = {h: (row[n] if n < len(row) else "") for n, h in enumerate(headers)}
            if len(row) > len(headers) and not _blank(row[len(headers) :]):
                values["_extra"] = info.delimiter.join(row[len(headers) :])
            yield Record(start, values)


# --- JSON: an array, an object holding a "data" array, or one object per line ----------------


class _JsonStream:
    """Decodes JSON values one at a time from a file, reading more text only when needed."""

    def __init__(self, f: TextIO) -> None:
        self.f, self.buf, self.pos, self.eof = f, "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.f.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-space character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "end of file"
            raise SourceError(f"Invalid JSON: expected {char!r}, found {found!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next value (a number at the buffer's end waits for the next chunk)."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_JSON_RECORD:
                    raise SourceError("Invalid JSON: a record is too large or malformed") from exc
                if not self._more():
                    raise SourceError(f"Invalid JSON: {exc.msg}") from exc
                continue
            except ValueError as exc:  # e.g. an integer past Python's 4,300-digit limit
                raise SourceError(f"Invalid JSON: {exc}") from exc
            except RecursionError as exc:
                raise SourceError("Invalid JSON: nested too deeply") from exc
            if end >= len(self.buf) and not self.eof and self._more():
                continue  # the value may go on in the next chunk (numbers)
            self.pos = end
            return value


def read_json(path: Path, info: SourceInfo) -> Iterator[Record]:
    """Records of a JSON array, of the `data` array of an object, or of JSON lines."""
    info.encoding = "utf-8-sig"
    with _open_text(path, "utf-8-sig") as f:
        stream = _JsonStream(f)
        first = stream.peek()
        if first == "[":
            yield from _json_array(stream, 1)
            if stream.peek():
                raise SourceError("Invalid JSON: text after the closing ]")
            return
        if first != "{":
            raise SourceError("JSON must be an array of objects, or objects one per line")
        row = 1
        while stream.peek() == "{":
            stream.take("{")
            obj: dict[str, Any] = {}
            if stream.peek() != "}":
                while True:
                    key = stream.value()
                    if not isinstance(key, str):
                        raise SourceError("Invalid JSON: object keys must be strings")
                    stream.take(":")
                    if key == "data" and stream.peek() == "[":
                        for record in _json_array(stream, row):
                            row = record.row + 1
                            yield record
                        obj["data"] = None
                    else:
                        obj[key] = stream.value()
                    if stream.peek() != ",":
                        break
                    stream.take(",")
            stream.take("}")
            if "data" not in obj:
                yield Record(row, obj)
                row += 1
        if stream.peek():
            raise SourceError("Invalid JSON: expected an object")


def _json_array(stream: _JsonStream, row: int) -> Iterator[Record]:
    stream.take("[")
    if stream.peek() == "]":
        stream.take("]")
        return
    while True:
        value = stream.value()
        if not isinstance(value, dict):
            raise SourceError(f"Record {row}: each record must be a JSON object")
        yield Record(row, value)
        row += 1
        if stream.peek() == ",":
            stream.take(",")
            continue
        stream.take("]")
        return


# --- XML ------------------------------------------------------------------------------------


def _element_value(element: Any) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    tags = [_tag_name(c) for c in children]
    plural = element.tag == f"{tags[0]}s" or tags[0] in ("item", "stone", "tag", "value")
    if len(set(tags)) == 1 and (len(children) > 1 or plural):
        return [_element_value(c) for c in children]
    return {name: _element_value(c) for name, c in zip(tags, children, strict=True)}


def _tag_name(element: Any) -> str:
    return (
        str(element.get("name")) if element.tag == "field" and element.get("name") else element.tag
    )


def read_xml(path: Path, info: SourceInfo) -> Iterator[Record]:
    """Each child of the root element is a record; its child elements are the fields."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    info.encoding = "xml"
    depth, row, root, elements = 0, 0, None, 0
    try:
        for event, element in iterparse(
            str(path), events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                elif depth == 2:
                    elements = 0
                else:
                    elements += 1  # a record's size is bounded, like a JSON record's
                    if elements > MAX_XML_ELEMENTS:
                        raise SourceError(
                            f"Record {row + 1} has more than {MAX_XML_ELEMENTS:,} elements"
                        )
                continue
            depth -= 1
            if depth == 1:
                row += 1
                value = _element_value(element)
                if not isinstance(value, dict):
                    value = {_tag_name(element): value}
                yield Record(row, value)
                assert root is not None
                root.clear()  # keep memory flat
    except DefusedXmlException as exc:
        raise SourceError(
            "XML with a DTD, entity declarations or external references is refused"
        ) from exc
    except ParseError as exc:
        raise SourceError(f"Invalid XML: {exc}") from exc


# --- Excel ----------------------------------------------------------------------------------


def check_xlsx(path: Path) -> None:
    """Refuse archives that would inflate out of proportion (zip bombs) before opening them."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SourceError("This is not an Excel (.xlsx) file") from exc
    size = max(path.stat().st_size, 1)
    if inflated > XLSX_MAX_INFLATED or inflated / size > XLSX_MAX_RATIO:
        raise SourceError(
            f"The Excel file would inflate to {inflated:,} bytes from {size:,}:"
            " refused as a possible zip bomb"
        )


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def read_excel(path: Path, info: SourceInfo) -> Iterator[Record]:
    """Records of the first sheet; the first non-blank row holds the headers."""
    import openpyxl

    check_xlsx(path)
    info.encoding = "xlsx"
    handle = path.open("rb")  # a handle: openpyxl would refuse a path without .xlsx
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        handle.close()
        raise SourceError(f"This Excel file cannot be read: {type(exc).__name__}") from exc
    try:
        sheet = book.worksheets[0]
        headers: list[str] | None = None
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if _blank(row):
                continue
            if headers is None:
                headers = info.headers = _dedupe([str(v) if v is not None else "" for v in row])
                continue
            values = {h: _cell(row[i]) if i < len(row) else None for i, h in enumerate(headers)}
            yield Record(n, values)
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(f"This Excel file cannot be read: {type(exc).__name__}") from exc
    finally:
        book.close()
        handle.close()


READERS = {"csv": read_csv, "json": read_json, "xml": read_xml, "excel": read_excel}


def records(path: Path, fmt: str, info: SourceInfo | None = None) -> Iterator[Record]:
    """The records of a stored import file."""
    return READERS[fmt](path, info or SourceInfo())


def headers_of(values: list[dict[str, Any]]) -> list[str]:
    """Column names seen in the first records (for JSON and XML, which have no header row)."""
    seen: dict[str, None] = {}
    for v in values:
        for k in v:
            seen.setdefault(k, None)
    return list(seen)
