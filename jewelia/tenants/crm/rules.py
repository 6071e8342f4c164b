"""Jeweler-specific field rules: phone numbers, ring sizes and item specifications.

One place for them, so the API, the pages and the importers validate alike.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.validation import Checker

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
INVENTORY_STATUSES = ("in_stock", "reserved", "sold", "on_memo", "consignment", "discontinued")
PURITIES = (
    "10k",
    "14k",
    "18k",
    "22k",
    "24k",
    "925 sterling",
    "950 silver",
    "999 silver",
    "platinum 900",
    "platinum 950",
    "platinum 999",
    "palladium 500",
    "palladium 950",
)
GIA_COLORS = (*"DEFGHIJKLMN", "O-P", "Q-R", "S-T", "U-V", "W-X", "Y-Z")
CLARITIES = ("FL", "IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "I1", "I2", "I3")
CUTS = ("Ideal", "Excellent", "Very Good", "Good", "Fair", "Poor")
SHAPES = (
    "round",
    "princess",
    "cushion",
    "oval",
    "emerald",
    "pear",
    "marquise",
    "radiant",
    "asscher",
    "heart",
    "baguette",
    "trillion",
    "rose",
    "cabochon",
)
LABS = ("GIA", "IGI", "AGS", "HRD", "GCAL", "EGL", "GRS", "SSEF", "Gubelin", "AGL")
RING_SYSTEMS = ("US", "UK", "EU")


def normalise_phone(check: Checker, field: str, value: str | None) -> str | None:
    """A phone number in E.164 (+ country code, digits only), or None."""
    if value is None or not value.strip():
        return None
    cleaned = re.sub(r"[\s\-().]", "", value.strip())
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if not E164.fullmatch(cleaned):
        check.add(field, "Phone must be in international format, e.g. +1 555 0123", "INVALID_PHONE")
        return value
    return cleaned


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


RING_HELP = "write it like US 6.5, UK N½ or EU 52"
RING_PREFIX = re.compile(r"(US|UK|EU)\s*:?\s*(.+)")
FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4"}
UK_SIZE = re.compile(r"([A-Z])(?:\s*(1/2|\.5))?")
NUMBER_SIZE = re.compile(r"(\d{1,2})(?:[.,](\d{1,2}))?(?:\s*(1/2|1/4|3/4))?")


def parse_ring_label(
    label: str, system: str | None = None, default_system: str | None = None
) -> tuple[str, str, Decimal]:
    """(system, label as we write it, inner circumference in mm) of a size as jewelers write it:
    `US 5.75`, `5.75`, `6 1/2`, `UK R`, `R½`, `R 1/2`, `EU 52`. A system named in the label
    must agree with `system`; without either, `default_system` (a form's list) counts, and
    without that, letters are UK, 0-16 US and 38-76 EU (the ranges do not overlap).
    ValueError carries the message to show."""
    text = " ".join(str(label).split()).upper()
    for sign, spelled in FRACTIONS.items():
        text = text.replace(sign, " " + spelled)
    text = text.strip()
    named = None
    if prefixed := RING_PREFIX.fullmatch(text):
        named, text = prefixed.group(1), prefixed.group(2).strip()
    shown = str(label).strip()[:40]
    if named and system and named != system:
        raise ValueError(f"{shown} is a {named} size but the system given is {system}")
    system = named or system or default_system
    number = NUMBER_SIZE.fullmatch(text)
    size = _size_number(number) if number else None
    if system is None:
        if UK_SIZE.fullmatch(text):
            system = "UK"
        elif size is not None and (size <= 16 or 38 <= size <= 76):
            system = "US" if size <= 16 else "EU"
        else:
            raise ValueError(f"{shown} is not a ring size we can read; {RING_HELP}")
    if system == "UK" and (uk := UK_SIZE.fullmatch(text)):
        steps = Decimal(string.ascii_uppercase.index(uk.group(1))) + (
            Decimal("0.5") if uk.group(2) else 0
        )
        mm = Decimal("37.8") + Decimal("1.25") * steps
        return "UK", uk.group(1) + (" 1/2" if uk.group(2) else ""), mm.quantize(Decimal("0.01"))
    if system == "US" and size is not None and size <= 16 and not (size * 4) % 1:
        mm = Decimal("36.5") + Decimal("2.55") * size
        return "US", _plain(size), mm.quantize(Decimal("0.01"))
    if system == "EU" and size is not None and 38 <= size <= 76:
        return "EU", _plain(size), size.quantize(Decimal("0.01"))
    ranges = {"US": "0 to 16 in quarter sizes", "UK": "A to Z, with halves", "EU": "38 to 76"}
    article = "an" if system == "EU" else "a"
    raise ValueError(f"{shown} is not {article} {system} ring size ({ranges[system]}); {RING_HELP}")


def _size_number(match: re.Match[str]) -> Decimal | None:
    whole, decimals, fraction = match.groups()
    if decimals and fraction:
        return None
    size = Decimal(f"{whole}.{decimals}" if decimals else whole)
    if fraction:
        top, bottom = fraction.split("/")
        size += Decimal(top) / Decimal(bottom)
    return size


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def ring_size(
    check: Checker, value: dict[str, Any] | None
) -> tuple[Decimal | None, str | None, str | None]:
    """(inner circumference in mm, system, label) from a label (which may name its system, see
    parse_ring_label) or a circumference; `default_system` is the system a form's list chose."""
    if not value:
        return None, None, None
    system = str(value.get("system") or "").strip().upper() or None
    default = str(value.get("default_system") or "").strip().upper() or None
    label = str(value["label"]).strip() if value.get("label") not in (None, "") else None
    mm = _decimal(value["circumference_mm"]) if value.get("circumference_mm") is not None else None
    if (system and system not in RING_SYSTEMS) or (default and default not in RING_SYSTEMS):
        check.add("ring_size.system", "Ring size system must be US, UK or EU", "INVALID_CHOICE")
        return None, None, None
    if label:
        try:
            system, label, converted = parse_ring_label(label, system, default)
        except ValueError as exc:
            check.add("ring_size.label", str(exc), "INVALID_RING_SIZE")
            return None, None, None
        return converted, system, label
    if mm is not None:
        if not Decimal(35) <= mm <= Decimal(80):
            check.add(
                "ring_size.circumference_mm", "Circumference must be 35-80 mm", "OUT_OF_RANGE"
            )
            return None, None, None
        system = system or default or "EU"
        return mm.quantize(Decimal("0.01")), system, mm_to_label(system, mm)
    check.add(
        "ring_size", "Give a size label (e.g. US 6.5) or circumference_mm", "INVALID_RING_SIZE"
    )
    return None, None, None


def mm_to_label(system: str, mm: Decimal) -> str:
    """The nearest size of a system to an inner circumference, as parse_ring_label writes it."""
    if system == "US":
        return _plain(((mm - Decimal("36.5")) / Decimal("2.55") * 4).quantize(Decimal(1)) / 4)
    if system == "UK":
        steps = ((mm - Decimal("37.8")) / Decimal("1.25") * 2).quantize(Decimal(1)) / 2
        index = max(0, min(25, int(steps)))
        return string.ascii_uppercase[index] + (" 1/2" if steps % 1 else "")
    return str(mm.quantize(Decimal(1)))


def specifications(check: Checker, spec: dict[str, Any] | None) -> dict[str, Any]:
    """Validate the known keys of an item's specifications; unknown keys are kept as given."""
    spec = dict(spec or {})
    if "metal" in spec and not (isinstance(spec["metal"], str) and 0 < len(spec["metal"]) <= 80):
        check.add("specifications.metal", "metal must be text up to 80 characters", "INVALID")
    if "purity" in spec:
        purity = str(spec["purity"]).lower()
        if purity not in PURITIES:
            check.add(
                "specifications.purity",
                f"purity must be one of: {', '.join(PURITIES)}",
                "INVALID_CHOICE",
            )
        spec["purity"] = purity
    if "metal_weight_g" in spec:
        weight = (
            _decimal(spec["metal_weight_g"])
            if not isinstance(spec["metal_weight_g"], bool)
            else None
        )
        if weight is None or weight <= 0 or weight > 10000:
            check.add(
                "specifications.metal_weight_g",
                "metal_weight_g must be a positive number of grams",
                "OUT_OF_RANGE",
            )
    _stone(check, "specifications", spec)
    stones = spec.get("stones")
    if stones is not None:
        if not isinstance(stones, list) or len(stones) > 200:
            check.add("specifications.stones", "stones must be a list (at most 200)", "INVALID")
        else:
            for n, stone in enumerate(stones):
                if not isinstance(stone, dict):
                    check.add(
                        f"specifications.stones[{n}]", "each stone must be an object", "INVALID"
                    )
                else:
                    _stone(check, f"specifications.stones[{n}]", stone)
    cert = spec.get("certificate")
    if cert is not None:
        if not isinstance(cert, dict):
            check.add("specifications.certificate", "certificate must be an object", "INVALID")
        else:
            if cert.get("lab") is not None and cert["lab"] not in LABS:
                check.add(
                    "specifications.certificate.lab",
                    f"lab must be one of: {', '.join(LABS)}",
                    "INVALID_CHOICE",
                )
            number = cert.get("number")
            if number is not None and not (
                isinstance(number, str) and re.fullmatch(r"[A-Za-z0-9\-]{1,40}", number)
            ):
                check.add(
                    "specifications.certificate.number",
                    "certificate number: letters, digits and dashes",
                    "INVALID",
                )
    return spec


def _stone(check: Checker, prefix: str, stone: dict[str, Any]) -> None:
    if "color" in stone and stone["color"] is not None:
        color = str(stone["color"]).upper().replace("\u2013", "-")
        if len(color) == 2 and color.isalpha():
            color = f"{color[0]}-{color[1]}"
        if color not in GIA_COLORS:
            check.add(
                f"{prefix}.color",
                "color must be a GIA grade D-N or a range O-P … Y-Z",
                "INVALID_COLOR",
            )
        else:
            stone["color"] = color
    if "clarity" in stone and stone["clarity"] is not None:
        clarity = str(stone["clarity"]).upper()
        if clarity not in CLARITIES:
            check.add(
                f"{prefix}.clarity",
                f"clarity must be one of: {', '.join(CLARITIES)}",
                "INVALID_CLARITY",
            )
        else:
            stone["clarity"] = clarity
    if "cut" in stone and stone["cut"] is not None and str(stone["cut"]).title() not in CUTS:
        check.add(f"{prefix}.cut", f"cut must be one of: {', '.join(CUTS)}", "INVALID_CHOICE")
    if (
        "shape" in stone
        and stone["shape"] is not None
        and str(stone["shape"]).lower() not in SHAPES
    ):
        check.add(f"{prefix}.shape", f"shape must be one of: {', '.join(SHAPES)}", "INVALID_CHOICE")
    if "carat" in stone:
        carat = _decimal(stone["carat"]) if not isinstance(stone["carat"], bool) else None
        if carat is None or carat <= 0 or carat > 1000:
            check.add(f"{prefix}.carat", "carat must be a positive number", "OUT_OF_RANGE")
