"""Import/export file handling without a database: readers, sniffing, mapping, writers."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jewelia.tenants.transfer.formats import readers
from jewelia.tenants.transfer.formats.readers import SourceError, SourceInfo, records
from jewelia.tenants.transfer.formats.writers import open_writer
from jewelia.tenants.transfer.mapping.fields import (
    suggest_mapping,
)
from jewelia.tenants.transfer.mapping.rows import (
    Rule,
    mapped_fields,
    to_input,
)
from jewelia.tenants.transfer.mapping.transforms import (
    parse_number,
)


def _write(tmp_path: Path, data: bytes, name: str = "f") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("name\nJosé\n".encode(), "utf-8"),
        (b"\xef\xbb\xbfname\nJos\xc3\xa9\n", "utf-8-sig"),
        ("name\nJosé\n".encode("latin-1"), "cp1252"),
        ("name\nJosé\n".encode("utf-16"), "utf-16"),
        (b"name\nJos\x81\n", "latin-1"),  # 0x81 is not Windows-1252
    ],
)
def test_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = _write(tmp_path, data)
    info = SourceInfo()
    rows = list(records(path, "csv", info))
    assert info.encoding == encoding
    assert rows[0].values["name"].startswith("Jos")
    if encoding != "latin-1":
        assert rows[0].values["name"] == "José"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["Name", "Email", "Price"]) + "\n"
    text += delimiter.join(['"Smith, Ann"', "ann@example.com", "1,5"]) + "\n"
    info = SourceInfo()
    rows = list(records(_write(tmp_path, text.encode()), "csv", info))
    assert info.delimiter == delimiter
    assert rows[0].values["Email"] == "ann@example.com"


def test_csv_rows_keep_their_line_numbers_past_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\n\na,b\n1,2\n\n\n3,4\n,\n5,6\n")
    assert [(r.row, r.values["a"]) for r in records(path, "csv")] == [(4, "1"), (7, "3"), (9, "5")]


@pytest.mark.parametrize(
    "text",
    [
        '[{"a": 1}, {"a": 2}, {"a": 3}]',
        '{"metadata": {"n": 3, "x": [1, 2]}, "data": [{"a": 1}, {"a": 2}, {"a": 3}]}',
        '{"a": 1}\n{"a": 2}\n{"a": 3}\n',
        '\ufeff[\n{"a": 1},\n{"a": 2},\n{"a": 3}\n]\n',
    ],
)
def test_json_is_read_one_record_at_a_time(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text.encode())
    assert [(r.row, r.values["a"]) for r in records(path, "json")] == [(1, 1), (2, 2), (3, 3)]


def test_json_numbers_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_CHUNK", 7)
    rows = [{"price": 123456789.25, "name": "x" * n} for n in range(30)]
    path = _write(tmp_path, json.dumps(rows).encode())
    assert [r.values for r in records(path, "json")] == rows


@pytest.mark.parametrize("text", ["[1, 2]", '{"a": 1', "[{]", "nope"])
def test_broken_json_is_a_clear_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(SourceError):
        list(records(_write(tmp_path, text.encode()), "json"))


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<customers><customer><full_name>&lol3;</full_name></customer></customers>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<customers><customer><full_name>&xxe;</full_name></customer></customers>"""


@pytest.mark.parametrize("data", [XML_BOMB, XXE], ids=["bomb", "external-entity"])
def test_xml_with_dtds_or_entities_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(SourceError, match="DTD"):
        list(records(_write(tmp_path, data), "xml"))


def test_xml_records_nest_and_list(tmp_path: Path) -> None:
    data = b"""<orders><order><id>1</id><items><item><sku>A</sku><quantity>2</quantity></item></items>
    <notes/></order><order><id>2</id><items><item><sku>B</sku></item><item><sku>C</sku></item></items></order></orders>"""
    rows = [r.values for r in records(_write(tmp_path, data), "xml")]
    assert rows[0] == {"id": "1", "items": [{"sku": "A", "quantity": "2"}], "notes": ""}
    assert rows[1]["items"] == [{"sku": "B"}, {"sku": "C"}]


def test_zip_bombs_are_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as part,
    ):
        for _ in range(60):
            part.write(b" " * (1 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(SourceError, match="zip bomb"):
        list(records(path, "excel"))


def test_non_xlsx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not an Excel"):
        list(records(_write(tmp_path, b"name\nAnn\n"), "excel"))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Carat", "carat"),
        ("Ct", "carat"),
        ("CaratWeight", "carat"),
        ("Carat Weight", "carat"),
        ("Cert#", "certificate_number"),
        ("CertificateID", "certificate_number"),
        ("Certificate No", "certificate_number"),
        ("Shape", "shape"),
        ("Metal", "metal"),
        ("Karat", "purity"),
        ("Stock #", "sku"),
        ("Retail Price", "price"),
        ("Qty", "quantity"),
        ("Lab", "certificate_lab"),
    ],
)
def test_inventory_aliases(header: str, field: str) -> None:
    assert suggest_mapping("inventory", [header]) == {header: field}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Email", "email"),
        ("E-mail", "email"),
        ("Phone", "phone"),
        ("Tel", "phone"),
        ("Mobile", "phone"),
        ("Name", "full_name"),
        ("Full Name", "full_name"),
        ("Customer", "full_name"),
        ("First Name", "first_name"),
        ("Surname", "last_name"),
        ("DOB", "birthday"),
        ("Ring Size", "ring_size"),
        ("Finger size", "ring_size_label"),
        ("id", None),
        ("Favourite colour", None),
    ],
)
def test_customer_aliases(header: str, field: str | None) -> None:
    assert suggest_mapping("customers", [header]) == {header: field}


def test_a_field_is_suggested_once() -> None:
    assert suggest_mapping("customers", ["Email", "E-mail"]) == {"Email": "email", "E-mail": None}


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("1234.50", "auto", "1234.50"),
        ("1,234.50", "auto", "1234.50"),
        ("1.234,50", "auto", "1234.50"),
        ("1234,5", "auto", "1234.5"),
        ("1,234", "auto", "1234"),
        ("1,234", "comma", "1.234"),
        ("$ 2 500,00", "auto", "2500.00"),
        ("€1.050", "dot", "1.050"),
    ],
)
def test_numbers(text: str, style: str, value: str) -> None:
    assert parse_number(text, style) == Decimal(value)


def test_shapes_metals_and_transforms() -> None:
    mapping = {
        "Shape": Rule("shape"),
        "Cert#": Rule("certificate_number", ("trim", "upper")),
        "Lab": Rule("certificate_lab", ("upper",)),
        "Ct": Rule("carat", ("number_comma",)),
        "Tags": Rule("status", ("lower",)),
        "Price": Rule("price"),
    }
    fields = mapped_fields(
        "inventory",
        {
            "Shape": "RND",
            "Cert#": " ab-12 ",
            "Lab": "gia",
            "Ct": "1,05",
            "Tags": "In Stock",
            "Price": "'+12.5",
        },
        mapping,
        comma=False,
    )
    assert fields["shape"] == "round" and fields["certificate_number"] == "AB-12"
    assert fields["carat"] == Decimal("1.05") and fields["status"] == "in_stock"
    assert fields["price"] == Decimal("12.5")
    data = to_input("inventory", fields)
    assert data["specifications"] == {
        "shape": "round",
        "carat": 1.05,
        "certificate": {"lab": "GIA", "number": "AB-12"},
    }


def test_dates_with_a_format() -> None:
    out = mapped_fields(
        "customers", {"Born": "31/12/1990"}, {"Born": Rule("birthday", ("date:%d/%m/%Y",))}, False
    )
    assert str(out["birthday"]) == "1990-12-31"


def test_ring_size_label_alone_reads_as_us_or_uk() -> None:
    assert to_input("customers", {"ring_size_label": "7"})["ring_size"]["system"] == "US"
    assert to_input("customers", {"ring_size": {"label": "7"}})["ring_size"]["system"] == "US"
    assert to_input("customers", {"ring_size_label": "N"})["ring_size"]["system"] == "UK"


def test_formula_cells_are_neutralised_in_csv_and_excel(tmp_path: Path) -> None:
    values = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain"]
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    for fmt, path in (("csv", csv_path), ("excel", xlsx_path)):
        writer = open_writer(fmt, path, ["v"], None)
        for v in values:
            writer.write({"v": v})
        writer.close()
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text and "\nplain" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_path.read_bytes())).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells[:5] == ["'" + v for v in values[:5]] and cells[6] == "plain"
    assert cells[5].startswith("'")  # xlsxwriter stores the CR escaped
