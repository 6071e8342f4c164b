"""A file record becomes the API's input: mapped fields parsed (numbers, dates, lists, ring
sizes, order lines) and handed to the CRM services' own validation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.errors import FieldError
from jewelia.tenants.crm.customers import service as customers_service
from jewelia.tenants.crm.rules import mm_to_label, parse_ring_label
from jewelia.tenants.transfer.mapping.fields import (
    FIELD_BY_NAME,
    FORMULA_START,
    RING_COLUMNS,
    SHAPE_CODES,
    SPEC_COLUMNS,
    Field,
)
from jewelia.tenants.transfer.mapping.transforms import apply_transform, parse_number


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
    whole = number.is_finite() and number == number.to_integral_value()
    return int(number) if whole and "." not in text and "," not in text else float(number)


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
        if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**12:
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
        except (ValueError, TypeError, ArithmeticError, json.JSONDecodeError):
            message, code = KIND_MESSAGES.get(fields[rule.field].kind, ("is not valid", "INVALID"))
            shown = str(value)[:60]
            errors.append(FieldError(rule.field, f"{rule.field} {message} (got {shown!r})", code))
    if errors:
        raise RowProblem(errors)
    return out


def to_input(data_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The API's input shape for a record's parsed fields (only what the file gave)."""
    data = {k: v for k, v in fields.items() if k in PLAIN_FIELDS[data_type]}
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
    """A size as the rules read it: a label as jewelers write it (`US 5.75`, `R½`, `EU 52`, see
    rules.parse_ring_label). With the circumference too (our exports carry all three), the
    circumference counts unless the label was changed to another size; so a round trip keeps
    both exactly."""
    if not isinstance(ring, dict):
        return ring
    label = str(ring.get("label") or "").strip()
    mm = ring.get("circumference_mm")
    if not label:
        return ring
    given = str(ring.get("system") or "").strip().upper() or None
    try:
        system, label, _ = parse_ring_label(label, given)
        same = mm is not None and mm_to_label(system, Decimal(str(mm))) == label
    except (InvalidOperation, ValueError, IndexError):  # the rules report the label
        return {k: v for k, v in ring.items() if k != "circumference_mm"}
    if mm is None:
        return {**ring, "system": system, "label": label}
    if same:
        return {**{k: v for k, v in ring.items() if k != "label"}, "system": system}
    return {k: v for k, v in ring.items() if k != "circumference_mm"}


PLAIN_FIELDS = {
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
