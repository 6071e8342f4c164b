"""Round trip for every type and format: export from one business, import into an empty one,
export again; the files match (rows compared in any order: imported rows share a batch's
creation time, so their list order is not kept; orders are compared without their ids, which
are new in the second business).
"""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest

from tests.integration.transfer_helpers import run_export, run_import, tenant_api

CUSTOMERS = [
    {
        "full_name": "Olivia Bennett",
        "email": "olivia@example.com",
        "phone": "+1-555-0101",
        "company": "Bennett Interiors",
        "birthday": "1985-04-12",
        "anniversary": "2010-06-01",
        "ring_size": {"system": "US", "label": "6.5"},
        "notes": 'Prefers platinum;\nline two, with "quotes"',
        "tags": ["vip", "bridal"],
        "marketing_consent": True,
    },
    {"full_name": "=cmd|' /C calc'!A0", "email": "formula@example.com", "notes": "@SUM(1+1)"},
    {"full_name": "Liam Carter"},
    {
        "full_name": "Sophia Nguyễn",
        "email": "sophia@example.com",
        "ring_size": {"system": "UK", "label": "N 1/2"},
        "tags": ["collector"],
    },
    {
        "full_name": "Emma Rossi",
        "email": "emma@example.com",
        "ring_size": {"circumference_mm": 52.5},
    },
]
ITEMS = [
    {
        "sku": "RING-001",
        "name": "Diamond Solitaire",
        "category": "rings",
        "price": 2500.00,
        "quantity": 10,
        "specifications": {
            "metal": "18k White Gold",
            "purity": "18k",
            "carat": 1.5,
            "color": "F",
            "clarity": "VS1",
            "cut": "Excellent",
            "shape": "round",
            "metal_weight_g": 3.2,
            "certificate": {"lab": "GIA", "number": "2141438171"},
        },
    },
    {
        "sku": "NECK-001",
        "name": "Akoya Pearl Strand",
        "category": "necklaces",
        "price": 890.5,
        "quantity": 5,
        "specifications": {
            "metal": "14k Yellow Gold",
            "stones": [{"carat": 0.5, "color": "G"}, {"carat": 0.25}],
            "pearl_size_mm": "7-7.5",
        },
    },
    {
        "sku": "EAR-001",
        "name": "Emerald Drops",
        "category": "earrings",
        "price": 1650,
        "quantity": 3,
        "status": "on_memo",
    },
    {
        "sku": "BRAC/2024-01",
        "name": "+Tennis Bracelet",
        "category": "bracelets",
        "price": 0,
        "quantity": 0,
        "status": "sold",
    },
]


async def _seed(api: Any) -> None:
    ids = {}
    for c in CUSTOMERS:
        r = await api.post("/customers", json=c)
        assert r.status_code == 201, r.text
        ids[c["full_name"]] = r.json()["data"]["id"]
    items = {}
    for i in ITEMS:
        r = await api.post("/inventory", json=i)
        assert r.status_code == 201, r.text
        items[i["sku"]] = r.json()["data"]["id"]
    orders = [
        (
            "Olivia Bennett",
            [("RING-001", 1, None)],
            ["confirmed"],
            {"payment_status": "partially_paid"},
        ),
        (
            "Sophia Nguyễn",
            [("NECK-001", 2, 850), ("RING-001", 1, 2400)],
            ["confirmed", "in_production", "ready", "completed"],
            {"payment_status": "paid", "notes": "gift wrap"},
        ),
        ("=cmd|' /C calc'!A0", [("EAR-001", 1, None)], ["cancelled"], {}),
    ]
    for name, lines, statuses, extra in orders:
        body = {
            "customer_id": ids[name],
            "items": [
                {"inventory_id": items[sku], "quantity": q, **({"unit_price": p} if p else {})}
                for sku, q, p in lines
            ],
        }
        r = await api.post("/orders", json=body)
        assert r.status_code == 201, r.text
        oid = r.json()["data"]["id"]
        for status in statuses:
            assert (await api.patch(f"/orders/{oid}", json={"status": status})).status_code == 200
        if extra:
            assert (await api.patch(f"/orders/{oid}", json=extra)).status_code == 200


def _rows(fmt: str, content: bytes, drop: tuple[str, ...] = ()) -> list[str]:
    """A file's records as sorted canonical strings (for CSV/JSON/XML: its record lines)."""
    if fmt == "excel":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header = list(rows[0])
        keep = [n for n, h in enumerate(header) if h not in drop]
        return sorted(json.dumps([r[n] for n in keep], default=str) for r in rows)
    if fmt == "json":
        records = json.loads(content)
        return sorted(json.dumps({k: v for k, v in r.items() if k not in drop}) for r in records)
    text = content.decode("utf-8-sig")
    if fmt == "csv":
        import csv

        rows = list(csv.reader(io.StringIO(text)))
        keep = [n for n, h in enumerate(rows[0]) if h not in drop]
        return sorted(json.dumps([r[n] for n in keep]) for r in rows)
    import re

    lines = text.splitlines()
    for name in drop:
        lines = [re.sub(f"<{name}>[^<]*</{name}>", "", line) for line in lines]
    return sorted(lines)


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "excel"])
async def test_round_trip(api: Any, app: Any, worker: Any, fmt: str) -> None:
    await _seed(api)
    first = {}
    for data_type in ("customers", "inventory", "orders"):
        job, first[data_type] = await run_export(api, app, data_type, fmt)
        assert job["result"]["exported"] == {"customers": 5, "inventory": 4, "orders": 3}[data_type]
    async with tenant_api(app) as empty:
        for data_type in ("customers", "inventory", "orders"):
            expected = {"customers": 5, "inventory": 4, "orders": 3}[data_type]
            job = await run_import(empty, app, data_type, fmt, first[data_type])
            assert job["result"]["created"] == expected, job
            assert job["result"]["errors"] == 0, job
            drop = ("id",) if data_type == "orders" else ()
            _, again = await run_export(empty, app, data_type, fmt)
            assert _rows(fmt, again, drop) == _rows(fmt, first[data_type], drop), data_type
            # The same file again changes nothing (inventory before orders take stock).
            job = await run_import(empty, app, data_type, fmt, first[data_type])
            assert job["result"]["created"] == job["result"]["updated"] == 0, job
            assert job["result"]["unchanged"] == expected, job
