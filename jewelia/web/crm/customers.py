"""Customer pages: searchable list, detail with orders and history, create and edit forms."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.api import page_of, parse_page
from jewelia.core.db import tenant_scope
from jewelia.core.errors import Conflict, ValidationFailed
from jewelia.tenants.audit import service as audit
from jewelia.tenants.crm.customers import service
from jewelia.tenants.crm.orders import service as orders
from jewelia.tenants.crm.rules import RING_SYSTEMS
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict, optional, require_writer

Req = Request[Any, Any, Any]
PAGE_SIZE = 25


def customer_input(values: dict[str, str]) -> dict[str, Any]:
    """Service input from the customer form."""
    data: dict[str, Any] = {"full_name": values.get("full_name", "")}
    data.update(optional(values, "email", "phone", "company", "birthday", "anniversary"))
    data["notes"] = values.get("notes", "")
    data["tags"] = [t.strip() for t in values.get("tags", "").split(",") if t.strip()]
    data["marketing_consent"] = values.get("marketing_consent") == "on"
    if values.get("ring_label"):
        data["ring_size"] = {
            # the list's system unless the size names its own ("UK N", as the hint shows)
            "default_system": values.get("ring_system") or "US",
            "label": values["ring_label"],
        }
    else:
        data["ring_size"] = None
    return data


def history_line(entry: audit.AuditEntry) -> str:
    """An audit entry in words: what happened and, for changes, which fields."""
    verb = entry.action.rsplit(".", 1)[-1]
    if verb == "updated" and isinstance(entry.after, dict) and entry.after:
        return "Changed " + ", ".join(k.replace("_", " ") for k in sorted(entry.after))
    return {"created": "Added", "updated": "Changed", "deleted": "Deleted"}.get(verb, entry.action)


def form_values(customer: dict[str, Any]) -> dict[str, Any]:
    """Form fields from a stored customer."""
    ring = customer.get("ring_size") or {}
    return {
        **{k: customer.get(k) or "" for k in ("full_name", "email", "phone", "company", "notes")},
        "birthday": customer["birthday"].isoformat() if customer.get("birthday") else "",
        "anniversary": customer["anniversary"].isoformat() if customer.get("anniversary") else "",
        "tags": ", ".join(customer.get("tags") or []),
        "marketing_consent": customer.get("marketing_consent"),
        "ring_system": ring.get("system") or "US",
        "ring_label": ring.get("label") or "",
    }


@get("/app/customers", name="customers")
async def customers(
    request: HTMXRequest, q: str | None = None, page: int = 1, sort: str | None = None
) -> Template:
    ctx = await page_context(request)
    paging = page_of(page, PAGE_SIZE)
    allowed = {"full_name", "-full_name", "created_at", "-created_at", "email", "-email"}
    rows, total, _ = await service.list_customers(
        ctx.tenant.ref, paging, q, sort if sort in allowed else None
    )
    pages = max(1, -(-total // PAGE_SIZE))
    values: dict[str, Any] = {
        "rows": rows,
        "total": total,
        "page": paging.page,
        "pages": pages,
        "q": q or "",
        "sort": sort or "",
    }
    # A history restore after a cache miss wants the whole page, not the swapped rows.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render("crm/_customer_rows.html" if partial else "crm/customers.html", ctx, **values)
    response.headers["Vary"] = "HX-Request"
    return response


def _form(
    ctx: PageContext,
    values: dict[str, Any],
    errors: dict[str, str],
    customer: dict[str, Any] | None,
) -> Template:
    """The customer form (new or edit); with errors it answers 422."""
    return render(
        "crm/customer_form.html",
        ctx,
        values=values,
        errors=errors,
        customer=customer,
        systems=RING_SYSTEMS,
        status_code=422 if errors else 200,
    )


@get("/app/customers/new", name="customer_new")
async def new_form(request: Req) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    return _form(ctx, {"ring_system": "US"}, {}, None)


@post("/app/customers/new")
async def create(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    values = await form_dict(request)
    try:
        customer = await service.create_customer(
            ctx.tenant.ref, ctx.user.actor, customer_input(values)
        )
    except ValidationFailed as exc:
        return _form(ctx, values, exc.by_field(), None)
    return redirect_with(
        request, f"/app/customers/{customer['id']}", f"{customer['full_name']} added."
    )


@get("/app/customers/{customer_id:uuid}", name="customer")
async def detail(request: Req, customer_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    customer = await service.get_customer(ctx.tenant.ref, customer_id)
    their_orders, _, _ = await orders.list_orders(
        ctx.tenant.ref, parse_page(1, 50, None), customer_id=customer_id
    )
    async with tenant_scope(ctx.tenant.ref):
        history, _ = await audit.recent(limit=20, entity_id=customer_id)
    lines = [(history_line(e), e) for e in history]
    return render("crm/customer.html", ctx, customer=customer, orders=their_orders, history=lines)


@get("/app/customers/{customer_id:uuid}/edit", name="customer_edit")
async def edit_form(request: Req, customer_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    customer = await service.get_customer(ctx.tenant.ref, customer_id)
    return _form(ctx, form_values(customer), {}, customer)


@post("/app/customers/{customer_id:uuid}/edit")
async def update(request: Req, customer_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    values = await form_dict(request)
    try:
        customer = await service.update_customer(
            ctx.tenant.ref, ctx.user.actor, customer_id, customer_input(values)
        )
    except ValidationFailed as exc:
        current = await service.get_customer(ctx.tenant.ref, customer_id)
        return _form(ctx, values, exc.by_field(), current)
    return redirect_with(
        request, f"/app/customers/{customer_id}", f"{customer['full_name']} saved."
    )


@post("/app/customers/{customer_id:uuid}/delete")
async def delete(request: Req, customer_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    if not await confirmed(request):
        customer = await service.get_customer(ctx.tenant.ref, customer_id)
        return await ask_first(
            request,
            ctx,
            question=f"Delete {customer['full_name']} and their details? This cannot be undone.",
            label="Delete customer",
            yes="Yes, delete",
            back=f"/app/customers/{customer_id}",
        )
    try:
        await service.delete_customer(ctx.tenant.ref, ctx.user.actor, customer_id)
    except Conflict as exc:
        return redirect_with(request, f"/app/customers/{customer_id}", exc.message, "error")
    return redirect_with(request, "/app/customers", "Customer deleted.")


router = Router(
    path="/",
    route_handlers=[customers, new_form, create, detail, edit_form, update, delete],
    include_in_schema=False,
)
