"""Builder run request and response structs (snake_case, like the rest of our own fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination


class RunRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What to run: `payload` is the run's `trigger` (a JSON object, at most 1 MB here, the
    API's body limit); `version` a published version (default: the flow's current one)."""

    payload: dict[str, Any] | None = None
    version: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)] | msgspec.UnsetType = (
        msgspec.UNSET
    )


class RunStarted(msgspec.Struct):
    """A run was created and queued: follow it with getFlowRun."""

    run_id: UUID
    flow_id: UUID
    version: int
    status: str


class RunStartedEnvelope(msgspec.Struct):
    success: bool
    data: RunStarted


class FlowRunStep(msgspec.Struct):
    """One step of a run at its path (`s1`; `loop.3.s2` inside a for_each): its rendered input,
    its output (null with `output_ref` set when it was over 256 KB and is kept apart), status
    (pending, running, succeeded, failed, skipped), attempts, timings, and the idempotency key
    every attempt sent (`Idempotency-Key` on HTTP)."""

    step_path: str
    step_id: str
    type: str
    status: str
    attempts: int
    input: Any
    output: Any
    output_size: int | None
    output_ref: UUID | None
    error: str | None
    error_type: str | None
    idempotency_key: str
    next_attempt_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None


class FlowRun(msgspec.Struct):
    """A run of one version of a flow. `failed_step_id` is the path of the step that failed the
    run; `steps` (on getFlowRun) are in the order they started."""

    id: UUID
    flow_id: UUID
    flow_version_id: UUID | None
    version: int | None
    flow_name: str
    trigger_type: str
    status: str
    error: str | None
    error_type: str | None
    failed_step_id: str | None
    timeout_seconds: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    trigger_payload: Any = msgspec.UNSET
    steps: list[FlowRunStep] | msgspec.UnsetType = msgspec.UNSET


class FlowRunEnvelope(msgspec.Struct):
    success: bool
    data: FlowRun


class FlowRunList(msgspec.Struct):
    success: bool
    data: list[FlowRun]
    pagination: Pagination
