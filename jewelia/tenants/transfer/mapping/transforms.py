"""Simple per-column transforms of an import mapping (trim, lower, split, dates, numbers)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

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
