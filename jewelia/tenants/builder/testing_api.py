"""REST controller for built-in testing: test one step of a flow, dry-run a whole flow (see
testing.py). Both are POST (write permission): a tested step really performs."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import Parameter

from jewelia.core.api import ok
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import testing


class PinnedInput(msgspec.Struct, forbid_unknown_fields=True):
    """What the step sees: `trigger`, and earlier `steps` as {stepId: {output}} (a value
    without an `output` key is taken as the output); `item` and `index` inside a for_each."""

    trigger: Any = None
    steps: dict[str, Any] | None = None
    item: Any = None
    index: int | None = None


class StepTestRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Pinned `input`, or the input a run recorded (`runId`); the draft unless `version`;
    `simulate` renders the step and says what it would do without doing it."""

    input: PinnedInput | msgspec.UnsetType = msgspec.UNSET
    runId: UUID | None = None
    version: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)] | None = None
    simulate: bool = False


class DryRunRequest(msgspec.Struct, forbid_unknown_fields=True):
    """`payload` is the trigger; the draft unless `version`."""

    payload: dict[str, Any] | None = None
    version: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)] | None = None


class StepError(msgspec.Struct):
    type: str
    message: str


class StepResult(msgspec.Struct):
    """One step tested (or one entry of a dry run's timeline): `input` is the rendered input,
    `simulated` says the step was described rather than performed."""

    stepId: str
    path: str
    type: str
    status: str
    input: Any
    output: Any
    error: StepError | None
    simulated: bool
    durationMs: float


class StepTest(StepResult):
    version: int | None


class StepTestEnvelope(msgspec.Struct):
    success: bool
    data: StepTest


class DryRunError(msgspec.Struct):
    type: str
    message: str
    path: str


class DryRun(msgspec.Struct):
    status: str
    version: int | None
    steps: list[StepResult]
    error: DryRunError | None
    durationMs: float


class DryRunEnvelope(msgspec.Struct):
    success: bool
    data: DryRun


class FlowTestController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @post(
        "/{flow_id:uuid}/steps/{step_id:str}/test",
        operation_id="testFlowStep",
        summary="Test one step with pinned or recorded input (no earlier step runs; not a run)",
        status_code=200,
    )
    async def test_step(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        step_id: Annotated[str, Parameter(max_length=40)],
        data: StepTestRequest,
    ) -> Response[StepTestEnvelope]:
        pinned = None if data.input is msgspec.UNSET else msgspec.to_builtins(data.input)
        result = await testing.test_step(
            auth.tenant.ref,
            auth.actor,
            flow_id,
            step_id,
            pinned=pinned,
            run_id=data.runId,
            version=data.version,
            simulate=data.simulate,
        )
        return ok(result)

    @post(
        "/{flow_id:uuid}/dry-run",
        operation_id="dryRunFlow",
        summary="Walk the whole flow in memory with side effects simulated (not a run)",
        status_code=200,
    )
    async def dry_run(
        self, auth: ApiAuth, flow_id: UUID, data: DryRunRequest
    ) -> Response[DryRunEnvelope]:
        result = await testing.dry_run(
            auth.tenant.ref, auth.actor, flow_id, payload=data.payload, version=data.version
        )
        return ok(result)
