"""Developers > Webhooks: endpoints with their success rate and latency, the event catalog,
each endpoint's deliveries and attempts, test events, replay and recovery.

Owners and admins manage endpoints (as the API asks for the admin permission); members may send
test events, replay and recover; read-only members look. Pages work without JavaScript; with
htmx, rows are swapped in place and `webhooks_live` streams new outcomes as they happen.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from markupsafe import Markup, escape

from jewelia.core.api import page_of
from jewelia.core.errors import AppError, PermissionDenied, ValidationFailed
from jewelia.platform.billing.limits import PlanLimitExceeded
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.outbound import service
from jewelia.tenants.webhooks.outbound.test_event import send_test_event
from jewelia.web.actions import PAGE_ACTION_ERRORS, charge_page_action
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.developers.webhooks_live import ENDPOINTS_PAGE_SIZE, stats_view, stream
from jewelia.web.forms import require_writer

Req = Request[Any, Any, Any]
BASE = "/developers/webhooks"
PAGE_SIZE = 20
SINCE_FORMAT = "%Y-%m-%dT%H:%M"


def _require_admin(ctx: PageContext) -> None:
    if not ctx.current.can_manage_team:
        raise PermissionDenied("Only owners and admins can manage webhook endpoints")


def _is_htmx(request: HTMXRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def pretty(value: Any) -> str:
    """JSON for reading (indented, non-ASCII kept)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _pretty_text(text: str | None) -> str:
    try:
        return pretty(json.loads(text or ""))
    except ValueError:
        return text or ""


def for_display(delivery: dict[str, Any]) -> dict[str, Any]:
    """A delivery with its payload and each attempt's headers and bodies laid out to read."""
    delivery["payload_text"] = pretty(delivery["payload"])
    for a in delivery["attempts"]:
        a["request_headers_text"] = "\n".join(f"{k}: {v}" for k, v in a["request_headers"].items())
        a["request_body_text"] = _pretty_text(a["request_body"])
        a["response_headers_text"] = "\n".join(
            f"{k}: {v}" for k, v in (a["response_headers"] or {}).items()
        )
    return delivery


def ticks_to_code(text: str) -> Markup:
    """`name` in a catalog description as <code>name</code>, everything else escaped."""
    parts = text.split("`")
    code = Markup("<code>%s</code>")
    return Markup("").join(code % p if n % 2 else escape(p) for n, p in enumerate(parts))


def catalog_groups() -> list[dict[str, Any]]:
    """The catalog by category, for the event checkboxes and the reference."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in catalog.describe():
        event["description_html"] = ticks_to_code(event["description"])
        event["example_text"] = pretty(event["example"])
        event["schema_text"] = pretty(event["schema"])
        groups.setdefault(event["category"], []).append(event)
    return [{"category": c, "events": e} for c, e in groups.items()]


async def endpoint_input(request: Req) -> dict[str, Any]:
    """Service input from the endpoint form (a blank secret means: generate one)."""
    form = await request.form()
    data: dict[str, Any] = {
        "url": str(form.get("url", "") or "").strip(),
        "events": [str(e) for e in form.getall("events")] if "events" in form else [],
        "description": str(form.get("description", "") or "").strip(),
    }
    secret = str(form.get("secret", "") or "").strip()
    if secret:
        data["secret"] = secret
    return data


async def _list_page(
    ctx: PageContext, page: int = 1, status_code: int = 200, **extra: Any
) -> Template:
    paging = page_of(page, ENDPOINTS_PAGE_SIZE)
    endpoints, total = await service.list_endpoints(ctx.tenant.ref, paging)
    values: dict[str, Any] = {"errors": {}, "values": {"events": []}, "new_secret": None}
    values.update(extra)
    return render(
        "webhooks/endpoints.html",
        ctx,
        endpoints=endpoints,
        stats=await service.endpoint_stats(ctx.tenant.ref),
        total=total,
        page=paging.page,
        pages=max(1, -(-total // ENDPOINTS_PAGE_SIZE)),
        groups=catalog_groups(),
        can_manage=ctx.current.can_manage_team,
        status_code=status_code,
        **values,
    )


@get(BASE, name="webhooks")
async def endpoints_page(request: Req, page: int = 1) -> Template:
    return await _list_page(await page_context(request), page)


@post(BASE)
async def create(request: Req) -> Template:
    ctx = await page_context(request)
    _require_admin(ctx)
    data = await endpoint_input(request)
    try:
        endpoint, secret = await service.create_endpoint(ctx.tenant.ref, ctx.user.actor, data)
    except ValidationFailed as exc:
        data.pop("secret", None)  # never echo a secret back into the page
        return await _list_page(ctx, status_code=422, errors=exc.by_field(), values=data)
    except PlanLimitExceeded as exc:
        data.pop("secret", None)
        return await _list_page(ctx, status_code=exc.status_code, error=exc.message, values=data)
    return await _list_page(
        ctx, status_code=201, new_secret={"endpoint": endpoint, "secret": secret}
    )


async def _deliveries_view(
    ctx: PageContext, endpoint_id: uuid.UUID, page: int, status: str | None
) -> dict[str, Any]:
    status = status if status in service.DELIVERY_STATUSES else None
    paging = page_of(page, PAGE_SIZE)
    rows, total = await service.list_deliveries(ctx.tenant.ref, endpoint_id, paging, status)
    return {
        "deliveries": rows,
        "total": total,
        "page": paging.page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "status": status or "",
        "statuses": service.DELIVERY_STATUSES,
        "page_size": PAGE_SIZE,
    }


async def _endpoint_page(
    ctx: PageContext,
    endpoint_id: uuid.UUID,
    page: int = 1,
    status: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    endpoint = await service.get_endpoint(ctx.tenant.ref, endpoint_id)
    values: dict[str, Any] = {"new_secret": None, "errors": {}, "values": None}
    values.update(extra)
    if values["values"] is None:
        values["values"] = endpoint
    since = (datetime.now(UTC) - timedelta(days=1)).strftime(SINCE_FORMAT)
    return render(
        "webhooks/endpoint.html",
        ctx,
        **await stats_view(ctx.tenant, endpoint),
        **await _deliveries_view(ctx, endpoint_id, page, status),
        groups=catalog_groups(),
        can_manage=ctx.current.can_manage_team,
        can_write=ctx.current.can_write,
        recover_since=since,
        status_code=status_code,
        **values,
    )


@get(f"{BASE}/{{endpoint_id:uuid}}", name="webhook_endpoint")
async def endpoint_page(
    request: HTMXRequest, endpoint_id: uuid.UUID, page: int = 1, status: str | None = None
) -> Template:
    ctx = await page_context(request)
    if _is_htmx(request) and request.htmx.target == "deliveries":
        response = render(
            "webhooks/_deliveries.html",
            ctx,
            endpoint={"id": endpoint_id},
            can_write=ctx.current.can_write,
            **await _deliveries_view(ctx, endpoint_id, page, status),
        )
    else:
        response = await _endpoint_page(ctx, endpoint_id, page, status)
    response.headers["Vary"] = "HX-Request"
    return response


@post(f"{BASE}/{{endpoint_id:uuid}}/edit")
async def edit(request: Req, endpoint_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    data = await endpoint_input(request)
    data.pop("secret", None)
    try:
        await service.update_endpoint(ctx.tenant.ref, ctx.user.actor, endpoint_id, data)
    except ValidationFailed as exc:
        return await _endpoint_page(
            ctx, endpoint_id, status_code=422, errors=exc.by_field(), values=data
        )
    return redirect_with(request, f"{BASE}/{endpoint_id}", "Endpoint saved.")


async def _switch(request: Req, endpoint_id: uuid.UUID, enabled: bool) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not enabled and not await confirmed(request):
        return await _ask(
            request,
            ctx,
            endpoint_id,
            "Disable this endpoint? No events are sent to it until you enable it again.",
            "Disable",
            "Yes, disable",
        )
    await service.update_endpoint(ctx.tenant.ref, ctx.user.actor, endpoint_id, {"enabled": enabled})
    message = "Endpoint enabled." if enabled else "Endpoint disabled: no events are sent to it."
    return redirect_with(request, f"{BASE}/{endpoint_id}", message)


async def _ask(
    request: Req, ctx: PageContext, endpoint_id: uuid.UUID, question: str, label: str, yes: str
) -> Template:
    await service.get_endpoint(ctx.tenant.ref, endpoint_id)  # another business's id: 404
    back = f"{BASE}/{endpoint_id}"
    return await ask_first(request, ctx, question=question, label=label, yes=yes, back=back)


@post(f"{BASE}/{{endpoint_id:uuid}}/enable")
async def enable(request: Req, endpoint_id: uuid.UUID) -> Template | Redirect:
    return await _switch(request, endpoint_id, True)


@post(f"{BASE}/{{endpoint_id:uuid}}/disable")
async def disable(request: Req, endpoint_id: uuid.UUID) -> Template | Redirect:
    return await _switch(request, endpoint_id, False)


@post(f"{BASE}/{{endpoint_id:uuid}}/rotate")
async def rotate(request: Req, endpoint_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    _require_admin(ctx)
    if not await confirmed(request):
        return await _ask(
            request,
            ctx,
            endpoint_id,
            "Rotate the signing secret? The old one keeps signing beside it for 24 hours.",
            "Rotate secret",
            "Yes, rotate",
        )
    endpoint, secret = await service.rotate_secret(ctx.tenant.ref, ctx.user.actor, endpoint_id)
    return await _endpoint_page(
        ctx, endpoint_id, status_code=201, new_secret={"endpoint": endpoint, "secret": secret}
    )


@post(f"{BASE}/{{endpoint_id:uuid}}/delete")
async def delete(request: Req, endpoint_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    _require_admin(ctx)
    endpoint = await service.get_endpoint(ctx.tenant.ref, endpoint_id)
    if not await confirmed(request):
        return await _ask(
            request,
            ctx,
            endpoint_id,
            f"Delete the endpoint {endpoint['url']} with its deliveries and attempts?"
            " This cannot be undone.",
            "Delete endpoint",
            "Yes, delete",
        )
    await service.delete_endpoint(ctx.tenant.ref, ctx.user.actor, endpoint_id)
    return redirect_with(request, BASE, f"Endpoint {endpoint['url']} deleted.")


def _delivery_group(
    ctx: PageContext, delivery: dict[str, Any], expanded: bool, status_code: int = 200
) -> Template:
    return render(
        "webhooks/_delivery.html",
        ctx,
        d=delivery,
        expanded=expanded,
        can_write=ctx.current.can_write,
        status_code=status_code,
    )


@post(f"{BASE}/{{endpoint_id:uuid}}/test", exception_handlers=PAGE_ACTION_ERRORS)
async def send_test(request: HTMXRequest, endpoint_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    await charge_page_action(ctx)
    back = f"{BASE}/{endpoint_id}"
    try:
        delivery = await send_test_event(ctx.tenant.ref, ctx.user.actor, endpoint_id)
    except AppError as exc:
        if _is_htmx(request):
            raise
        return redirect_with(request, back, exc.message, "error")
    if _is_htmx(request):
        return _delivery_group(ctx, delivery, expanded=False, status_code=202)
    return redirect_with(request, back, "Test event queued: it is listed below once sent.")


@post(f"{BASE}/{{endpoint_id:uuid}}/recover", exception_handlers=PAGE_ACTION_ERRORS)
async def recover(request: Req, endpoint_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    await charge_page_action(ctx)
    back = f"{BASE}/{endpoint_id}"
    text = str((await request.form()).get("since", "") or "")
    try:
        since = datetime.strptime(text, SINCE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return redirect_with(request, back, "Choose the date and time to recover from.", "error")
    queued = await service.recover_failed(ctx.tenant.ref, ctx.user.actor, endpoint_id, since)
    if not queued:
        return redirect_with(request, back, f"No failed deliveries since {text.replace('T', ' ')}.")
    noun = "delivery" if queued == 1 else "deliveries"
    return redirect_with(request, back, f"{queued} failed {noun} queued again.")


@get(f"{BASE}/deliveries/{{delivery_id:uuid}}", name="webhook_delivery")
async def delivery_page(
    request: HTMXRequest, delivery_id: uuid.UUID, view: str | None = None
) -> Template:
    ctx = await page_context(request)
    delivery = for_display(await service.get_delivery(ctx.tenant.ref, delivery_id))
    if _is_htmx(request):
        response = _delivery_group(ctx, delivery, expanded=view != "row")
    else:
        endpoint = await service.get_endpoint(ctx.tenant.ref, delivery["endpoint_id"])
        response = render(
            "webhooks/delivery.html",
            ctx,
            d=delivery,
            endpoint=endpoint,
            can_write=ctx.current.can_write,
        )
    response.headers["Vary"] = "HX-Request"
    return response


@post(f"{BASE}/deliveries/{{delivery_id:uuid}}/replay", exception_handlers=PAGE_ACTION_ERRORS)
async def replay(request: HTMXRequest, delivery_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    await charge_page_action(ctx)
    form = await request.form()
    await service.replay_delivery(ctx.tenant.ref, ctx.user.actor, delivery_id)
    delivery = for_display(await service.get_delivery(ctx.tenant.ref, delivery_id))
    if _is_htmx(request):
        return _delivery_group(ctx, delivery, form.get("expanded") == "1", status_code=202)
    back = (
        f"{BASE}/deliveries/{delivery_id}"
        if form.get("back") == "delivery"
        else f"{BASE}/{delivery['endpoint_id']}"
    )
    return redirect_with(request, back, "Delivery queued again: a new attempt follows shortly.")


router = Router(
    path="/",
    route_handlers=[
        endpoints_page,
        create,
        stream,
        endpoint_page,
        edit,
        enable,
        disable,
        rotate,
        delete,
        send_test,
        recover,
        delivery_page,
        replay,
    ],
    include_in_schema=False,
)
