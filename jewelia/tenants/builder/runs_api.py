"""REST controller for builder runs: run a flow (the `api_call` trigger), list runs, get one
with its steps, retry a failed run from its failed step, cancel an open run; a flow's stats.

Same rules as the flows' controller: API keys and users with the usual permissions (GET read,
POST write); app tokens are refused (no app scope covers /integrations/builder).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter

from jewelia.core.api import ok, ok_list, parse_datetime, parse_page
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import monitoring
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.builder.engine.base import TRIGGER_MAX_BYTES
from jewelia.tenants.builder.runs_schemas import (
    FlowRunEnvelope,
    FlowRunList,
    RunRequest,
    RunStartedEnvelope,
)
from jewelia.tenants.builder.stats_schemas import FlowStatsEnvelope

PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]


# The api_call trigger's body: a payload up to TRIGGER_MAX_BYTES, with room for its envelope
# ({"payload": …, "version": n}); start_run refuses a larger payload with the exact limit.
RUN_PATH = "/api/v1/integrations/builder/*/run"
RUN_BODY = TRIGGER_MAX_BYTES + 64 * 1024


class FlowRunController(Controller):
    path = "/integrations/builder"
    tags = ["Integration builder"]

    @post(
        "/{flow_id:uuid}/run",
        operation_id="runFlow",
        summary="Run a flow now through its api_call trigger (`payload` is what the run sees as"
        " `trigger`)",
        status_code=202,
        request_max_body_size=RUN_BODY,
    )
    async def run_flow(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        data: RunRequest,
    ) -> Response[RunStartedEnvelope]:
        version = None if data.version is msgspec.UNSET else data.version
        started = await runs.start_flow_run(
            auth.tenant.ref, flow_id, "api_call", data.payload, version=version
        )
        return ok({**started, "status": "queued"}, status_code=202)

    @get(
        "/{flow_id:uuid}/stats",
        operation_id="getFlowStats",
        summary="A flow's run stats over a window: runs by status, success rate, p50/p95"
        " duration, last run and failure, failure streak, runs per hour or day",
    )
    async def flow_stats(
        self,
        auth: ApiAuth,
        flow_id: UUID,
        window: Annotated[
            str, Parameter(max_length=10, description="24h (hourly timeline), 7d or 30d (daily)")
        ] = "24h",
    ) -> Response[FlowStatsEnvelope]:
        return ok(await monitoring.flow_stats(auth.tenant.ref, flow_id, window))

    @get("/runs", operation_id="listFlowRuns", summary="List runs, newest first")
    async def list_runs(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        cursor: Annotated[
            str | None, Parameter(max_length=200, description="next_cursor of the previous page")
        ] = None,
        flow_id: Annotated[UUID | None, Parameter(description="Runs of this flow")] = None,
        status: Annotated[
            str | None,
            Parameter(max_length=20, description="queued, running, succeeded, failed, cancelled"),
        ] = None,
        version: Annotated[
            int | None, Parameter(ge=1, le=2_147_483_647, description="Runs of this version")
        ] = None,
        trigger: Annotated[
            str | None,
            Parameter(
                max_length=20,
                description="webhook, schedule, database_change, api_call or manual",
            ),
        ] = None,
        created_from: Annotated[
            str | None, Parameter(description="Created at or after (ISO 8601 date-time)")
        ] = None,
        created_to: Annotated[
            str | None, Parameter(description="Created before (ISO 8601 date-time)")
        ] = None,
    ) -> Response[FlowRunList]:
        paging = parse_page(page, limit, cursor)
        rows, total, next_cursor = await runs.list_runs(
            auth.tenant.ref,
            paging,
            flow_id=flow_id,
            status=status,
            version=version,
            trigger_type=trigger,
            created_from=parse_datetime("created_from", created_from),
            created_to=parse_datetime("created_to", created_to),
        )
        return ok_list(rows, paging, total, next_cursor)

    @get(
        "/runs/{run_id:uuid}",
        operation_id="getFlowRun",
        summary="Get a run with its trigger payload and its steps",
    )
    async def get_run(self, auth: ApiAuth, run_id: UUID) -> Response[FlowRunEnvelope]:
        return ok(runs.run_public(await runs.get_run(auth.tenant.ref, run_id)))

    @post(
        "/runs/{run_id:uuid}/retry",
        operation_id="retryFlowRun",
        summary="Run a failed run again from its failed step (earlier steps are not repeated)",
        status_code=202,
    )
    async def retry_run(self, auth: ApiAuth, run_id: UUID) -> Response[FlowRunEnvelope]:
        return ok(runs.run_public(await runs.retry_run(auth.tenant.ref, run_id)), status_code=202)

    @post(
        "/runs/{run_id:uuid}/cancel",
        operation_id="cancelFlowRun",
        summary="Cancel an open run (at once when it waits, else before its next step)",
        status_code=202,
    )
    async def cancel_run(self, auth: ApiAuth, run_id: UUID) -> Response[FlowRunEnvelope]:
        await runs.cancel_run(auth.tenant.ref, run_id)
        return ok(runs.run_public(await runs.get_run(auth.tenant.ref, run_id)), status_code=202)
