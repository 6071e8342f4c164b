"""Shared API structs: pagination, errors, and helpers for partial updates."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import KwargDefinition

from jewelia.core.api import Pagination

__all__ = ["Money", "MoneyPatch", "OptionalMoney", "Pagination", "given"]

# Money is Decimal end to end and travels as an exact JSON number; say so in the schema.
Money = Annotated[Decimal, KwargDefinition(schema_extra={"type": OpenAPIType.NUMBER})]
MoneyPatch = Annotated[
    Decimal | msgspec.UnsetType,
    KwargDefinition(schema_extra={"one_of": [Schema(type=OpenAPIType.NUMBER)]}),
]
OptionalMoney = Annotated[
    Decimal | None,
    KwargDefinition(
        schema_extra={"one_of": [Schema(type=OpenAPIType.NUMBER), Schema(type=OpenAPIType.NULL)]}
    ),
]


def given(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out)."""
    out = {}
    for field in struct.__struct_fields__:
        value = getattr(struct, field)
        if value is msgspec.UNSET:
            continue
        out[field] = msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else value
    return out
