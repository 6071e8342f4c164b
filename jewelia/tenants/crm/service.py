"""CRM reads used by the dashboard, and the demo data for `make dev`."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.tenants.audit.service import Actor, record


@dataclass(frozen=True)
class Overview:
    """Headline numbers for the dashboard."""

    customers: int
    inventory_items: int
    units_in_stock: int
    stock_value: Decimal
    orders: int
    open_orders: int
    revenue: Decimal
    orders_by_status: dict[str, int]


async def overview(tenant: TenantRef) -> Overview:
    """Counts and totals for one business."""
    async with tenant_scope(tenant):
        row = (
            await fetch(
                "SELECT (SELECT count(*) FROM customer) AS customers,"
                " (SELECT count(*) FROM inventory_item) AS inventory_items,"
                " (SELECT coalesce(sum(quantity), 0) FROM inventory_item) AS units_in_stock,"
                " (SELECT coalesce(sum(price * quantity), 0) FROM inventory_item) AS stock_value,"
                " (SELECT count(*) FROM sales_order) AS orders,"
                " (SELECT count(*) FROM sales_order WHERE status NOT IN ('completed','cancelled'))"
                "   AS open_orders,"
                " (SELECT coalesce(sum(total_amount), 0) FROM sales_order"
                "   WHERE status <> 'cancelled') AS revenue"
            )
        )[0]
        by_status = await fetch("SELECT status, count(*) AS n FROM sales_order GROUP BY status")
    return Overview(
        **{k: row[k] for k in row}, orders_by_status={r["status"]: r["n"] for r in by_status}
    )


DEMO_CUSTOMERS = [
    ("Olivia Bennett", "olivia.bennett@example.com", "+15550100101", "Bennett Interiors"),
    ("Liam Carter", "liam.carter@example.com", "+15550100102", None),
    ("Sophia Nguyen", "sophia.nguyen@example.com", "+15550100103", "Nguyen & Co"),
    ("Noah Patel", "noah.patel@example.com", "+15550100104", None),
    ("Emma Rossi", "emma.rossi@example.com", "+15550100105", "Rossi Design Studio"),
    ("James O'Brien", "james.obrien@example.com", "+15550100106", None),
]

DEMO_ITEMS = [
    (
        "RING-001",
        "Diamond Solitaire Engagement Ring",
        "rings",
        "2500.00",
        5,
        {"metal": "18k White Gold", "stone": "1.5ct Diamond", "clarity": "VS1", "color": "F"},
    ),
    (
        "RING-002",
        "Sapphire Halo Ring",
        "rings",
        "1200.00",
        3,
        {"metal": "14k Yellow Gold", "stone": "2.0ct Sapphire", "clarity": "VS2"},
    ),
    ("NECK-001", "Akoya Pearl Strand", "necklaces", "890.00", 4, {"metal": "14k Yellow Gold"}),
    (
        "EAR-001",
        "Emerald Drop Earrings",
        "earrings",
        "1650.00",
        2,
        {"metal": "Platinum 950", "stone": "1.2ct Emerald"},
    ),
    (
        "BRAC-001",
        "Tennis Bracelet",
        "bracelets",
        "3400.00",
        1,
        {"metal": "18k White Gold", "stone": "5.0ct Diamond", "clarity": "SI1"},
    ),
    ("WATCH-001", "Vintage Gold Watch", "watches", "4200.00", 1, {"metal": "18k Yellow Gold"}),
]


async def seed_demo(tenant: TenantRef) -> None:
    """Sample customers, inventory and orders for a demo business (skipped when present)."""
    async with tenant_scope(tenant):
        if (await fetch("SELECT count(*) AS n FROM customer"))[0]["n"]:
            return
        customer_ids = []
        for name, email, phone, company in DEMO_CUSTOMERS:
            cid = uuid.uuid4()
            customer_ids.append(cid)
            await execute(
                "INSERT INTO customer (id, full_name, email, phone, company)"
                " VALUES ($1, $2, $3, $4, $5)",
                cid,
                name,
                email,
                phone,
                company,
            )
        items = []
        for sku, name, category, price_text, qty, spec in DEMO_ITEMS:
            iid = uuid.uuid4()
            price = Decimal(str(price_text))
            items.append((iid, price))
            await execute(
                "INSERT INTO inventory_item (id, sku, name, category, price, quantity,"
                " specifications) VALUES ($1,$2,$3,$4,$5,$6,$7)",
                iid,
                sku,
                name,
                category,
                Decimal(price),
                qty,
                json.dumps(spec),
            )
        for n, status in enumerate(["pending", "confirmed", "in_production", "completed"]):
            oid = uuid.uuid4()
            item_id, price = items[n]
            await execute(
                "INSERT INTO sales_order (id, customer_id, status, payment_status, total_amount)"
                " VALUES ($1, $2, $3, $4, $5)",
                oid,
                customer_ids[n],
                status,
                "paid" if status == "completed" else "pending",
                price,
            )
            await execute(
                "INSERT INTO order_item (id, order_id, inventory_id, quantity, unit_price)"
                " VALUES ($1, $2, $3, 1, $4)",
                uuid.uuid4(),
                oid,
                item_id,
                price,
            )
        await record(
            Actor.system("demo"),
            "demo.seeded",
            "tenant",
            tenant.id,
            None,
            {"customers": len(DEMO_CUSTOMERS), "items": len(DEMO_ITEMS), "orders": 4},
        )
