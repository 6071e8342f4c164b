"""The CRM rows an export reads: its filters, checked and paged by the list API's own functions."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.api import Page, parse_datetime
from jewelia.core.db import TenantRef
from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.tenants.crm.customers import service as customers
from jewelia.tenants.crm.inventory import service as inventory
from jewelia.tenants.crm.orders import service as orders


def filter_kwargs(data_type: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The list function's keyword arguments for an export's filters (types converted)."""
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in filters.items():
        if value is None:
            continue
        try:
            if key in ("min_price", "max_price"):
                number = Decimal(str(value))
                if not number.is_finite():
                    raise InvalidOperation
                out[key] = number
            elif key == "customer_id":
                out[key] = uuid.UUID(str(value))
            elif key in ("created_from", "created_to"):
                out[key] = parse_datetime(f"filters.{key}", str(value))
            elif isinstance(value, str) and len(value) <= 200 and "\x00" not in value:
                out[key] = value
            else:
                raise ValueError(value)
        except ValidationFailed as exc:
            errors += exc.errors
        except (ValueError, InvalidOperation, TypeError):
            errors.append(FieldError(f"filters.{key}", f"{key} is not valid", "INVALID"))
    if errors:
        raise ValidationFailed(errors)
    return out


async def list_page(
    tenant: TenantRef, data_type: str, page: Page, kwargs: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of rows from the CRM list function (the same filters and rules as the API)."""
    try:
        if data_type == "customers":
            return await customers.list_customers(tenant, page, kwargs.get("search"))
        if data_type == "inventory":
            return await inventory.list_items(tenant, page, **kwargs)
        return await orders.list_orders(tenant, page, **kwargs)
    except ValidationFailed as exc:
        raise ValidationFailed(
            [
                FieldError(
                    f"filters.{e['field']}".replace("filters.filters.", "filters."),
                    e["message"],
                    e["code"],
                )
                for e in exc.errors
            ]
        ) from exc


async def check_filters(tenant: TenantRef, data_type: str, filters: dict[str, Any]) -> None:
    """Refuse filters the list API would refuse, before the job is queued."""
    await list_page(tenant, data_type, Page(page=1, limit=1), filter_kwargs(data_type, filters))
