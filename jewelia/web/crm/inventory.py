"""Inventory pages: filtered list, item card with specifications, create and edit forms."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.api import page_of
from jewelia.core.errors import ValidationFailed
from jewelia.tenants.crm import rules
from jewelia.tenants.crm.inventory import service
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import form_dict, number, require_writer, whole

Req = Request[Any, Any, Any]
PAGE_SIZE = 25
SPEC_FIELDS = (
    "metal",
    "purity",
    "metal_weight_g",
    "carat",
    "shape",
    "color",
    "clarity",
    "cut",
    "cert_lab",
    "cert_number",
    "stone",
)
CHOICES: dict[str, Any] = {
    "statuses": rules.INVENTORY_STATUSES,
    "purities": rules.PURITIES,
    "shapes": rules.SHAPES,
    "colors": rules.GIA_COLORS,
    "clarities": rules.CLARITIES,
    "cuts": rules.CUTS,
    "labs": rules.LABS,
}


def item_input(values: dict[str, str], existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """Service input from the item form; specification keys not on the form are kept."""
    spec = dict((existing or {}).get("specifications") or {})
    for key in (
        "metal",
        "purity",
        "metal_weight_g",
        "carat",
        "shape",
        "color",
        "clarity",
        "cut",
        "stone",
    ):
        spec.pop(key, None)
        if values.get(key):
            spec[key] = number(values[key]) if key in ("metal_weight_g", "carat") else values[key]
    spec.pop("certificate", None)
    if values.get("cert_lab") or values.get("cert_number"):
        spec["certificate"] = {
            "lab": values.get("cert_lab") or None,
            "number": values.get("cert_number") or None,
        }
    return {
        "sku": values.get("sku", ""),
        "name": values.get("name", ""),
        "category": values.get("category", ""),
        "price": number(values.get("price")),
        "quantity": whole(values.get("quantity"), 0),
        "status": values.get("status") or "in_stock",
        "specifications": spec,
    }


def form_values(item: dict[str, Any]) -> dict[str, Any]:
    """Form fields from a stored item."""
    spec = item.get("specifications") or {}
    cert = spec.get("certificate") or {}
    return {
        **{k: item[k] for k in ("sku", "name", "category", "price", "quantity", "status")},
        **{k: spec.get(k, "") for k in SPEC_FIELDS if k not in ("cert_lab", "cert_number")},
        "cert_lab": cert.get("lab") or "",
        "cert_number": cert.get("number") or "",
    }


def spec_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service field names (specifications.x) to form field names."""
    out = {}
    for field, message in errors.items():
        name = field.removeprefix("specifications.").replace("certificate.", "cert_")
        out[name] = message
    return out


@get("/app/inventory", name="inventory")
async def inventory(
    request: Req,
    q: str | None = None,
    category: str | None = None,
    status: str | None = None,
    min_price: str | None = None,
    max_price: str | None = None,
    page: int = 1,
) -> Template:
    ctx = await page_context(request)
    paging = page_of(page, PAGE_SIZE)
    low, high = number(min_price), number(max_price)
    filters = {
        "q": q or "",
        "category": category or "",
        "status": status or "",
        "min_price": min_price or "",
        "max_price": max_price or "",
    }
    try:
        rows, total, _ = await service.list_items(
            ctx.tenant.ref,
            paging,
            category=category or None,
            status=status if status in rules.INVENTORY_STATUSES else None,
            search=q or None,
            min_price=low if not isinstance(low, str) else None,
            max_price=high if not isinstance(high, str) else None,
        )
        unread = isinstance(low, str) or isinstance(high, str)
        error = "Prices must be numbers, e.g. 500 or 1250.50" if unread else None
    except ValidationFailed as exc:
        rows, total, error = [], 0, "; ".join(exc.by_field().values())
    return render(
        "crm/inventory.html",
        ctx,
        rows=rows,
        total=total,
        page=paging.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        error=error,
        **CHOICES,
    )


@get("/app/inventory/new", name="item_new")
async def new_form(request: Req) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    return render(
        "crm/item_form.html",
        ctx,
        values={"quantity": 1, "status": "in_stock"},
        errors={},
        item=None,
        **CHOICES,
    )


def _form_with_errors(
    ctx: PageContext, values: dict[str, str], exc: ValidationFailed, item: dict[str, Any] | None
) -> Template:
    """The item form again, with the service's field errors next to the fields (422)."""
    errors = spec_errors(exc.by_field())
    return render(
        "crm/item_form.html",
        ctx,
        values=values,
        errors=errors,
        item=item,
        status_code=422,
        **CHOICES,
    )


@post("/app/inventory/new")
async def create(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    values = await form_dict(request)
    try:
        item = await service.create_item(ctx.tenant.ref, ctx.user.actor, item_input(values))
    except ValidationFailed as exc:
        return _form_with_errors(ctx, values, exc, None)
    return redirect_with(request, f"/app/inventory/{item['id']}", f"{item['name']} added.")


@get("/app/inventory/{item_id:uuid}", name="item")
async def detail(request: Req, item_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    item = await service.get_item(ctx.tenant.ref, item_id)
    return render("crm/item.html", ctx, item=item)


@get("/app/inventory/{item_id:uuid}/edit", name="item_edit")
async def edit_form(request: Req, item_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    require_writer(ctx)
    item = await service.get_item(ctx.tenant.ref, item_id)
    return render(
        "crm/item_form.html", ctx, values=form_values(item), errors={}, item=item, **CHOICES
    )


@post("/app/inventory/{item_id:uuid}/edit")
async def update(request: Req, item_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    values = await form_dict(request)
    current = await service.get_item(ctx.tenant.ref, item_id)
    try:
        item = await service.update_item(
            ctx.tenant.ref, ctx.user.actor, item_id, item_input(values, current)
        )
    except ValidationFailed as exc:
        return _form_with_errors(ctx, values, exc, current)
    return redirect_with(request, f"/app/inventory/{item_id}", f"{item['name']} saved.")


router = Router(
    path="/",
    route_handlers=[inventory, new_form, create, detail, edit_form, update],
    include_in_schema=False,
)
