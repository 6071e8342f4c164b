"""Columns and fields: suggested mappings (with jewelers' aliases), transforms, and the shapes
records take on the way in (file values → the API's input) and out (API rows → file columns).

No business rule lives here: values are only parsed (numbers, dates, lists …) and handed to the
CRM services' own validators.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.platform.errors import FieldError
from jewelia.tenants.crm.customers import service as customers_service

TYPES = ("customers", "inventory", "orders")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, int, number, date, bool, list, object, items, code
    aliases: tuple[str, ...] = ()


def _f(name: str, kind: str = "text", *aliases: str) -> Field:
    return Field(name, kind, aliases)


IMPORT_FIELDS: dict[str, tuple[Field, ...]] = {
    "customers": (
        _f(
            "full_name",
            "text",
            "name",
            "fullname",
            "customer",
            "customername",
            "client",
            "clientname",
            "contact",
            "contactname",
        ),
        _f("first_name", "text", "firstname", "first", "givenname", "forename"),
        _f("last_name", "text", "lastname", "last", "surname", "familyname"),
        _f("email", "text", "emailaddress", "mail", "e-mail", "customeremail"),
        _f(
            "phone",
            "text",
            "tel",
            "telephone",
            "mobile",
            "cell",
            "cellphone",
            "phonenumber",
            "mobilephone",
            "phoneno",
        ),
        _f("company", "text", "business", "organisation", "organization", "companyname"),
        _f("birthday", "date", "dob", "dateofbirth", "birthdate", "born"),
        _f("anniversary", "date", "anniversarydate", "weddingdate"),
        _f("ring_size", "ring"),
        _f("ring_size_system", "text", "ringsystem", "ringsizesystem", "sizesystem"),
        _f("ring_size_label", "text", "ringsize", "ring", "size", "fingersize"),
        _f("ring_size_mm", "number", "ringsizemm", "circumference", "circumferencemm"),
        _f("notes", "text", "note", "comments", "comment", "remarks"),
        _f("tags", "list", "tag", "labels", "groups", "segments"),
        _f(
            "marketing_consent",
            "bool",
            "marketing",
            "optin",
            "newsletter",
            "consent",
            "acceptsmarketing",
        ),
    ),
    "inventory": (
        _f(
            "sku",
            "text",
            "stock",
            "stocknumber",
            "stockno",
            "stocknum",
            "itemno",
            "itemnumber",
            "style",
            "stylenumber",
            "styleno",
            "code",
            "itemcode",
            "productcode",
        ),
        _f("name", "text", "description", "title", "itemname", "product", "productname"),
        _f("category", "text", "type", "cat", "itemtype", "producttype"),
        _f(
            "price",
            "number",
            "retail",
            "retailprice",
            "msrp",
            "sellingprice",
            "saleprice",
            "amount",
            "tagprice",
        ),
        _f("quantity", "int", "qty", "onhand", "stockqty", "instock", "units", "count"),
        _f("status", "code", "itemstatus", "stockstatus"),
        _f("specifications", "object", "specs", "attributes"),
        _f("metal", "text", "metaltype", "material"),
        _f(
            "purity",
            "text",
            "karat",
            "kt",
            "carats_gold",
            "fineness",
            "goldkarat",
            "metalkarat",
            "metalpurity",
        ),
        _f(
            "metal_weight_g",
            "number",
            "weight",
            "metalweight",
            "grams",
            "gramweight",
            "weightg",
            "metalweightg",
        ),
        _f(
            "carat",
            "number",
            "ct",
            "cts",
            "caratweight",
            "carats",
            "weightct",
            "totalcarat",
            "tcw",
            "stoneweight",
            "diamondweight",
            "caratwt",
        ),
        _f("color", "text", "colour", "colorgrade", "colourgrade"),
        _f("clarity", "text", "claritygrade"),
        _f("cut", "text", "cutgrade", "make"),
        _f("shape", "shape", "cutshape", "stoneshape"),
        _f("certificate_lab", "text", "lab", "certlab", "gradinglab", "certificatelab", "cert_lab"),
        _f(
            "certificate_number",
            "text",
            "cert",
            "certno",
            "certnum",
            "certnumber",
            "certificate",
            "certificateid",
            "certificateno",
            "certificatenumber",
            "reportno",
            "reportnumber",
            "gianumber",
            "certid",
        ),
    ),
    "orders": (
        _f(
            "reference",
            "text",
            "id",
            "orderid",
            "ordernumber",
            "orderno",
            "order",
            "ref",
            "externalid",
        ),
        _f("customer_email", "text", "email", "customer", "emailaddress", "customeremail"),
        _f("status", "code", "orderstatus"),
        _f("payment_status", "code", "payment", "paymentstatus", "paid"),
        _f("currency", "text", "curr", "currencycode"),
        _f("notes", "text", "note", "comments", "comment"),
        _f("items", "items", "lines", "products", "lineitems", "orderitems"),
    ),
}
# Columns our own exports carry that an import reads past.
IGNORED = {
    "customers": ("id", "created_at", "updated_at"),
    "inventory": ("id", "created_at", "updated_at"),
    "orders": ("customer_id", "total_amount", "created_at", "updated_at"),
}
FIELD_BY_NAME = {t: {f.name: f for f in fields} for t, fields in IMPORT_FIELDS.items()}

# Export: the top-level names of a record (JSON/XML nest; CSV/Excel flatten, see flat_columns).
EXPORT_FIELDS = {
    "customers": customers_service.FIELDS,
    "inventory": ("sku", "name", "category", "price", "quantity", "status", "specifications"),
    "orders": (
        "id",
        "customer_email",
        "status",
        "payment_status",
        "currency",
        "total_amount",
        "notes",
        "items",
    ),
}
METADATA_FIELDS = ("id", "created_at", "updated_at")
SPEC_COLUMNS = (
    "metal",
    "purity",
    "metal_weight_g",
    "carat",
    "color",
    "clarity",
    "cut",
    "shape",
    "certificate_lab",
    "certificate_number",
)
RING_COLUMNS = ("ring_size_system", "ring_size_label", "ring_size_mm")

SHAPE_CODES = {
    "rd": "round",
    "rnd": "round",
    "br": "round",
    "rbc": "round",
    "round brilliant": "round",
    "ps": "pear",
    "pr": "pear",
    "pe": "pear",
    "ec": "emerald",
    "em": "emerald",
    "emr": "emerald",
    "ov": "oval",
    "ovl": "oval",
    "pc": "princess",
    "pri": "princess",
    "prn": "princess",
    "prin": "princess",
    "cu": "cushion",
    "cus": "cushion",
    "cush": "cushion",
    "cb": "cushion",
    "mq": "marquise",
    "mar": "marquise",
    "mqs": "marquise",
    "ra": "radiant",
    "rad": "radiant",
    "as": "asscher",
    "asc": "asscher",
    "ash": "asscher",
    "sq emerald": "asscher",
    "hs": "heart",
    "ht": "heart",
    "hrt": "heart",
    "hb": "heart",
    "bg": "baguette",
    "bag": "baguette",
    "bgt": "baguette",
    "tr": "trillion",
    "tri": "trillion",
    "trl": "trillion",
    "rs": "rose",
    "rc": "rose",
    "cab": "cabochon",
    "cb cab": "cabochon",
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def suggest_mapping(data_type: str, headers: list[str]) -> dict[str, str | None]:
    """Each header's best field (or None): exact names first, then the aliases jewelers use."""
    table: dict[str, str] = {}
    for spec in IMPORT_FIELDS[data_type]:
        table.setdefault(_norm(spec.name), spec.name)
    for spec in IMPORT_FIELDS[data_type]:
        for alias in spec.aliases:
            table.setdefault(_norm(alias), spec.name)
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        key = _norm(header)
        field = table.get(key) or table.get(key.rstrip("s")) or table.get(key.removesuffix("no"))
        if key in (_norm(i) for i in IGNORED[data_type]) and field != "reference":
            field = None
        if field in taken:
            field = None
        if field:
            taken.add(field)
        out[header] = field
    return out


# --- transforms ---------------------------------------------------------------------------------

TRANSFORMS = ("trim", "lower", "upper", "split", "date", "number", "number_comma", "number_dot")


def check_transform(spec: str) -> str | None:
    """None if the transform is known, else a message."""
    name, _, arg = spec.partition(":")
    if name not in TRANSFORMS:
        return f"Unknown transform {name!r} (known: {', '.join(TRANSFORMS)})"
    if name == "date":
        if not arg:
            return "date needs a format, e.g. date:%d/%m/%Y"
        try:
            datetime(2001, 2, 3).strftime(arg)
        except ValueError:
            return f"Invalid date format {arg!r}"
    return None


def parse_number(text: str, style: str = "auto") -> Decimal:
    """A number written as 1234.5, 1,234.50, 1.234,50, 1234,5 or 1 234,50 (raises ValueError)."""
    s = re.sub(r"[\s\u00a0\u202f'$€£¥]", "", text)
    if style == "comma" or (
        style == "auto" and "," in s and "." not in s and not re.fullmatch(r"-?\d{1,3}(,\d{3})+", s)
    ):
        s = s.replace(".", "").replace(",", ".")
    elif style == "auto" and "," in s and "." in s and s.rfind(",") > s.rfind("."):
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def apply_transform(value: Any, spec: str) -> Any:
    name, _, arg = spec.partition(":")
    if value is None:
        return None
    if name == "split":
        if isinstance(value, list):
            return value
        parts = str(value).split(arg) if arg else re.split(r"[;|,]", str(value))
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list | dict):
        return value
    text = str(value)
    if name == "trim":
        return text.strip()
    if name == "lower":
        return text.lower()
    if name == "upper":
        return text.upper()
    if name == "date":
        if isinstance(value, date):
            return value
        if not text.strip():
            return ""
        return datetime.strptime(text.strip(), arg).date()
    style = {"number": "auto", "number_comma": "comma", "number_dot": "dot"}[name]
    return parse_number(text, style) if text.strip() else ""


# --- file record → API input --------------------------------------------------------------------


class RowProblem(Exception):
    """Values that cannot even be parsed; listed with the validators' errors."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("row problem")
        self.errors = errors


def unneutralise(value: Any) -> Any:
    """Undo our export's formula guard ('=… → =…) so a round trip returns the same text."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal_value(value: Any, comma: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return parse_number(str(value), "comma" if comma else "auto")


def _spec_number(value: Any, comma: bool) -> Any:
    """Numbers inside specifications stay JSON numbers (int when written without decimals)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    number = _decimal_value(value, comma)
    text = str(value)
    return float(number) if ("." in text or "," in text or number % 1) else int(number)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "x", "t", "on", "opt-in", "subscribed"):
        return True
    if text in ("", "0", "false", "no", "n", "f", "off", "opt-out", "unsubscribed"):
        return False
    raise ValueError(value)


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    return date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", text) else text


def _code(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


def _object(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    text = str(value).strip()
    if text.startswith("{"):
        parsed = json.loads(text)
        if isinstance(parsed, dict):
            return parsed
    raise ValueError(value)


ITEM = re.compile(
    r"^\s*(?P<sku>[^\s]+)\s*(?:[x\u00d7*]\s*(?P<qty>\d+))?\s*(?:@\s*(?P<price>[\d.,]+))?\s*$"
)


def parse_items(value: Any) -> list[dict[str, Any]]:
    """Order lines: a list of {sku, quantity, unit_price}, or text `SKU x2 @ 10.00; SKU2 x1`."""
    if isinstance(value, list):
        out = []
        for given in value:
            if not isinstance(given, dict):
                raise ValueError(given)
            entry = dict(given)
            if isinstance(entry.get("quantity"), str) and entry["quantity"].strip():
                entry["quantity"] = int(parse_number(entry["quantity"]))
            if isinstance(entry.get("unit_price"), str):
                text = entry["unit_price"].strip()
                entry["unit_price"] = parse_number(text) if text else None
            out.append(entry)
        return out
    lines = []
    for part in re.split(r"[;|\n]", str(value)):
        if not part.strip():
            continue
        match = ITEM.match(part)
        if not match:
            raise ValueError(part)
        line: dict[str, Any] = {"sku": match["sku"], "quantity": int(match["qty"] or 1)}
        if match["price"]:
            line["unit_price"] = parse_number(match["price"])
        lines.append(line)
    return lines


def _coerce(field: Field, value: Any, comma: bool) -> Any:
    kind = field.kind
    if kind == "text":
        return None if _empty(value) else str(value).strip()
    if kind == "code":
        return None if _empty(value) else _code(value)
    if kind == "shape":
        if _empty(value):
            return None
        text = str(value).strip().lower()
        return SHAPE_CODES.get(text, text)
    if kind == "int":
        if _empty(value):
            return None
        number = _decimal_value(value, comma)
        if number % 1:
            raise ValueError(value)
        return int(number)
    if kind == "number":
        return None if _empty(value) else _decimal_value(value, comma)
    if kind == "date":
        return None if _empty(value) else _date(value)
    if kind == "bool":
        return _bool(value) if not _empty(value) else False
    if kind == "list":
        if isinstance(value, list):
            return [str(v).strip() for v in value if not _empty(v)]
        return [p.strip() for p in re.split(r"[;|]", str(value or "")) if p.strip()]
    if kind == "object":
        return None if _empty(value) else _object(value)
    if kind == "ring":
        if _empty(value):
            return None
        if isinstance(value, dict) or str(value).strip().startswith("{"):
            return _object(value)
        return {"label": str(value).strip()}
    if kind == "items":
        return [] if _empty(value) else parse_items(value)
    raise AssertionError(kind)


KIND_MESSAGES = {
    "int": ("must be a whole number", "INVALID_NUMBER"),
    "number": ("must be a number", "INVALID_NUMBER"),
    "date": ("must be a date (YYYY-MM-DD, or set a date format in the mapping)", "INVALID_DATE"),
    "bool": ("must be yes/no, true/false or 1/0", "INVALID_BOOLEAN"),
    "object": ("must be a JSON object", "INVALID_TYPE"),
    "ring": ("must be a size label or a JSON object", "INVALID_TYPE"),
    "items": ("must be lines like `SKU x2 @ 10.00; SKU2 x1`", "INVALID_ITEMS"),
}


@dataclass(frozen=True)
class Rule:
    field: str
    transforms: tuple[str, ...] = ()


def mapped_fields(
    data_type: str, values: dict[str, Any], mapping: dict[str, Rule], comma: bool
) -> dict[str, Any]:
    """Field → parsed value for one record (RowProblem lists what could not be parsed)."""
    fields = FIELD_BY_NAME[data_type]
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for column, rule in mapping.items():
        if column not in values:
            continue
        value = values[column]
        if isinstance(value, str):
            if "\x00" in value:
                errors.append(FieldError(rule.field, "NUL characters are not allowed", "INVALID"))
                continue
            value = unneutralise(value)
        try:
            for spec in rule.transforms:
                value = apply_transform(value, spec)
            out[rule.field] = _coerce(fields[rule.field], value, comma)
        except (ValueError, TypeError, json.JSONDecodeError):
            message, code = KIND_MESSAGES.get(fields[rule.field].kind, ("is not valid", "INVALID"))
            shown = str(value)[:60]
            errors.append(FieldError(rule.field, f"{rule.field} {message} (got {shown!r})", code))
    if errors:
        raise RowProblem(errors)
    return out


def to_input(data_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The API's input shape for a record's parsed fields (only what the file gave)."""
    data = {k: v for k, v in fields.items() if k in _PLAIN[data_type]}
    if data_type == "customers":
        if "full_name" not in data and ("first_name" in fields or "last_name" in fields):
            parts = [fields.get("first_name"), fields.get("last_name")]
            data["full_name"] = " ".join(p for p in parts if p)
        if "ring_size" in fields:
            data["ring_size"] = _ring(fields["ring_size"])
        elif any(c in fields for c in RING_COLUMNS):
            ring = {
                "system": fields.get("ring_size_system"),
                "label": fields.get("ring_size_label"),
                "circumference_mm": fields.get("ring_size_mm"),
            }
            data["ring_size"] = _ring(ring) if any(v is not None for v in ring.values()) else None
        for key in ("notes",):
            if key in data and data[key] is None:
                data[key] = ""
    elif data_type == "inventory":
        if "specifications" in fields or any(c in fields for c in SPEC_COLUMNS):
            spec = dict(fields.get("specifications") or {})
            for column in SPEC_COLUMNS:
                value = fields.get(column)
                if value is None:
                    continue
                if column in ("carat", "metal_weight_g"):
                    value = _spec_number(value, False)
                if column.startswith("certificate_"):
                    spec.setdefault("certificate", {})[column.removeprefix("certificate_")] = value
                else:
                    spec[column] = value
            data["specifications"] = spec
    elif data_type == "orders":
        if data.get("notes") is None and "notes" in data:
            data["notes"] = ""
    return data


def _ring(ring: Any) -> Any:
    """A size as the rules read it. A label alone reads as US (numbers) or UK (letters), as
    jewelers write. With the circumference too (our exports carry all three), the circumference
    counts unless the label was changed to another size; so a round trip keeps both exactly."""
    from jewelia.tenants.crm.rules import _mm_to_label

    if not isinstance(ring, dict):
        return ring
    label = str(ring.get("label") or "").strip()
    system = str(ring.get("system") or "").strip().upper()
    mm = ring.get("circumference_mm")
    if not label:
        return ring
    if mm is None:
        return ring if system else {**ring, "system": "UK" if label[0].isalpha() else "US"}
    if not system:
        return {k: v for k, v in ring.items() if k != "label"}
    try:
        same = _mm_to_label(system, Decimal(str(mm))).replace(" ", "") == label.upper().replace(
            " ", ""
        )
    except (InvalidOperation, ValueError, IndexError):
        same = False
    if same:
        return {k: v for k, v in ring.items() if k != "label"}
    return {k: v for k, v in ring.items() if k != "circumference_mm"}


_PLAIN = {
    "customers": tuple(f for f in customers_service.FIELDS if f != "ring_size"),
    "inventory": ("sku", "name", "category", "price", "quantity", "status"),
    "orders": (
        "reference",
        "customer_email",
        "status",
        "payment_status",
        "currency",
        "notes",
        "items",
    ),
}


# --- API row → file record ---------------------------------------------------------------------


def export_columns(data_type: str, fields: list[str], flat: bool) -> list[str]:
    """The columns a file gets for the chosen fields (CSV and Excel flatten nested ones)."""
    if not flat:
        return list(fields)
    out: list[str] = []
    for name in fields:
        if name == "ring_size":
            out += RING_COLUMNS
        elif name == "specifications":
            out += [*SPEC_COLUMNS, "specifications"]
        else:
            out.append(name)
    return out


def nested_record(data_type: str, row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The export record as JSON/XML carry it (the API's own shape, chosen fields only)."""
    if data_type == "orders":
        row = {
            **row,
            "items": [
                {"sku": i["sku"], "quantity": i["quantity"], "unit_price": i["unit_price"]}
                for i in row["items"]
            ],
        }
    return {name: row.get(name) for name in fields}


def flat_record(data_type: str, row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The export record as CSV/Excel carry it: one value per column."""
    out: dict[str, Any] = {}
    for name in fields:
        value = row.get(name)
        if name == "ring_size":
            ring = value or {}
            out["ring_size_system"] = ring.get("system")
            out["ring_size_label"] = ring.get("label")
            out["ring_size_mm"] = ring.get("circumference_mm")
        elif name == "specifications":
            spec = dict(value or {})
            cert = (
                spec.pop("certificate", None) if isinstance(spec.get("certificate"), dict) else None
            )
            for column in SPEC_COLUMNS:
                if column.startswith("certificate_"):
                    out[column] = (cert or {}).get(column.removeprefix("certificate_"))
                else:
                    out[column] = spec.pop(column, None)
            if cert:
                rest = {k: v for k, v in cert.items() if k not in ("lab", "number")}
                if rest:
                    spec["certificate"] = rest
            out["specifications"] = json.dumps(spec, default=str) if spec else None
        elif name == "tags":
            out[name] = "; ".join(value or [])
        elif name == "items":
            out[name] = "; ".join(
                f"{i['sku']} x{i['quantity']} @ {i['unit_price']}" for i in value or []
            )
        else:
            out[name] = value
    return out
