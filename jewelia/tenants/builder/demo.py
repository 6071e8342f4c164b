"""Demo flows for `make dev`: four flows made from templates, three switched on, and a few runs
queued so the builder's list, run history and figures have something to show."""

from __future__ import annotations

from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.builder import service
from jewelia.tenants.builder.engine import runs

LEADS = (
    ("Ada", "Lovelace", "ada.lovelace@example.com", "Looking for an engagement ring"),
    ("Grace", "Hopper", "grace.hopper@example.com", "Can you resize a vintage band?"),
    ("Katherine", "Johnson", "katherine.johnson@example.com", "Anniversary gift ideas"),
)


def _flows(owner_email: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "Website leads to CRM",
            "template": "webhook_to_crm",
            "settings": {"lead_tag": "web-lead"},
            "isActive": True,
        },
        {
            "name": "Low stock alert",
            "template": "low_stock_alert",
            "settings": {"threshold": 3, "alert_email": owner_email},
            "isActive": True,
        },
        {
            "name": "Daily sales report",
            "template": "daily_sales_report",
            "settings": {"report_email": owner_email, "cron": "0 18 * * *"},
            "isActive": True,
        },
        {"name": "Customer data sync (draft)", "template": "data_sync", "isActive": False},
    ]


async def seed_demo_flows(tenant: TenantRef, owner_email: str) -> None:
    """The demo flows and their first runs (skipped when the business has flows already)."""
    async with tenant_scope(tenant):
        if (await fetch("SELECT count(*) AS n FROM flow"))[0]["n"]:
            return
    actor = Actor("system", None, "Demo data")
    made = {}
    for body in _flows(owner_email):
        flow = await service.create_flow(tenant, actor, body)
        made[body["template"]] = flow["id"]
    for first, last, email, message in LEADS:
        payload = {
            "contact": {"first_name": first, "last_name": last, "email": email},
            "message": message,
        }
        await runs.start_flow_run(tenant, made["webhook_to_crm"], "manual", payload)
    await runs.start_flow_run(tenant, made["daily_sales_report"], "manual", {})
