"""An API row becomes a file record: nested (JSON, XML) or flattened columns (CSV, Excel)."""

from __future__ import annotations

import json
from typing import Any

from jewelia.tenants.transfer.mapping.fields import RING_COLUMNS, SPEC_COLUMNS


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
