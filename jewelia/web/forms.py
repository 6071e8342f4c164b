"""Turning browser form fields into the dicts the services take (the API's shapes)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request

from jewelia.core.errors import PermissionDenied
from jewelia.web.context import PageContext


async def form_dict(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The submitted form as plain strings (first value of each field), trimmed."""
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items()}


def optional(values: dict[str, str], *names: str) -> dict[str, Any]:
    """Fields that were filled in; empty ones become None (cleared)."""
    return {n: (values.get(n) or None) for n in names if n in values}


def number(text: str | None) -> Any:
    """A Decimal when the text is a number, else the text itself (the service reports it)."""
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text).replace(",", "."))
    except InvalidOperation:
        return text


def whole(text: str | None, default: int | None = None) -> Any:
    """An int when the text is a whole number, else the text (the service reports it)."""
    if text in (None, ""):
        return default
    try:
        return int(str(text))
    except ValueError:
        return text


def require_writer(ctx: PageContext) -> None:
    """Read-only members may look but not change anything."""
    if not ctx.current.can_write:
        raise PermissionDenied("Your role is read-only in this business")
