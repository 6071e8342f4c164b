"""Builder run tables (tenant schema); the DDL is in migrations/tenant/tenant_0008_builder_runs.py."""

from piccolo.columns import (
    JSONB,
    UUID,
    Boolean,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class FlowRun(Table, tablename="flow_run"):
    """One run of a flow: the definition it executes (its version's, copied at creation), the
    trigger and its payload, the outcome (failed_step_id names the step path that failed), and
    the lease of the worker advancing it (wake_at: when a parked run continues)."""

    id = UUID(primary_key=True)
    flow_id = UUID()
    flow_version_id = UUID(null=True, default=None)
    version = Integer(null=True, default=None)
    flow_name = Varchar(length=200, default="")
    definition = JSONB()
    trigger_type = Varchar(length=20)
    trigger_payload = JSONB(null=True, default=None)
    status = Varchar(length=12, default="queued")
    error = Text(null=True, default=None)
    error_type = Varchar(length=40, null=True, default=None)
    failed_step_id = Varchar(length=400, null=True, default=None)
    timeout_seconds = Integer(default=900)
    claims = Integer(default=0)
    lease_token = UUID(null=True, default=None)
    leased_until = Timestamptz(null=True, default=None)
    wake_at = Timestamptz(null=True, default=None)
    enqueued_at = Timestamptz(null=True, default=None)
    cancel_requested = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class FlowRunStep(Table, tablename="flow_run_step"):
    """One step of a run at one path (`s1`, `loop.3.s2` inside a for_each): its rendered input,
    output (or output_ref to a FlowRunBlob when over 256 KB), status, attempts, timings and the
    idempotency key `<run_id>:<step_path>` every attempt carries. Unique per (run_id, step_path)."""

    run_id = UUID()
    step_path = Varchar(length=400)
    step_id = Varchar(length=40)
    seq = Integer()
    type = Varchar(length=20)
    status = Varchar(length=10, default="pending")
    attempts = Integer(default=0)
    input = JSONB(null=True, default=None)
    output = JSONB(null=True, default=None)
    output_size = Integer(null=True, default=None)
    output_ref = UUID(null=True, default=None)
    error = Text(null=True, default=None)
    error_type = Varchar(length=40, null=True, default=None)
    idempotency_key = Varchar(length=450)
    next_attempt_at = Timestamptz(null=True, default=None)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class FlowRunBlob(Table, tablename="flow_run_blob"):
    """A step output too large for its step row (over 256 KB, at most 10 MB), kept whole."""

    id = UUID(primary_key=True)
    run_id = UUID()
    step_path = Varchar(length=400)
    size = Integer()
    content = JSONB()
    created_at = Timestamptz(default=TimestamptzNow())
