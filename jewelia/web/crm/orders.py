"""Order pages: list, create from a customer with an item picker, status changes, print sheet."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.api import page_of, parse_page
from jewelia.core.errors import AppError, ValidationFailed
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.crm.inventory import service as inventory
from jewelia.tenants.crm.orders import service
from jewelia.tenants.crm.orders.service import InsufficientStock
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import page_context, redirect_with, render
from jewelia.web.forms import form_dict, number, require_writer, whole

Req = Request[Any, Any, Any]
PICKER_LINES = 4


def order_input(customer_id: uuid.UUID, values: dict[str, str]) -> dict[str, Any]:
    """Service input from the order form's picker lines (empty lines skipped)."""
    lines = []
    for n in range(PICKER_LINES):
        item = values.get(f"item_{n}")
        if not item:
            continue
        try:
            item_id: Any = uuid.UUID(item)
        except ValueError:
            item_id = item
        line: dict[str, Any] = {
            "inventory_id": item_id,
            "quantity": whole(values.get(f"qty_{n}"), 1),
        }
        if values.get(f"price_{n}"):
            line["unit_price"] = number(values[f"price_{n}"])
        lines.append(line)
    return {"customer_id": customer_id, "items": lines, "notes": values.get("notes", "")}


async def _picker(ctx: Any) -> list[dict[str, Any]]:
    rows, _, _ = await inventory.list_items(
        ctx.tenant.ref, parse_page(1, 100, None), status="in_stock", sort="name"
    )
    return rows


def stock_message(exc: InsufficientStock, items: list[dict[str, Any]]) -> str:
    """The shortage in the jeweler's words (SKU and name, not an id)."""
    names = {str(i["id"]): f"{i['sku']} · {i['name']}" for i in items}
    parts = [
        f"Not enough stock for {names[d['inventory_id']]}:"
        f" {d['requested']} requested, {d['available']} left"
        for d in exc.details or []
        if isinstance(d, dict) and d.get("inventory_id") in names
    ]
    return "; ".join(parts) or exc.message


@get("/app/orders", name="orders")
async def orders(request: Req, status: str | None = None, page: int = 1) -> Template:
    ctx = await page_context(request)
    paging = page_of(page, 25)
    chosen = status if status in service.STATUSES else None
    rows, total, _ = await service.list_orders(ctx.tenant.ref, paging, status=chosen)
    names = await customers.names_by_id(ctx.tenant.ref, [row["customer_id"] for row in rows])
    return render(
        "crm/orders.html",
        ctx,
        rows=rows,
        total=total,
        page=paging.page,
        pages=max(1, -(-total // 25)),
        status=chosen or "",
        statuses=service.STATUSES,
        names=names,
    )


@get("/app/customers/{customer_id:uuid}/orders/new", name="order_new")
async def new_form(request: Req, customer_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    customer = await customers.get_customer(ctx.tenant.ref, customer_id)
    return render(
        "crm/order_form.html",
        ctx,
        customer=customer,
        items=await _picker(ctx),
        values={},
        errors={},
        error=None,
        lines=range(PICKER_LINES),
    )


@post("/app/customers/{customer_id:uuid}/orders/new")
async def create(request: Req, customer_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    customer = await customers.get_customer(ctx.tenant.ref, customer_id)
    values = await form_dict(request)
    try:
        order = await service.create_order(
            ctx.tenant.ref, ctx.user.actor, order_input(customer_id, values), ctx.tenant.currency
        )
    except AppError as exc:
        errors = exc.by_field() if isinstance(exc, ValidationFailed) else {}
        items = await _picker(ctx)
        message = stock_message(exc, items) if isinstance(exc, InsufficientStock) else exc.message
        return render(
            "crm/order_form.html",
            ctx,
            customer=customer,
            items=items,
            values=values,
            errors=errors,
            error=message if not errors else None,
            lines=range(PICKER_LINES),
            status_code=exc.status_code,
        )
    return redirect_with(request, f"/app/orders/{order['id']}", "Order placed; stock reserved.")


@get("/app/orders/{order_id:uuid}", name="order")
async def detail(request: Req, order_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    order = await service.get_order(ctx.tenant.ref, order_id)
    customer = await customers.get_customer(ctx.tenant.ref, order["customer_id"])
    return render(
        "crm/order.html",
        ctx,
        order=order,
        customer=customer,
        next_statuses=service.TRANSITIONS[order["status"]],
        payment_statuses=service.PAYMENT_STATUSES,
    )


@post("/app/orders/{order_id:uuid}")
async def change(request: Req, order_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    values = await form_dict(request)
    data = {k: values[k] for k in ("status", "payment_status") if values.get(k)}
    if data.get("status") == "cancelled" and not await confirmed(request):
        # A missing order is a 404, not a question.
        await service.get_order(ctx.tenant.ref, order_id)
        return await ask_first(
            request,
            ctx,
            question="Cancel this order? Its items go back into stock and it cannot be reopened.",
            label="Cancel order",
            yes="Yes, cancel the order",
            back=f"/app/orders/{order_id}",
        )
    try:
        order = await service.update_order(ctx.tenant.ref, ctx.user.actor, order_id, data)
    except AppError as exc:
        message = (
            "; ".join(exc.by_field().values()) if isinstance(exc, ValidationFailed) else exc.message
        )
        return redirect_with(request, f"/app/orders/{order_id}", message, "error")
    note = (
        "Order cancelled; stock released."
        if data.get("status") == "cancelled"
        else "Order updated."
    )
    return redirect_with(request, f"/app/orders/{order['id']}", note)


@get("/app/orders/{order_id:uuid}/print", name="order_print")
async def print_sheet(request: Req, order_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    order = await service.get_order(ctx.tenant.ref, order_id)
    customer = await customers.get_customer(ctx.tenant.ref, order["customer_id"])
    return render("crm/order_print.html", ctx, order=order, customer=customer)


router = Router(
    path="/",
    route_handlers=[orders, new_form, create, detail, change, print_sheet],
    include_in_schema=False,
)
