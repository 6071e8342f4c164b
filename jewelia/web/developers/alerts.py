"""Developers > Alerts: the business's alert rules, a form to add one, open and recent incidents
with Acknowledge / Resolve, and the member's weekly usage report opt-in.

Owners and admins manage rules (the API asks for the admin permission); members acknowledge and
resolve incidents; read-only members look. Every form works without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.api import Page
from jewelia.core.errors import PermissionDenied, ValidationFailed
from jewelia.platform.analytics import alerts
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import number, require_writer, whole

Req = Request[Any, Any, Any]
BASE = "/developers/alerts"
RECENT = 20
EMPTY_FORM: dict[str, Any] = {
    "name": "",
    "metric": "error_rate",
    "comparison": "above",
    "threshold": "",
    "window_minutes": 5,
    "cooldown_minutes": 60,
    "channels": list(alerts.CHANNELS),
    "route": "",
}


def _require_admin(ctx: PageContext) -> None:
    if not ctx.current.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage alert rules")


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    ref = ctx.tenant.ref
    open_rows, _ = await alerts.list_incidents(ref, Page(1, 100), "open")
    recent, _ = await alerts.list_incidents(ref, Page(1, RECENT), "resolved")
    values: dict[str, Any] = {"errors": {}, "values": dict(EMPTY_FORM)}
    values.update(extra)
    return render(
        "alerts/alerts.html",
        ctx,
        rules=await alerts.list_rules(ref),
        open_incidents=open_rows,
        recent=recent,
        subscribed=await alerts.report_subscribed(ref, ctx.user.id),
        metrics=alerts.LABELS,
        units=alerts.UNITS,
        channels=alerts.CHANNELS,
        can_manage=ctx.current.can_manage_team,
        can_write=ctx.current.can_write,
        status_code=status_code,
        **values,
    )


@get(BASE, name="developer_alerts")
async def alerts_page(request: Req) -> Template:
    return await _page(await page_context(request))


async def rule_input(request: Req) -> dict[str, Any]:
    """Service input from the rule form (the service reports what is wrong with it)."""
    form = await request.form()
    text = {k: str(form.get(k, "") or "").strip() for k in EMPTY_FORM if k != "channels"}
    return {
        "name": text["name"],
        "metric": text["metric"],
        "comparison": text["comparison"] or "above",
        "threshold": number(text["threshold"]),
        "window_minutes": whole(text["window_minutes"]),
        "cooldown_minutes": whole(text["cooldown_minutes"], 60),
        "channels": [str(c) for c in form.getall("channels")] if "channels" in form else [],
        "route": text["route"] or None,
    }


@post(BASE)
async def create(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    data = await rule_input(request)
    try:
        rule = await alerts.create_rule(ctx.tenant.ref, data, ctx.user.actor)
    except ValidationFailed as exc:
        shown = {**data, "route": data["route"] or ""}
        return await _page(ctx, status_code=422, errors=exc.by_field(), values=shown)
    return redirect_with(request, BASE, f"Alert rule “{rule['name']}” added.")


@post(f"{BASE}/{{rule_id:uuid}}/enable")
async def enable(request: Req, rule_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    await alerts.update_rule(ctx.tenant.ref, rule_id, {"enabled": True}, ctx.user.actor)
    return redirect_with(request, BASE, "Alert rule enabled.")


@post(f"{BASE}/{{rule_id:uuid}}/disable")
async def disable(request: Req, rule_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    await alerts.update_rule(ctx.tenant.ref, rule_id, {"enabled": False}, ctx.user.actor)
    return redirect_with(request, BASE, "Alert rule disabled: it is not evaluated until enabled.")


@post(f"{BASE}/{{rule_id:uuid}}/delete")
async def delete(request: Req, rule_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    rule = await alerts.get_rule(ctx.tenant.ref, rule_id)  # another business's id: 404
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question=f"Delete the alert rule “{rule['name']}” and its incidents?",
            label="Delete rule",
            yes="Yes, delete",
            back=BASE,
        )
    await alerts.delete_rule(ctx.tenant.ref, rule_id, ctx.user.actor)
    return redirect_with(request, BASE, f"Alert rule “{rule['name']}” deleted.")


@post(f"{BASE}/incidents/{{incident_id:uuid}}/acknowledge")
async def acknowledge(request: Req, incident_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    await alerts.acknowledge(ctx.tenant.ref, incident_id, ctx.user.actor)
    return redirect_with(request, BASE, "Incident acknowledged: no more notifications for it.")


@post(f"{BASE}/incidents/{{incident_id:uuid}}/resolve")
async def resolve(request: Req, incident_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    await alerts.resolve(ctx.tenant.ref, incident_id, ctx.user.actor)
    return redirect_with(request, BASE, "Incident resolved.")


@post(f"{BASE}/report")
async def weekly_report(request: Req) -> Redirect:
    ctx = await page_context(request)
    on = (await request.form()).get("weekly_report") == "on"
    await alerts.set_report_subscription(ctx.tenant.ref, ctx.user.id, on)
    message = (
        "You will get the weekly usage report each Monday."
        if on
        else "You will no longer get the weekly usage report."
    )
    return redirect_with(request, BASE, message)


router = Router(
    path="/",
    route_handlers=[
        alerts_page,
        create,
        enable,
        disable,
        delete,
        acknowledge,
        resolve,
        weekly_report,
    ],
    include_in_schema=False,
)
