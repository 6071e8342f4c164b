"""What the executor and the actions share: the step context, step errors, caps, JSON helpers."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jewelia.core.db import TenantRef, check_schema_name
from jewelia.tenants.audit.service import Actor

OUTPUT_INLINE_BYTES = 256 * 1024  # larger outputs go to flow_run_blob, referenced by output_ref
OUTPUT_MAX_BYTES = 10 * 1024 * 1024  # larger outputs fail the step (error_type output_too_large)
TRIGGER_MAX_BYTES = 10 * 1024 * 1024
RETRY_KINDS = ("5xx", "429", "timeout", "network")
_TABLE = re.compile(
    r"\b(FROM|INTO|UPDATE|JOIN) (flow_run_step|flow_run_blob|flow_run|flow_version"
    r"|flow_trigger_receipt|flow_webhook|flow)\b"
)


@lru_cache(maxsize=8192)
def qualified(sql: str, schema: str) -> str:
    """`sql` with the builder's tenant tables named with their schema, for a statement run
    without a transaction (so without the tenant scope's search_path). No trigger or function
    on these tables reads the search_path. Cached: callers pass their SQL constants per run."""
    prefix = f'"{check_schema_name(schema)}".'
    return _TABLE.sub(lambda m: f"{m.group(1)} {prefix}{m.group(2)}", sql)


class StepError(Exception):
    """An action failed. `error_type` names what went wrong (shown with the step); `retry_kind`
    (one of RETRY_KINDS) says the failure is transient and which retryOn entry covers it."""

    def __init__(self, message: str, error_type: str, retry_kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.retry_kind = retry_kind


class Park(Exception):
    """The step is waiting (a delay): the run continues at `until`, in a later message."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


@dataclass
class StepContext:
    """What an action knows about the step it performs."""

    tenant: TenantRef
    run_id: uuid.UUID
    flow_id: uuid.UUID
    flow_name: str
    step_path: str
    step_id: str
    idempotency_key: str
    attempt: int
    first_started_at: datetime
    remaining_seconds: float
    expression_context: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        """Changes are audited as the flow."""
        return Actor("flow", self.flow_id, f"Flow: {self.flow_name}"[:254])


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):  # money: a JSON number, as the REST API writes it
        exponent = value.as_tuple().exponent
        return float(value) if isinstance(exponent, int) and exponent < 0 else int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | bytes):
        return str(value) if isinstance(value, uuid.UUID) else value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    """JSON text of a value (Decimal as a number, as the API gives money; dates and UUIDs as
    strings)."""
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def plain(value: Any) -> Any:
    """The value as JSON would give it back (what the step row stores and later steps see)."""
    return json.loads(to_json(value))
