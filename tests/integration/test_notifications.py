"""In-app notifications: a flow's in_app step (a real run on a real worker) writes one
notification in its step's transaction; the API lists them with the unread count and marks them
read; the app's layout shows a bell with the count, linking to the notifications page; another
business sees none of them."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.notifications import service
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import form_post


async def _finished(tenant: Any, run_id: uuid.UUID) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        run = await runs.get_run(tenant.ref, run_id)
        if run["status"] in ("succeeded", "failed", "cancelled"):
            return run
        assert time.monotonic() < deadline, run
        await asyncio.sleep(0.05)


async def test_a_flow_notifies_once_and_members_read_it(api: Any, worker: Any) -> None:
    flow_id = uuid.uuid4()
    definition = {
        "triggers": [{"type": "api_call", "config": {}}],
        "actions": [
            {
                "id": "tell",
                "type": "notification",
                "config": {
                    "channel": "in_app",
                    "subject": "Order {{ trigger.number }} paid",
                    "body": "{{ trigger.customer }} paid {{ trigger.total }}",
                },
            }
        ],
    }
    run_id = await runs.start_run(
        api.tenant.ref,
        flow_id=flow_id,
        flow_name="Paid orders",
        definition=definition,
        trigger_type="api_call",
        payload={"number": "A-17", "customer": "Ada", "total": "120.00"},
    )
    run = await _finished(api.tenant, run_id)
    assert run["status"] == "succeeded", run
    [step] = run["steps"]
    assert step["output"]["channel"] == "in_app"

    listed = await api.get("/notifications")
    assert listed.status_code == 200, listed.text
    [note] = listed.json()["data"]
    assert note["title"] == "Order A-17 paid" and note["body"] == "Ada paid 120.00"
    assert note["source"] == {"type": "flow", "id": str(flow_id)} and note["read"] is False
    assert note["id"] == step["output"]["notificationId"]
    assert (await api.get("/notifications/unread-count")).json()["data"] == {"unread": 1}

    # The step's idempotency key makes a second write of the same step a no-op.
    async with tenant_scope(api.tenant.ref):
        again = await service.add("Order A-17 paid", "x", idempotency_key=f"{run_id}:tell")
        count = await fetch("SELECT count(*) AS n FROM notification")
    assert str(again["id"]) == note["id"] and count[0]["n"] == 1

    read = await api.post(f"/notifications/{note['id']}/read")
    assert read.status_code == 200 and read.json()["data"]["read"] is True
    assert (await api.get("/notifications/unread-count")).json()["data"] == {"unread": 0}
    assert (await api.get("/notifications", params={"unread": "true"})).json()["data"] == []
    missing = await api.post(f"/notifications/{uuid.uuid4()}/read")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"


async def test_bell_page_and_isolation(client: Any, api: Any) -> None:
    from jewelia.platform.accounts import service as accounts

    email = unique_email("bell")
    _, tenant = await accounts.signup("Bell Gems", "Bea Bell", email, STRONG_PASSWORD)
    for n in range(3):
        await service.create_notification(tenant.ref, f"Stock low {n}", f"Ring {n} <b>low</b>")
    logged = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
    assert logged.status_code == 200

    dashboard = await client.get("/app")
    assert (
        'id="notification-bell"' in dashboard.text and 'href="/app/notifications"' in dashboard.text
    )
    bell = await client.get("/app/notifications/bell")
    assert 'data-count="3"' in bell.text and "3 unread" in bell.text

    page = await client.get("/app/notifications")
    assert page.status_code == 200
    assert "Stock low 2" in page.text and "Ring 2 &lt;b&gt;low&lt;/b&gt;" in page.text
    assert '<span id="unread-count">3</span>' in page.text
    done = await form_post(client, "/app/notifications", {}, "/app/notifications/read-all")
    assert done.status_code == 200 and '<span id="unread-count">0</span>' in done.text
    assert "data-count" not in (await client.get("/app/notifications/bell")).text

    # Another business (the api fixture's) sees none of these, and cannot mark them.
    assert (await api.get("/notifications")).json()["data"] == []
    rows, _, _, _ = await service.list_notifications(tenant.ref, Page(page=1, limit=10))
    other = await api.post(f"/notifications/{rows[0]['id']}/read")
    assert other.status_code == 404
