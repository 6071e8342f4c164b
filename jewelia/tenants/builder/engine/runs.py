"""Runs: created in one transaction and enqueued through the jobs port; read back with their
steps; cancelled; and swept when their worker or their message was lost.

A run copies the definition it executes (its version's configuration, step ids filled in), so
editing or publishing the flow never changes a run in flight. The actor gets tenant id + run id
and calls executor.advance, which claims the run with a lease.

Recovery: every tenant with open runs has a row in public.builder_due saying when the sweeper
(a loop beside the actors in each worker process) should next look. It re-sends runs that no
live lease holds and that are not waiting for a wake-up: a run whose worker was killed (its
lease ran out), a run whose message was lost with Redis, a run whose wake-up message never
came. Extra messages are harmless: a run is advanced only by the holder of its lease.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
import weakref
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from jewelia.core import jobs
from jewelia.core.api import Page
from jewelia.core.db import DB, TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import (
    PAYLOAD_TOO_LARGE,
    AppError,
    Conflict,
    FieldError,
    NotFound,
    ValidationFailed,
)
from jewelia.core.validation import Checker
from jewelia.platform.billing import limits
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.builder import secrets
from jewelia.tenants.builder.engine.base import TRIGGER_MAX_BYTES, qualified, to_json
from jewelia.tenants.builder.engine.flow import chain, normalize
from jewelia.tenants.crm.records import Filters, page_of

log = logging.getLogger("jewelia.builder")
ACTOR = "builder_run"
QUEUE = "builder"
TRIGGER_TYPES = ("webhook", "schedule", "database_change", "api_call", "manual")
RUN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
DEFAULT_TIMEOUT_SECONDS = 15 * 60
MAX_TIMEOUT_SECONDS = 24 * 3600
RUN_COLUMNS = (
    "id, flow_id, flow_version_id, version, flow_name, trigger_type, status, error, error_type,"
    " failed_step_id, timeout_seconds, claims, created_at, started_at, finished_at"
)
STEP_COLUMNS = (
    "step_path, step_id, seq, type, status, attempts, input, output, output_size, output_ref,"
    " error, error_type, idempotency_key, next_attempt_at, started_at, finished_at"
)


class PayloadTooLarge(AppError):
    status_code = HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = PAYLOAD_TOO_LARGE


def lease_seconds() -> float:
    """How long a worker holds a run without renewing (JEWELIA_BUILDER_LEASE_SECONDS)."""
    return float(os.environ.get("JEWELIA_BUILDER_LEASE_SECONDS", "30"))


def resend_seconds() -> float:
    """How long a queued run or an overdue wake-up waits for its message before the sweeper
    sends another (JEWELIA_BUILDER_RESEND_SECONDS)."""
    return float(os.environ.get("JEWELIA_BUILDER_RESEND_SECONDS", "60"))


async def mark_due(tenant_id: uuid.UUID, seconds: float) -> None:
    """Inside a transaction: make sure the sweeper looks at this tenant within `seconds`.

    The row is locked FOR SHARE when it is early enough (no write on the busy path); the
    sweeper takes it FOR UPDATE, so it never drops a marker while a new run is being created.
    """
    if not await fetch(DUE_SQL, tenant_id, timedelta(seconds=seconds)):
        await push_due(tenant_id, seconds)


# mark_due's check ($1 the tenant, $2 how soon): the marker locked when early enough
DUE_SQL = (
    "SELECT 1 FROM public.builder_due WHERE tenant_id = $1"
    " AND due_at <= now() + $2::interval FOR SHARE"
)


async def push_due(tenant_id: uuid.UUID, seconds: float) -> None:
    """Inside a transaction: bring the tenant's sweeper marker forward to `seconds` from now."""
    await execute(
        "INSERT INTO public.builder_due (tenant_id, due_at) VALUES ($1, now() + $2::interval)"
        " ON CONFLICT (tenant_id) DO UPDATE"
        " SET due_at = least(builder_due.due_at, EXCLUDED.due_at)",
        tenant_id,
        timedelta(seconds=seconds),
    )


async def start_run(
    tenant: TenantRef,
    *,
    flow_id: uuid.UUID,
    definition: dict[str, Any],
    trigger_type: str,
    payload: Any = None,
    flow_name: str = "",
    version: int | None = None,
    flow_version_id: uuid.UUID | None = None,
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
) -> uuid.UUID:
    """Create a queued run of `definition` (the flow's configuration: {triggers, actions}) and
    enqueue it; the run's id. The payload is refused over 10 MB (PayloadTooLarge), the run over
    the plan's runs this month (PlanLimitExceeded)."""
    async with tenant_scope(tenant):
        run_id = await create_run(
            tenant,
            flow_id=flow_id,
            definition=definition,
            trigger_type=trigger_type,
            payload=payload,
            flow_name=flow_name,
            version=version,
            flow_version_id=flow_version_id,
            timeout_seconds=timeout_seconds,
        )
    await send(tenant.id, run_id)
    return run_id


async def create_run(
    tenant: TenantRef,
    *,
    flow_id: uuid.UUID,
    definition: dict[str, Any],
    trigger_type: str,
    payload: Any = None,
    flow_name: str = "",
    version: int | None = None,
    flow_version_id: uuid.UUID | None = None,
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
) -> uuid.UUID:
    """Inside the tenant's scope: start_run without the message (send it after the commit)."""
    payload_json = to_json(payload)
    if len(payload_json.encode()) > TRIGGER_MAX_BYTES:
        raise _too_large()
    if trigger_type not in TRIGGER_TYPES:
        raise ValidationFailed(
            [FieldError("trigger_type", f"Unknown trigger type {trigger_type!r}", "INVALID")]
        )
    timeout = max(1, min(int(timeout_seconds), MAX_TIMEOUT_SECONDS))
    run_id = uuid.uuid4()
    # the run's row and mark_due's check in one round trip
    due = await fetch(
        "WITH run AS (INSERT INTO flow_run (id, flow_id, flow_version_id, version, flow_name,"
        " definition, trigger_type, trigger_payload, timeout_seconds, enqueued_at)"
        " VALUES ($3, $4, $5, $6, $7, $8, $9, $10, $11, now())) " + DUE_SQL,
        tenant.id,
        timedelta(seconds=resend_seconds()),
        run_id,
        flow_id,
        flow_version_id,
        version,
        flow_name[:200],
        to_json(normalize(definition)),
        trigger_type,
        payload_json,
        timeout,
    )
    if not due:
        await push_due(tenant.id, resend_seconds())
    await limits.take_flow_run(tenant.id)  # last: its counter row stays locked until commit
    return run_id


# start_flow_run's one statement: the flow and its version read, then the receipt (when a
# delivery key is given), the run, this month's run count and the sweeper's marker written,
# each only when what it needs held (a run only for a new receipt and a runnable version, the
# count and the marker only with the run). $1 tenant, $2 resend interval, $3 run, $4 flow,
# $5 version or null (the published one), $6 trigger type, $7 payload (JSON), $8 timeout,
# $9 delivery key or null, $10/$11 plan names and their monthly runs, $12 the free plan's.
_START_CTE = (
    "WITH f AS (SELECT f.name, f.is_active, v.id AS version_id, v.number, v.definition,"
    "  coalesce(v.definition -> 'triggers', '[]'::jsonb)"
    "   @> jsonb_build_array(jsonb_build_object('type', $6::text)) AS declared"
    "  FROM flow f LEFT JOIN flow_version v"
    "  ON v.flow_id = f.id AND v.number = coalesce($5::int, f.published_version)"
    "  WHERE f.id = $4 AND f.deleted_at IS NULL),"
    " receipt AS (INSERT INTO flow_trigger_receipt (flow_id, key, run_id)"
    "  SELECT $4, $9::text, $3 WHERE $9::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING key),"
    " run AS (INSERT INTO flow_run (id, flow_id, flow_version_id, version, flow_name,"
    "  definition, trigger_type, trigger_payload, timeout_seconds, enqueued_at)"
    "  SELECT $3, $4, f.version_id, f.number, left(f.name, 200), f.definition, $6, $7::jsonb,"
    "  $8, now() FROM f WHERE f.number IS NOT NULL"
    "  AND ($6 = 'manual' OR (f.is_active AND f.declared))"
    "  AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM receipt)) RETURNING id),"
    " lim AS (SELECT coalesce((SELECT p.a FROM unnest($10::text[], $11::int[]) AS p(n, a)"
    "  WHERE p.n = (SELECT plan FROM public.tenant WHERE id = $1)), $12::int) AS allowed),"
    " usage AS (INSERT INTO public.flow_run_usage AS u (tenant_id, month, runs)"
    f"  SELECT $1, {limits.MONTH_SQL}, 1 FROM run, lim WHERE lim.allowed > 0"
    "  ON CONFLICT (tenant_id, month) DO UPDATE SET runs = u.runs + 1"
    "  WHERE u.runs < (SELECT allowed FROM lim) RETURNING runs),"
    " due AS (SELECT 1 FROM public.builder_due WHERE tenant_id = $1"
    "  AND due_at <= now() + $2::interval FOR SHARE),"
    " pushed AS (INSERT INTO public.builder_due (tenant_id, due_at)"
    "  SELECT $1, now() + $2::interval FROM run WHERE NOT EXISTS (SELECT 1 FROM due)"
    "  ON CONFLICT (tenant_id) DO UPDATE SET due_at = least(builder_due.due_at, EXCLUDED.due_at)),"
    " counts AS (SELECT (SELECT count(*) FROM receipt) AS receipted,"
    "  (SELECT count(*) FROM run) AS made, (SELECT count(*) FROM usage) AS counted, f.number"
    "  FROM (VALUES (1)) AS one LEFT JOIN f ON true)"
)
# Inside the caller's transaction: the caller reads the counts and raises (rolling back).
START_SQL = _START_CTE + " SELECT * FROM counts"
# On its own, outside any transaction: a refusal raises in the statement (SQLSTATE JWB01,
# migration public_0026), so it leaves nothing behind, and the monthly counter's row is locked
# only while the statement commits, never across a round trip to the app (at a few hundred
# runs a second, that lock held across round trips queued every trigger behind it).
START_ONE_SQL = (
    _START_CTE + " SELECT counts.*, CASE WHEN made = 0 AND ($9::text IS NULL OR receipted = 1)"
    " THEN public.builder_start_refused('not_runnable')"
    " WHEN made = 1 AND counted = 0 THEN public.builder_start_refused('plan_limit') END"
    " AS refused FROM counts"
)
START_REFUSED = "JWB01"


async def start_flow_run(
    tenant: TenantRef,
    flow_id: uuid.UUID,
    trigger_type: str,
    payload: Any = None,
    *,
    version: int | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """Start a run of a flow's published version (or of `version`): {run_id, flow_id, version,
    duplicate}; with a delivery `key`, at most one run per key (a repeat gets the first run,
    `duplicate` true).

    `manual` (run now) runs any flow with a version. Any other trigger fires only for an active
    flow whose version declares that trigger (`api_call` is POST .../{id}/run). Refused: an
    unknown or deleted flow (NotFound), no version to run or a trigger that does not apply
    (Conflict), a payload over 10 MB (PayloadTooLarge), the plan's runs this month used
    (PlanLimitExceeded). Outside a transaction, one statement on its own starts the run and the
    message is sent; called inside one (the triggers' `fire.start_once`), the run's message is
    the caller's to send after its commit: one sent from inside could reach a worker before the
    run is visible."""
    payload_json = to_json(payload)
    if len(payload_json.encode()) > TRIGGER_MAX_BYTES:
        raise _too_large()
    if trigger_type not in TRIGGER_TYPES:
        raise ValidationFailed(
            [FieldError("trigger_type", f"Unknown trigger type {trigger_type!r}", "INVALID")]
        )
    names, allowed, free = await limits.flow_run_allowances()
    run_id = uuid.uuid4()
    args = (
        tenant.id,
        timedelta(seconds=resend_seconds()),
        run_id,
        flow_id,
        version,
        trigger_type,
        payload_json,
        DEFAULT_TIMEOUT_SECONDS,
        key,
        names,
        allowed,
        free,
    )
    if DB.current_transaction.get() is None:
        return await _start_alone(tenant, args)
    async with tenant_scope(tenant):
        got = (await fetch(START_SQL, *args))[0]
        if key is not None and not got["receipted"]:  # a repeat: the first copy's run
            return await _first_run(flow_id, key)
        if not got["made"]:
            await _refuse(flow_id, trigger_type, version)  # raises: the transaction rolls back
        if not got["counted"]:
            raise await limits.flow_runs_used_up(tenant.id)
    return {"run_id": run_id, "flow_id": flow_id, "version": got["number"], "duplicate": False}


async def _start_alone(tenant: TenantRef, args: tuple[Any, ...]) -> dict[str, Any]:
    """start_flow_run outside a transaction: START_ONE_SQL, then the run's message."""
    run_id, flow_id, version, trigger_type, key = args[2], args[3], args[4], args[5], args[8]
    try:
        got = (await fetch(qualified(START_ONE_SQL, tenant.schema_name), *args))[0]
    except asyncpg.PostgresError as exc:
        if exc.sqlstate != START_REFUSED:
            raise
        if "plan_limit" in str(exc):
            raise await limits.flow_runs_used_up(tenant.id) from None
        async with tenant_scope(tenant):
            await _refuse(flow_id, trigger_type, version)
        raise Conflict(
            "This flow changed while its run was starting: send the trigger again"
        ) from None
    if key is not None and not got["receipted"]:
        async with tenant_scope(tenant):
            return await _first_run(flow_id, key)
    await send(tenant.id, run_id)
    return {"run_id": run_id, "flow_id": flow_id, "version": got["number"], "duplicate": False}


async def _first_run(flow_id: uuid.UUID, key: str) -> dict[str, Any]:
    """Inside the tenant's scope: the run the first copy of a delivery key started."""
    first = await fetch(
        "SELECT r.run_id, fr.version FROM flow_trigger_receipt r"
        " LEFT JOIN flow_run fr ON fr.id = r.run_id WHERE r.flow_id = $1 AND r.key = $2",
        flow_id,
        key,
    )
    return {
        "run_id": first[0]["run_id"],
        "flow_id": flow_id,
        "version": first[0]["version"],
        "duplicate": True,
    }


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The trigger payload is over {TRIGGER_MAX_BYTES // (1024 * 1024)} MB",
        [{"field": "payload", "limit_bytes": TRIGGER_MAX_BYTES}],
    )


async def _refuse(flow_id: uuid.UUID, trigger_type: str, version: int | None) -> None:
    """Inside the tenant's scope: the error that kept START_SQL from making the run."""
    flows = await fetch(
        "SELECT f.is_active, f.published_version, v.number, v.definition::text AS definition"
        " FROM flow f LEFT JOIN flow_version v"
        " ON v.flow_id = f.id AND v.number = coalesce($2::int, f.published_version)"
        " WHERE f.id = $1 AND f.deleted_at IS NULL",
        flow_id,
        version,
    )
    if not flows:
        raise NotFound("Flow not found")
    flow = flows[0]
    number = version if version is not None else flow["published_version"]
    if flow["number"] is None:
        if number is None:
            raise Conflict("This flow has no published version: publish it before running it")
        raise NotFound(f"Flow version {number} not found")
    if not flow["is_active"]:
        raise Conflict("This flow is switched off (isActive false): switch it on first")
    definition = json.loads(flow["definition"])
    declared = {t.get("type") for t in definition.get("triggers") or [] if isinstance(t, dict)}
    raise Conflict(
        f"Version {number} of this flow has no {trigger_type} trigger"
        f" (it has: {', '.join(sorted(str(d) for d in declared)) or 'none'})"
    )


async def send(tenant_id: uuid.UUID, run_id: uuid.UUID, delay_ms: int | None = None) -> None:
    """Enqueue the run's actor (a failure is logged: the sweeper sends it again later).

    Without a delay, the runs this process sends within batch_seconds() of each other go as
    one message (`builder_runs`, up to BATCH_MAX; so do those sent while a message is on its
    way): a burst of triggers costs the broker and the worker one message, not one per run."""
    try:
        if delay_ms:
            await jobs.enqueue_async(
                ACTOR, str(tenant_id), str(run_id), queue_name=QUEUE, delay_ms=delay_ms
            )
        else:
            await _sender().send(str(tenant_id), str(run_id))
    except Exception:
        log.exception("could not enqueue builder run %s; the sweeper will", run_id)


BATCH_ACTOR = "builder_runs"
BATCH_MAX = 50


def batch_seconds() -> float:
    """How long the first run of a message waits for others (JEWELIA_BUILDER_BATCH_MS, 0 for
    none): a few milliseconds against ~0.5 ms of CPU per message saved per run."""
    return float(os.environ.get("JEWELIA_BUILDER_BATCH_MS", "3")) / 1000


class _Sender:
    """One event loop's queue of run messages to send: the first waits batch_seconds() for
    others; while a message is on its way, the runs sent meanwhile wait and go as the next."""

    def __init__(self) -> None:
        self.waiting: list[tuple[list[str], asyncio.Future[None]]] = []
        self.busy = False
        self.task: asyncio.Task[None] | None = None  # held: a task nobody holds may be collected

    async def send(self, tenant_id: str, run_id: str) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(([tenant_id, run_id], done))
        if not self.busy:
            self.busy = True
            self.task = asyncio.get_running_loop().create_task(self.drain())
        await done

    async def drain(self) -> None:
        try:
            linger = batch_seconds()
            if linger > 0:
                await asyncio.sleep(linger)
            while self.waiting:
                batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
                try:
                    if len(batch) == 1:
                        await jobs.enqueue_async(ACTOR, *batch[0][0], queue_name=QUEUE)
                    else:
                        pairs = [pair for pair, _ in batch]
                        await jobs.enqueue_async(BATCH_ACTOR, pairs, queue_name=QUEUE)
                except Exception as exc:
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self.busy = False


_senders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sender] = (
    weakref.WeakKeyDictionary()
)


def _sender() -> _Sender:
    loop = asyncio.get_running_loop()
    sender = _senders.get(loop)
    if sender is None:
        sender = _senders[loop] = _Sender()
    return sender


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _step(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("input", "output"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


async def get_run(tenant: TenantRef, run_id: uuid.UUID) -> dict[str, Any]:
    """A run with its trigger payload and its steps in the order they started, or NotFound."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {RUN_COLUMNS}, trigger_payload FROM flow_run WHERE id = $1", run_id
        )
        if not rows:
            raise NotFound("Run not found")
        steps = await fetch(
            f"SELECT {STEP_COLUMNS} FROM flow_run_step WHERE run_id = $1 ORDER BY seq", run_id
        )
    run = rows[0]
    if isinstance(run["trigger_payload"], str):
        run["trigger_payload"] = json.loads(run["trigger_payload"])
    run["steps"] = [_step(s) for s in steps]
    return run


async def step_output(tenant: TenantRef, run_id: uuid.UUID, step_path: str) -> Any:
    """A step's whole output (from flow_run_blob when it was too large for the step row)."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT s.output, b.content FROM flow_run_step s"
            " LEFT JOIN flow_run_blob b ON b.id = s.output_ref"
            " WHERE s.run_id = $1 AND s.step_path = $2",
            run_id,
            step_path,
        )
    if not rows:
        raise NotFound("Step not found")
    value = rows[0]["content"] if rows[0]["content"] is not None else rows[0]["output"]
    return json.loads(value) if isinstance(value, str) else value


async def cancel_run(tenant: TenantRef, run_id: uuid.UUID) -> str:
    """Cancel an open run: at once when no worker holds it, else at its next step; the status."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "UPDATE flow_run SET cancel_requested = true,"
            " status = CASE WHEN leased_until IS NULL OR leased_until < now()"
            "  THEN 'cancelled' ELSE status END,"
            " finished_at = CASE WHEN leased_until IS NULL OR leased_until < now()"
            "  THEN now() ELSE finished_at END,"
            " error = CASE WHEN leased_until IS NULL OR leased_until < now()"
            "  THEN 'Cancelled' ELSE error END"
            " WHERE id = $1 AND status IN ('queued', 'running') RETURNING status",
            run_id,
        )
        if rows:
            return str(rows[0]["status"])
        found = await fetch("SELECT status FROM flow_run WHERE id = $1", run_id)
    if not found:
        raise NotFound("Run not found")
    raise Conflict(f"This run has already finished ({found[0]['status']})")


async def retry_run(tenant: TenantRef, run_id: uuid.UUID) -> dict[str, Any]:
    """Run a failed run again from the step that failed: the steps before it are not run again
    (their outputs are kept), the failed step runs with the input and idempotency key it had,
    and the time limit counts from now. Conflict unless the run failed; the run, re-queued."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT status, failed_step_id, definition FROM flow_run WHERE id = $1 FOR UPDATE",
            run_id,
        )
        if not rows:
            raise NotFound("Run not found")
        if rows[0]["status"] != "failed":
            raise Conflict(f"Only a failed run can be retried; this one is {rows[0]['status']}")
        failed = rows[0]["failed_step_id"] or ""
        # the failed step and the containers it is in open again (`loop` and `loop.3.push`; a
        # branch around it); a container keeps its decision (the items, the branch taken)
        path = chain(_json(rows[0]["definition"]), failed)
        await execute(
            "DELETE FROM flow_run_step WHERE run_id = $1 AND step_path = ANY($2::text[])"
            " AND status = 'failed' AND input IS NULL",
            run_id,
            path,
        )
        await execute(
            "UPDATE flow_run_step SET status = CASE WHEN step_path = $3 THEN 'pending'"
            " ELSE 'running' END, next_attempt_at = NULL, finished_at = NULL"
            " WHERE run_id = $1 AND step_path = ANY($2::text[]) AND status = 'failed'",
            run_id,
            path,
            failed,
        )
        await execute(
            "UPDATE flow_run SET status = 'queued', error = NULL, error_type = NULL,"
            " failed_step_id = NULL, finished_at = NULL, started_at = now(), wake_at = NULL,"
            " cancel_requested = false, enqueued_at = now() WHERE id = $1",
            run_id,
        )
        await mark_due(tenant.id, resend_seconds())
    await send(tenant.id, run_id)
    return await get_run(tenant, run_id)


def run_public(row: dict[str, Any]) -> dict[str, Any]:
    """A run in the API's shape (steps included when loaded)."""
    out = {k: row[k] for k in row if k not in ("claims", "trigger_payload", "steps")}
    out["duration_ms"] = _duration(row.get("started_at"), row.get("finished_at"))
    if "trigger_payload" in row:
        out["trigger_payload"] = row["trigger_payload"]
    if "steps" in row:
        out["steps"] = [
            {
                **{k: v for k, v in s.items() if k != "seq"},
                "input": secrets.display_input(s.get("input")),
                "duration_ms": _duration(s.get("started_at"), s.get("finished_at")),
            }
            for s in row["steps"]
        ]
    return out


def _duration(start: Any, end: Any) -> int | None:
    return int((end - start).total_seconds() * 1000) if start and end else None


async def list_runs(
    tenant: TenantRef,
    page: Page,
    *,
    flow_id: uuid.UUID | None = None,
    status: str | None = None,
    version: int | None = None,
    trigger_type: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of runs, newest first, filtered by flow, status, version, trigger and time."""
    check = Checker()
    if status is not None:
        check.choice("status", status, RUN_STATUSES, "status")
    if trigger_type is not None:
        check.choice("trigger", trigger_type, TRIGGER_TYPES, "trigger")
    check.raise_if_any()
    filters = Filters()
    filters.add("flow_id = {}", flow_id)
    filters.add("status = {}", status)
    filters.add("version = {}", version)
    filters.add("trigger_type = {}", trigger_type)
    filters.add("created_at >= {}", created_from)
    filters.add("created_at < {}", created_to)
    async with tenant_scope(tenant):
        rows, total, cursor = await page_of(
            "flow_run", RUN_COLUMNS, filters, "created_at DESC, id DESC", page, True
        )
    return [run_public(r) for r in rows], total, cursor


# --- the sweeper --------------------------------------------------------------------------------


async def sweep(max_tenants: int = 200) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(tenant id, run id) of every run to send again, for the tenants that are due."""
    rows = await fetch(
        "SELECT tenant_id FROM public.builder_due WHERE due_at <= now() ORDER BY due_at LIMIT $1",
        max_tenants,
    )
    found: list[tuple[uuid.UUID, uuid.UUID]] = []
    for r in rows:
        tenant = await live_tenant(r["tenant_id"])
        if tenant is None:
            await execute("DELETE FROM public.builder_due WHERE tenant_id = $1", r["tenant_id"])
            continue
        found += [(tenant.id, run_id) for run_id in await sweep_tenant(tenant.ref)]
    return found


async def sweep_tenant(tenant: TenantRef) -> list[uuid.UUID]:
    """Runs of one tenant to send again; the tenant's next look is scheduled (or dropped)."""
    resend = timedelta(seconds=resend_seconds())
    async with tenant_scope(tenant):
        marker = await fetch(
            "SELECT 1 FROM public.builder_due WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED",
            tenant.id,
        )
        if not marker:  # another worker is sweeping this tenant
            return []
        stale = await fetch(
            "UPDATE flow_run SET enqueued_at = now() WHERE id IN ("
            " SELECT id FROM flow_run WHERE status IN ('queued', 'running')"
            " AND (leased_until IS NULL OR leased_until < now())"
            " AND (wake_at IS NULL OR wake_at < now() - $1::interval)"
            " AND (enqueued_at IS NULL OR enqueued_at < now() - $1::interval"
            "      OR (leased_until IS NOT NULL AND enqueued_at < leased_until))"
            " FOR UPDATE SKIP LOCKED) RETURNING id",
            resend,
        )
        nxt = await fetch(
            "SELECT min(greatest(coalesce(leased_until, now()),"
            "  coalesce(wake_at + $1::interval, now()), coalesce(enqueued_at + $1::interval, now())))"
            " AS at FROM flow_run WHERE status IN ('queued', 'running')",
            resend,
        )
        if nxt[0]["at"] is None:
            await execute("DELETE FROM public.builder_due WHERE tenant_id = $1", tenant.id)
        else:
            await execute(
                "UPDATE public.builder_due SET due_at = greatest($2, now() + interval '1 second')"
                " WHERE tenant_id = $1",
                tenant.id,
                nxt[0]["at"],
            )
    return [r["id"] for r in stale]
