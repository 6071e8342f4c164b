"""`make dev`'s demo flows: made from templates, three switched on, and their first runs
succeed on a real worker (leads become customers, the sales report is written and mailed)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.builder.demo import seed_demo_flows
from jewelia.tenants.builder.engine import runs


async def test_demo_flows_and_their_first_runs(db: None, worker: Any) -> None:
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    email = unique_email("demo")
    _, tenant = await accounts.signup(
        f"Demo Gems {uuid.uuid4().hex[:6]}",
        "Avery Demo",
        email,
        STRONG_PASSWORD,
        plan="professional",
    )
    await seed_demo_flows(tenant.ref, email)
    await seed_demo_flows(tenant.ref, email)  # a second dev start adds nothing
    async with tenant_scope(tenant.ref):
        flows = await fetch("SELECT name, is_active, published_version FROM flow ORDER BY name")
    assert len(flows) == 4
    assert sum(f["is_active"] for f in flows) == 3
    deadline = time.monotonic() + 60
    while True:
        listed, _, _ = await runs.list_runs(tenant.ref, Page(page=1, limit=20))
        if listed and all(r["status"] in ("succeeded", "failed") for r in listed):
            break
        assert time.monotonic() < deadline, listed
        await asyncio.sleep(0.2)
    failed = [(r["flow_name"], r["error"]) for r in listed if r["status"] != "succeeded"]
    assert len(listed) == 4 and not failed, failed
    async with tenant_scope(tenant.ref):
        leads = await fetch("SELECT email FROM customer WHERE tags @> $1::jsonb", '["web-lead"]')
    assert len(leads) == 3
