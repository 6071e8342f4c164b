"""The step loop: a worker claims a run with a lease and walks its definition step by step.

Each step is recorded in flow_run_step under its path (`s1`; `loop.3.s2` for a for_each's
fourth item; a branch's steps keep their own id, as one branch runs). Walking is replay: a step
whose row says succeeded or skipped is not run again, its output is taken from the row; so after
a crash, a redelivered message or a wake-up, the walk resumes at the first unfinished step.
Decisions are recorded too (the branch taken, the for_each items), so a resumed run goes the
same way.

Commits, per step:
- a side-effecting step outside the database (http_request) first commits its row as
  `running` with its rendered input and the idempotency key `<run_id>:<step_path>`; every
  attempt (a retry, or a re-run after a crash) reuses that input and key, so a receiver that
  honours Idempotency-Key performs it once;
- a database step runs inside the transaction that records its output, so its change and the
  step's `succeeded` commit together (exactly once, see actions/database.py);
- a step without side effects (transform, a skip, a container's decision and result) commits
  only its result, and not at once: its row is written by the run's next transaction (the next
  side-effecting step, the database step, the park or the finish), all such rows in one round
  trip. A crash before that commit loses only work that replay does again the same way.
Every one of these transactions checks that the run's lease is still this worker's (and renews
it), in the same statement as its first write where it can; a worker that lost its lease stops
without writing. A cancel request is seen at those transactions (and by the heartbeat). Retries re-enqueue the run with
a delay (exponential back-off with jitter), as do delays: a worker never sleeps for a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from types import ModuleType
from typing import Any

from jewelia.core import metrics
from jewelia.core.db import (
    DB,
    ScopedTransaction,
    TenantRef,
    current_tenant,
    fetch,
    tenant_scope,
)
from jewelia.platform.tenancy.registry import live_tenant
from jewelia.tenants.builder import monitoring
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.builder.engine.actions import (
    database,
    delay,
    file,
    http_request,
    notification,
    transform,
)
from jewelia.tenants.builder.engine.base import (
    OUTPUT_INLINE_BYTES,
    OUTPUT_MAX_BYTES,
    Park,
    StepContext,
    StepError,
    plain,
    qualified,
    to_json,
)
from jewelia.tenants.builder.engine.flow import MAX_ITEMS, RetryPolicy, on_error
from jewelia.tenants.builder.engine.render import call, evaluate, truthy

log = logging.getLogger("jewelia.builder")
ACTIONS: dict[str, ModuleType] = {
    "http_request": http_request,
    "transform": transform,
    "delay": delay,
    "database": database,
    "notification": notification,
    "file": file,
}
SLICE_SECONDS = 300.0  # one message advances a run at most this long, then re-enqueues it
EARLY_WAKE = timedelta(seconds=2)  # a wake-up message may beat the database clock by this much
MAX_CLAIMS = 10_000


# A step row ($1-$16; `source` is empty, or `FROM fence` to write it only when the fence held;
# $16 the time of the step when the row is written later, else null: now()).
SAVE_SQL = (
    "INSERT INTO flow_run_step (run_id, step_path, step_id, seq, type, status, attempts,"
    " input, output, output_size, output_ref, error, error_type, idempotency_key,"
    " next_attempt_at, started_at, finished_at) SELECT $1::uuid, $2::text, $3::text,"
    " (SELECT coalesce(max(seq), 0) + 1 FROM flow_run_step WHERE run_id = $1),"
    " $4::text, $5::text, $6::int, $7::jsonb, $8::jsonb, $9::int, $10::uuid, $11::text,"
    " $12::text, $13::text, $14::timestamptz, coalesce($16::timestamptz, now()),"
    " CASE WHEN $15::bool THEN coalesce($16::timestamptz, now()) END"
    " {source} ON CONFLICT (run_id, step_path) DO UPDATE SET status = EXCLUDED.status,"
    " attempts = EXCLUDED.attempts, input = coalesce(EXCLUDED.input, flow_run_step.input),"
    " output = EXCLUDED.output, output_size = EXCLUDED.output_size,"
    " output_ref = EXCLUDED.output_ref, error = EXCLUDED.error,"
    " error_type = EXCLUDED.error_type, next_attempt_at = EXCLUDED.next_attempt_at,"
    " finished_at = EXCLUDED.finished_at"
)
# The lease check ($17 the token, $18 the lease), as Execution.fence does it.
FENCE_SQL = (
    "UPDATE flow_run SET leased_until = now() + $18::interval"
    " WHERE id = $1 AND lease_token = $17 AND status = 'running' RETURNING cancel_requested"
)

# The fence and a step row in one statement: no row is written when the fence fails.
FENCED_SAVE_SQL = (
    f"WITH fence AS ({FENCE_SQL}),"
    f" saved AS ({SAVE_SQL.format(source='FROM fence')} RETURNING started_at)"
    " SELECT fence.cancel_requested, saved.started_at FROM fence LEFT JOIN saved ON true"
)


def _close_sql(n: int) -> str:
    """A run's close, its own fence: $1 the run; $n..$n+4 status, error, error type, failed
    step, lease token."""
    return (
        f"UPDATE flow_run SET status = ${n}, error = ${n + 1}, error_type = ${n + 2},"
        f" failed_step_id = ${n + 3}, finished_at = now(), lease_token = NULL,"
        " leased_until = NULL, wake_at = NULL"
        f" WHERE id = $1 AND lease_token = ${n + 4} AND status = 'running' RETURNING id, flow_id"
    )


CLOSE_SQL = _close_sql(2)
# Several step rows in one prepared statement ($1 the run; $2-$17 one array per column, see
# `_columns`): a batch has at most one row per path (`_columns` merges them), ON CONFLICT
# cannot touch a row twice. `seq` only orders a run's steps: gaps are harmless. Measured
# against the same rows as literals in one simple query (parsed and planned on every call):
# 0.2 against 0.55-0.8 ms for a run's three rows on this machine.
SAVE_MANY_SQL = (
    "INSERT INTO flow_run_step (run_id, step_path, step_id, seq, type, status, attempts,"
    " input, output, output_size, output_ref, error, error_type, idempotency_key,"
    " next_attempt_at, started_at, finished_at) SELECT $1::uuid, r.step_path, r.step_id,"
    " (SELECT coalesce(max(seq), 0) FROM flow_run_step WHERE run_id = $1) + r.n::int,"
    " r.type, r.status, r.attempts, r.input, r.output, r.output_size, r.output_ref, r.error,"
    " r.error_type, r.idempotency_key, r.next_attempt_at, coalesce(r.started_at, now()),"
    " CASE WHEN r.done THEN coalesce(r.finished_at, now()) END"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::jsonb[],"
    " $8::jsonb[], $9::int[], $10::uuid[], $11::text[], $12::text[], $13::text[],"
    " $14::timestamptz[], $15::bool[], $16::timestamptz[], $17::timestamptz[])"
    " WITH ORDINALITY AS r(step_path, step_id, type, status, attempts, input, output,"
    " output_size, output_ref, error, error_type, idempotency_key, next_attempt_at, done,"
    " started_at, finished_at, n) {where}"
    " ON CONFLICT (run_id, step_path) DO UPDATE SET status = EXCLUDED.status,"
    " attempts = EXCLUDED.attempts, input = coalesce(EXCLUDED.input, flow_run_step.input),"
    " output = EXCLUDED.output, output_size = EXCLUDED.output_size,"
    " output_ref = EXCLUDED.output_ref, error = EXCLUDED.error,"
    " error_type = EXCLUDED.error_type, next_attempt_at = EXCLUDED.next_attempt_at,"
    " finished_at = EXCLUDED.finished_at"
)
# A successful close in one statement with monitoring.run_finished's streak reset (a write
# only while a streak is in progress) and the run's unwritten step rows ($1-$17 as in
# SAVE_MANY_SQL, the close from $18), written only when the close's fence held.
_STREAK_SQL = (
    "UPDATE flow SET failure_streak = 0, streak_alerted = false"
    " WHERE id = (SELECT flow_id FROM closed) AND (failure_streak <> 0 OR streak_alerted)"
)
CLOSED_SAVED_SQL = (
    f"WITH closed AS ({_close_sql(18)}), streak AS ({_STREAK_SQL}),"
    f" saved AS ({SAVE_MANY_SQL.format(where='WHERE EXISTS (SELECT 1 FROM closed)')})"
    " SELECT id FROM closed"
)
_SAVE_MANY_PLAIN = SAVE_MANY_SQL.format(where="")
# The claim ($1 the run, $2 the new lease token, $3 the lease, $4 EARLY_WAKE), committed
# without waiting for its WAL flush (set_config(..., true) lasts until this statement's own
# commit): a claim carries no result, the run's next synchronous commit flushes it anyway,
# and a claim lost with the database host only sends the run back to the sweeper. It saves
# one of a run's two flushes (~0.2 ms a step on this machine's disk).
CLAIM_SQL = (
    "UPDATE flow_run SET status = 'running', lease_token = $2,"
    " leased_until = now() + $3::interval, claims = claims + 1,"
    " started_at = coalesce(started_at, now()), wake_at = NULL"
    " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
    " WHERE id = $1 AND status IN ('queued', 'running')"
    " AND (leased_until IS NULL OR leased_until < now())"
    " AND (wake_at IS NULL OR wake_at <= now() + $4::interval)"
    " RETURNING id, flow_id, flow_name, version, definition, trigger_type,"
    " trigger_payload, timeout_seconds, started_at, cancel_requested, claims"
)
STEPS_SQL = (
    "SELECT s.step_path, s.status, s.attempts, s.input, s.output, s.error,"
    " s.error_type, s.next_attempt_at, s.started_at, b.content AS blob"
    " FROM flow_run_step s LEFT JOIN flow_run_blob b ON b.id = s.output_ref"
    " WHERE s.run_id = $1"
)


@dataclass(frozen=True)
class Statements:
    """The claim and the successful close as single statements naming the tenant's tables
    with their schema, run without a transaction (one round trip instead of three: BEGIN with
    the search_path, the statement, COMMIT). Each is atomic on its own, and no trigger or
    function on these tables reads the search_path. (The close also ends a run inside its last
    step's transaction: the schema in its names changes nothing there.)"""

    claim: str
    claim_many: str
    steps: str
    closed_saved: str


@lru_cache(maxsize=4096)
def statements(schema: str) -> Statements:
    """The statements for one tenant schema (a name check_schema_name accepts)."""
    return Statements(
        claim=qualified(CLAIM_SQL, schema),
        claim_many=qualified(
            CLAIM_SQL.replace("WHERE id = $1 AND", "WHERE id = ANY($1::uuid[]) AND"), schema
        ),
        steps=qualified(STEPS_SQL, schema),
        closed_saved=qualified(CLOSED_SAVED_SQL, schema),
    )


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """SAVE_SQL parameter rows ($1-$16 each, in order) as SAVE_MANY_SQL's $2-$17 columns, the
    rows of one path merged as writing them one after the other would leave it: the later
    row's values, the earlier input when the later has none, the earlier start."""
    merged: dict[str, list[Any]] = {}
    for row in rows:
        at = row[15]
        values = [*row[1:15], at, at]  # path .. next_attempt_at, done, started, finished
        earlier = merged.get(row[1])
        if earlier is not None:
            values[5] = earlier[5] if values[5] is None else values[5]
            values[14] = earlier[14]
        merged[row[1]] = values
    return [list(column) for column in zip(*merged.values(), strict=True)] or [[]] * 16


class _FencedBegin(ScopedTransaction):
    """A step's transaction whose BEGIN also renews the run's lease, in the same round trip:
    Execution.fence's usual case (still held, no cancel requested); `fenced` says it held."""

    def __init__(self, schema: str, fence: str) -> None:
        super().__init__(DB, schema)
        self._fence = fence
        self.fenced = False

    async def begin(self) -> None:
        status = await self.connection.execute(
            f"BEGIN; SELECT set_config('search_path', '{self._schema}', true); {self._fence}"
        )
        self.fenced = status == "UPDATE 1"


class LeaseLost(Exception):
    """Another worker holds the run now (or it finished): stop without writing."""


class Parked(Exception):
    """The run waits until `until` (a delay, a retry's back-off, the end of a time slice)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class RunFailed(Exception):
    """A step failed with onError stop (or the run timed out): the run fails, naming it."""

    def __init__(self, path: str, message: str, error_type: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.error_type = error_type


class RunTimedOut(RunFailed):
    """The run's time is up: no container's onError continue goes on after that."""


class Cancelled(Exception):
    pass


@dataclass
class Scope:
    """What the steps at one level see: the outputs so far, and the for_each item."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    item: Any = None
    index: int | None = None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _now() -> datetime:
    return datetime.now(UTC)


async def claim(tenant: TenantRef, run_id: uuid.UUID, token: uuid.UUID) -> Any:
    """Take the run if it is open, due, and no live lease holds it: (run, step rows by path).

    One statement on the tenant's own tables, outside a transaction (see Statements); the
    steps are read after it, when this worker holds the lease and no other can write them."""
    _alone()
    sql = statements(tenant.schema_name)
    rows = await fetch(
        sql.claim, run_id, token, timedelta(seconds=runs.lease_seconds()), EARLY_WAKE
    )
    return await _claimed(sql, rows[0]) if rows else None


async def claim_many(
    tenant: TenantRef, run_ids: list[uuid.UUID], token: uuid.UUID
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """`claim` for several runs of one tenant in one statement: those taken, each (run, step
    rows by path)."""
    _alone()
    sql = statements(tenant.schema_name)
    rows = await fetch(
        sql.claim_many, run_ids, token, timedelta(seconds=runs.lease_seconds()), EARLY_WAKE
    )
    return [await _claimed(sql, row) for row in rows]


def _alone() -> None:
    # The claim commits without waiting for its flush: inside a caller's transaction it would
    # make that whole transaction do so.
    if DB.current_transaction.get() is not None:
        raise RuntimeError("a run is claimed on its own, outside any transaction")


async def _claimed(sql: Statements, run: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    # steps are written only by a lease holder, so a run claimed for the first time has none
    steps = await fetch(sql.steps, run["id"]) if run["claims"] > 1 else []
    run["definition"] = _json(run["definition"])
    run["trigger_payload"] = _json(run["trigger_payload"])
    by_path = {}
    for s in steps:
        s["input"] = _json(s["input"])
        s["output"] = _json(s.pop("blob")) if s["blob"] is not None else _json(s["output"])
        by_path[s["step_path"]] = s
    return run, by_path


TENANT_SECONDS = 5.0  # how long a worker trusts that a tenant it has seen is still live
_live_tenants: dict[uuid.UUID, tuple[float, TenantRef]] = {}


async def _live(tenant_id: uuid.UUID) -> TenantRef | None:
    """The tenant of a run, or None when unknown or deleted: looked up at most every
    TENANT_SECONDS per worker process (a query per message cost as much as a step)."""
    seen = _live_tenants.get(tenant_id)
    now = time.monotonic()
    if seen is not None and now - seen[0] < TENANT_SECONDS:
        return seen[1]
    tenant = await live_tenant(tenant_id)
    if tenant is None:
        _live_tenants.pop(tenant_id, None)
        return None
    if len(_live_tenants) > 10_000:
        _live_tenants.clear()
    _live_tenants[tenant_id] = (now, tenant.ref)
    return tenant.ref


async def advance(tenant_id: uuid.UUID, run_id: uuid.UUID) -> None:
    """Advance one run as far as it goes now (the actor's whole job). A run that is finished,
    not due yet, or held by another worker's lease is left alone."""
    tenant = await _live(tenant_id)
    if tenant is None:
        return
    token = uuid.uuid4()
    claimed = await claim(tenant, run_id, token)
    if claimed is None:
        return
    await _drive(Execution(tenant, claimed[0], claimed[1], token))


async def advance_many(
    pairs: list[tuple[uuid.UUID, uuid.UUID]],
) -> list[tuple[uuid.UUID, uuid.UUID, BaseException]]:
    """`advance` for several (tenant id, run id): each tenant's runs claimed in one statement,
    then walked concurrently; (tenant id, run id, exception) of each walk that raised (its
    lease released)."""
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = {}
    for tenant_id, run_id in pairs:
        by_tenant.setdefault(tenant_id, []).append(run_id)
    executions = []
    for tenant_id, run_ids in by_tenant.items():
        tenant = await _live(tenant_id)
        if tenant is None:
            continue
        token = uuid.uuid4()
        for run, rows in await claim_many(tenant, run_ids, token):
            executions.append(Execution(tenant, run, rows, token))
    results = await asyncio.gather(*(_drive(e) for e in executions), return_exceptions=True)
    return [
        (e.tenant.id, e.run_id, result)
        for e, result in zip(executions, results, strict=True)
        if isinstance(result, BaseException)
    ]


async def _drive(execution: Execution) -> None:
    """Walk a claimed run, with its heartbeat."""
    # The heartbeat starts a third of the lease after the claim, when it first renews it (most
    # runs are over long before: no task for them). It is stopped, never cancelled: a task
    # cancelled while it opens a transaction would leave its connection out of the pool.
    beats: list[asyncio.Task[None]] = []
    timer = asyncio.get_running_loop().call_later(
        runs.lease_seconds() / 3, lambda: beats.append(asyncio.create_task(execution.heartbeat()))
    )
    try:
        await execution.run()
    finally:
        timer.cancel()
        execution.stopped.set()
        for beat in beats:
            with contextlib.suppress(Exception):
                await beat


class Execution:
    """One claim of one run: walks the definition, writing each step (see the module doc)."""

    def __init__(
        self, tenant: TenantRef, run: dict[str, Any], rows: dict[str, Any], token: uuid.UUID
    ) -> None:
        self.tenant = tenant
        self.run_row = run
        self.rows = rows
        self.token = token
        self.run_id: uuid.UUID = run["id"]
        self.deadline: datetime = run["started_at"] + timedelta(seconds=run["timeout_seconds"])
        self.began = time.monotonic()
        self.cancel_requested = bool(run["cancel_requested"])
        self.lost = False
        self.stopped = asyncio.Event()
        # rows of side-effect-free steps not written yet: the run's next transaction writes
        # them (see `save`)
        self.pending: list[tuple[Any, ...]] = []
        # where the walk is, to know a step is the run's last write (see `final`): per level,
        # whether the step is its list's last (False inside a for_each); per branch around
        # it, the row its success will write (None when written already)
        self.lasts: list[bool] = []
        self.after: list[tuple[Any, ...] | None] = []
        self.closed = False  # the run was closed with its last step's transaction
        self.run_info = {
            "id": str(run["id"]),
            "flow_id": str(run["flow_id"]),
            "version": run["version"],
            "started_at": run["started_at"].isoformat(),
        }

    # --- the run as a whole ---------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self.walk()
        except LeaseLost:
            log.info("builder run %s: lease lost, another worker continues it", self.run_id)
        except BaseException:
            await self.release()
            raise

    async def walk(self) -> None:
        """Walk the steps and record how the run ends (or that it waits)."""
        try:
            if self.run_row["claims"] > MAX_CLAIMS:
                raise RunFailed("", "The run was resumed too many times", "engine")
            actions = self.run_row["definition"].get("actions") or []
            await self.steps(actions if isinstance(actions, list) else [], "", Scope())
        except Parked as parked:
            await self.park(parked.until)
        except RunFailed as failed:
            await self.finish("failed", failed.message, failed.error_type, failed.path or None)
        except Cancelled:
            await self.finish("cancelled", "Cancelled", None, None)
        else:
            await self.finish("succeeded", None, None, None)

    async def heartbeat(self) -> None:
        """Renew the lease now and every third of the lease while a long step runs, until
        stopped (started a third of the lease after the claim)."""
        while not self.stopped.is_set():
            try:
                async with tenant_scope(self.tenant):
                    await self.fence(flush=False)
            except LeaseLost:
                self.lost = True
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopped.wait(), timeout=runs.lease_seconds() / 3)
                return

    async def fence(self, flush: bool = True) -> None:
        """Inside a transaction: renew the lease and lock the run, or LeaseLost; then write the
        deferred step rows (unless `flush` is false: the heartbeat, a task of its own)."""
        if flush and len(self.pending) == 1:  # the usual case: the fence and the row together
            rows = await fetch(
                FENCED_SAVE_SQL,
                *self.pending[0],
                self.token,
                timedelta(seconds=runs.lease_seconds()),
            )
            if not rows:
                raise LeaseLost
            self.pending.clear()
            self.cancel_requested = bool(rows[0]["cancel_requested"])
            return
        rows = await fetch(
            "UPDATE flow_run SET leased_until = now() + $3::interval"
            " WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING cancel_requested",
            self.run_id,
            self.token,
            timedelta(seconds=runs.lease_seconds()),
        )
        if not rows:
            raise LeaseLost
        self.cancel_requested = bool(rows[0]["cancel_requested"])
        if flush:
            await self.flush()

    @contextlib.asynccontextmanager
    async def step_transaction(self) -> AsyncIterator[None]:
        """The transaction of an in-transaction step, fenced: BEGIN, the search_path and the
        lease renewal in one round trip (a lease lost or a cancel requested takes the full
        fence, which says which). Deferred rows are written by the step's save, with its row."""
        if DB.current_transaction.get() is not None:  # pragma: no cover - none is open here
            async with tenant_scope(self.tenant):
                await self.fence()
                yield
            return
        # a simple query (no parameters): its values are two UUIDs and a number, made here
        fence = (
            "UPDATE flow_run SET leased_until = now() + interval"
            f" '{float(runs.lease_seconds()):.3f} seconds'"
            f" WHERE id = '{uuid.UUID(str(self.run_id))}' AND lease_token = '{self.token}'"
            " AND status = 'running' AND NOT cancel_requested"
        )
        bound = current_tenant.set(self.tenant)
        try:
            txn = _FencedBegin(self.tenant.schema_name, fence)
            async with txn:
                if txn.fenced:
                    self.cancel_requested = False
                else:
                    await self.fence(flush=False)
                yield
        finally:
            current_tenant.reset(bound)

    async def flush(self) -> None:
        """Inside a fenced transaction: write the rows `save` deferred, in their order, in one
        round trip."""
        if self.pending:
            pending, self.pending = self.pending, []
            assert DB.current_transaction.get() is not None, "flush outside a transaction"
            await self.write_rows(pending)

    async def finish(
        self, status: str, error: str | None, error_type: str | None, path: str | None
    ) -> None:
        if self.closed:  # by the last step's transaction
            await metrics.count_outcome("builder_run", (status,))
            return
        if status == "succeeded":
            # the usual end: the close, the streak reset and the deferred rows in one
            # statement, on its own (see Statements)
            await self.write_rows(self.pending, close=True)
            self.pending.clear()
            await metrics.count_outcome("builder_run", (status,))
            return
        async with tenant_scope(self.tenant):
            await self.close(status, error, error_type, path)
        await metrics.count_outcome("builder_run", (status,))

    async def write_rows(self, rows: list[tuple[Any, ...]], close: bool = False) -> None:
        """Write these step rows (SAVE_SQL's $1-$16 each, in order) in one statement; with
        `close`, the run's successful close in the same statement (its own fence: LeaseLost,
        and nothing written, when it did not hold). In a transaction or on its own."""
        if not close:
            await fetch(_SAVE_MANY_PLAIN, self.run_id, *_columns(rows))
            return
        closed = await fetch(
            statements(self.tenant.schema_name).closed_saved,
            self.run_id,
            *_columns(rows),
            *self.close_values("succeeded", None, None, None),
        )
        if not closed:
            raise LeaseLost

    def close_values(
        self, status: str, error: str | None, error_type: str | None, path: str | None
    ) -> tuple[Any, ...]:
        """A close's parameters after the run's (see _close_sql)."""
        return (status, error[:4000] if error else None, error_type, path, self.token)

    async def close(
        self, status: str, error: str | None, error_type: str | None, path: str | None
    ) -> None:
        """Inside a transaction: record how the run ended and release it, or LeaseLost (the
        statement is its own fence)."""
        values = self.close_values(status, error, error_type, path)
        closed = await fetch(CLOSE_SQL, self.run_id, *values)
        if not closed:
            raise LeaseLost
        await self.flush()
        await monitoring.run_finished(self.tenant, self.run_row["flow_id"], status, error, path)

    async def park(self, until: datetime) -> None:
        """Release the run until `until` and send its wake-up message (a run cancelled in the
        meantime ends now instead)."""
        async with tenant_scope(self.tenant):
            await self.fence()
            if self.cancel_requested:
                await self.close("cancelled", "Cancelled", None, None)
                return
            await fetch(
                "UPDATE flow_run SET wake_at = $2, lease_token = NULL, leased_until = NULL,"
                " enqueued_at = now() WHERE id = $1",
                self.run_id,
                until,
            )
            wait = max(0.0, (until - _now()).total_seconds())
            await runs.mark_due(self.tenant.id, wait + runs.resend_seconds())
        await runs.send(self.tenant.id, self.run_id, delay_ms=int(wait * 1000) or None)

    async def release(self) -> None:
        """Give the run up after an unexpected error (the message's retry claims it again)."""
        try:
            async with tenant_scope(self.tenant):
                await fetch(
                    "UPDATE flow_run SET lease_token = NULL, leased_until = NULL"
                    " WHERE id = $1 AND lease_token = $2",
                    self.run_id,
                    self.token,
                )
        except Exception:
            log.exception("builder run %s: could not release its lease", self.run_id)

    # --- steps ---------------------------------------------------------------------------

    def context(self, scope: Scope) -> dict[str, Any]:
        return {
            "trigger": self.run_row["trigger_payload"],
            "steps": scope.steps,
            "run": self.run_info,
            "item": scope.item,
            "index": scope.index,
        }

    def check_time(self, path: str) -> None:
        if self.lost:
            raise LeaseLost
        if self.cancel_requested:
            raise Cancelled
        if _now() > self.deadline:
            raise RunTimedOut(
                path,
                f"The run did not finish within {self.run_row['timeout_seconds']} s",
                "run_timeout",
            )
        if time.monotonic() - self.began > SLICE_SECONDS:
            raise Parked(_now())

    async def steps(self, steps: list[Any], prefix: str, scope: Scope) -> None:
        for n, step in enumerate(steps):
            if not isinstance(step, dict) or not isinstance(step.get("id"), str):
                raise RunFailed(
                    f"{prefix}{n}", f"Step {n + 1} is not a valid step", "invalid_config"
                )
            self.lasts.append(n == len(steps) - 1)
            try:
                await self.step(step, prefix, scope)
            finally:
                self.lasts.pop()

    def final(self) -> bool:
        """Whether the run ends when the current step succeeds: it is the last of its list,
        and so is each branch around it (no for_each), so what is left is the branches'
        success rows and the close."""
        return all(self.lasts)

    async def step(self, step: dict[str, Any], prefix: str, scope: Scope) -> None:
        sid = step["id"]
        path = f"{prefix}{sid}"
        kind = step.get("type")
        row = self.rows.get(path)
        if row is not None and row["status"] == "skipped":
            scope.steps[sid] = {"output": None, "status": "skipped"}
            return
        if row is not None and row["status"] == "succeeded" and kind != "branch":
            scope.steps[sid] = {"output": row["output"]}
            return
        if row is not None and row["status"] == "failed":
            error = StepError(row["error"] or "failed", row["error_type"] or "failed")
            return self.fell(step, path, scope, error)
        self.check_time(path)
        if row is None and step.get("if") is not None:
            try:
                go = truthy(await call(evaluate, str(step["if"]), self.context(scope)))
            except StepError as exc:
                return await self.failed(step, path, scope, exc, 0, None)
            if not go:
                await self.save(path, step, "skipped", defer=True)
                scope.steps[sid] = {"output": None, "status": "skipped"}
                return
        if kind == "branch":
            await self.branch(step, path, prefix, scope, row)
        elif kind == "for_each":
            await self.for_each(step, path, scope, row)
        elif isinstance(kind, str) and kind in ACTIONS:
            await self.action(ACTIONS[kind], step, path, scope, row)
        else:
            error = StepError(f"Steps of type {kind!r} cannot run here", "invalid_config")
            await self.failed(step, path, scope, error, 0, None)

    def fell(self, step: dict[str, Any], path: str, scope: Scope, error: StepError) -> None:
        """A recorded failure: go on (onError continue) or fail the run."""
        scope.steps[step["id"]] = {
            "output": None,
            "status": "failed",
            "error": {"message": error.message, "type": error.error_type},
        }
        if on_error(step) != "continue":
            raise RunFailed(path, f"Step {path} failed: {error.message}", error.error_type)

    async def failed(
        self,
        step: dict[str, Any],
        path: str,
        scope: Scope,
        error: StepError,
        attempts: int,
        request: Any,
    ) -> None:
        await self.save(
            path, step, "failed", attempts=attempts, request=request, error=error, done=True
        )
        self.fell(step, path, scope, error)

    async def save(
        self,
        path: str,
        step: dict[str, Any],
        status: str,
        *,
        attempts: int = 0,
        request: Any = None,
        output: Any = None,
        error: StepError | None = None,
        next_at: datetime | None = None,
        done: bool = True,
        fenced: bool = False,
        text: str | None = None,
        defer: bool = False,
        last: bool = False,
        close: bool = False,
    ) -> datetime | None:
        """Write the step's row (its own transaction unless `fenced`: already in one); the time
        it first started (None from a fenced save that also wrote deferred rows, in the same
        round trip). `text`: the output's JSON when the caller has it already.

        `defer`: the row of a step without side effects (a transform, a skip, a container's
        decision) is written by the run's next transaction instead, with the time it has now.
        Nothing outside the run sees it before then, and a crash before then loses only work
        that is done again the same way on replay (no later step was committed either).

        `last` (fenced, the last write of the step's transaction): the deferred rows and this
        one in one statement (see `write_rows`); None is returned then. With `close` (the run
        ends with this step: `final`) the enclosing branches' success rows and the run's
        successful close go in that statement too, and the run is `closed`.
        """
        if self.closed:  # the rest of a walk whose last step closed the run
            return None
        if text is None and status == "succeeded":
            text = to_json(output)
        small = text is None or len(text) <= OUTPUT_INLINE_BYTES // 4
        if defer and small and not fenced:
            at = _now()
            values = self.step_values(path, step, status, attempts, request, text, None, error)
            self.pending.append((*values, f"{self.run_id}:{path}", next_at, done, at))
            return at
        if not fenced and small and not self.pending:
            # the common case: the fence and the row in one statement (an output that may be
            # over OUTPUT_INLINE_BYTES once encoded goes the long way, its blob first)
            async with tenant_scope(self.tenant):
                rows = await fetch(
                    FENCED_SAVE_SQL,
                    *self.step_values(path, step, status, attempts, request, text, None, error),
                    f"{self.run_id}:{path}",
                    next_at,
                    done,
                    None,
                    self.token,
                    timedelta(seconds=runs.lease_seconds()),
                )
                if not rows:
                    raise LeaseLost
                self.cancel_requested = bool(rows[0]["cancel_requested"])
                return rows[0]["started_at"]  # type: ignore[no-any-return]
        if not fenced:
            async with tenant_scope(self.tenant):
                await self.fence()
                return await self.save(
                    path,
                    step,
                    status,
                    attempts=attempts,
                    request=request,
                    output=output,
                    error=error,
                    next_at=next_at,
                    done=done,
                    fenced=True,
                    text=text,
                )
        ref = None
        size = None if text is None else len(text.encode())
        if size is not None and size > OUTPUT_INLINE_BYTES:
            ref = uuid.uuid4()
            await fetch(
                "INSERT INTO flow_run_blob (id, run_id, step_path, size, content)"
                " VALUES ($1, $2, $3, $4, $5)",
                ref,
                self.run_id,
                path,
                size,
                text,
            )
        values = (
            *self.step_values(path, step, status, attempts, request, text, ref, error),
            f"{self.run_id}:{path}",
            next_at,
            done,
            None,
        )
        if last:
            batch = [*self.pending, values]
            if close:
                batch += [r for r in reversed(self.after) if r is not None]
            await self.write_rows(batch, close=close)
            self.pending.clear()
            self.closed = close
            return None
        if self.pending:  # deferred rows first, in their order: with this one when inline
            if ref is not None:
                await self.flush()
            else:
                self.pending.append(values)
                await self.flush()
                return None
        rows = await fetch(SAVE_SQL.format(source="") + " RETURNING started_at", *values)
        return rows[0]["started_at"]  # type: ignore[no-any-return]

    def step_values(
        self,
        path: str,
        step: dict[str, Any],
        status: str,
        attempts: int,
        request: Any,
        text: str | None,
        ref: uuid.UUID | None,
        error: StepError | None,
    ) -> tuple[Any, ...]:
        """SAVE_SQL's parameters $1-$12 (the output inline unless `ref` holds it)."""
        return (
            self.run_id,
            path,
            step["id"],
            str(step.get("type"))[:20],
            status,
            attempts,
            None if request is None else to_json(request),
            None if text is None or ref is not None else text,
            None if text is None else len(text.encode()),
            ref,
            error.message[:4000] if error else None,
            error.error_type[:40] if error else None,
        )

    async def action(
        self, module: ModuleType, step: dict[str, Any], path: str, scope: Scope, row: Any
    ) -> None:
        context = self.context(scope)
        if row is not None and row["input"] is not None:
            request = row["input"]
        else:
            try:
                request = plain(await call(module.prepare, step.get("config") or {}, context))
            except StepError as exc:
                return await self.failed(step, path, scope, exc, 1, None)
        waiting = row["next_attempt_at"] if row is not None else None
        if waiting is not None and waiting > _now() + EARLY_WAKE:
            raise Parked(waiting)
        # A `running` row with a wake-up time is a delay still in its one attempt; any other
        # row found here is an attempt that failed (pending) or was cut short by a crash.
        delaying = waiting is not None and row is not None and row["status"] == "running"
        attempt = 1 if row is None else row["attempts"] + (0 if delaying else 1)
        started = row["started_at"] if row is not None else None
        placed = getattr(module, "in_transaction", None)
        in_transaction = placed(request) if placed else getattr(module, "IN_TRANSACTION", False)
        effects = getattr(module, "side_effect", None)
        side_effect = effects(request) if effects else getattr(module, "SIDE_EFFECT", True)
        if side_effect and not in_transaction:
            started = await self.save(
                path, step, "running", attempts=attempt, request=request, done=False
            )
        info = StepContext(
            tenant=self.tenant,
            run_id=self.run_id,
            flow_id=self.run_row["flow_id"],
            flow_name=self.run_row["flow_name"],
            step_path=path,
            step_id=step["id"],
            idempotency_key=f"{self.run_id}:{path}",
            attempt=attempt,
            first_started_at=started or _now(),
            remaining_seconds=max(0.0, (self.deadline - _now()).total_seconds()),
            expression_context=context,
        )
        try:
            if in_transaction:
                async with self.step_transaction():
                    output, text = self.encoded(await module.execute(info, request))
                    await self.save(
                        path,
                        step,
                        "succeeded",
                        attempts=attempt,
                        request=request,
                        output=output,
                        fenced=True,
                        text=text,
                        last=True,
                        close=self.final(),
                    )
            else:
                output, text = self.encoded(await module.execute(info, request))
                await self.save(
                    path,
                    step,
                    "succeeded",
                    attempts=attempt,
                    request=request,
                    output=output,
                    text=text,
                    defer=not side_effect,
                )
        except Park as park:
            if park.until > self.deadline:
                raise RunTimedOut(
                    path,
                    f"The run would wait past its time limit ({self.run_row['timeout_seconds']} s)",
                    "run_timeout",
                ) from park
            await self.save(
                path,
                step,
                "running",
                attempts=attempt,
                request=request,
                next_at=park.until,
                done=False,
            )
            raise Parked(park.until) from park
        except StepError as exc:
            policy = RetryPolicy.of(step)
            if exc.retry_kind in policy.retry_on and attempt < policy.attempts:
                until = _now() + timedelta(seconds=policy.delay_after(attempt, random.random()))
                if until < self.deadline:
                    await self.save(
                        path,
                        step,
                        "pending",
                        attempts=attempt,
                        request=request,
                        error=exc,
                        next_at=until,
                        done=False,
                    )
                    raise Parked(until) from exc
            return await self.failed(step, path, scope, exc, attempt, request)
        scope.steps[step["id"]] = {"output": output}

    @staticmethod
    def capped(output: Any) -> Any:
        """The output as stored (plain JSON), or StepError when over OUTPUT_MAX_BYTES."""
        return Execution.encoded(output)[0]

    @staticmethod
    def encoded(output: Any) -> tuple[Any, str]:
        """The output as stored (plain JSON) and its JSON text (encoded once, for the step's
        row too), or StepError when over OUTPUT_MAX_BYTES."""
        text = to_json(output)
        if len(text) > OUTPUT_MAX_BYTES // 4 and len(text.encode()) > OUTPUT_MAX_BYTES:
            raise StepError(
                f"The step's output is over {OUTPUT_MAX_BYTES // (1024 * 1024)} MB",
                "output_too_large",
            )
        return json.loads(text), text

    async def branch(
        self, step: dict[str, Any], path: str, prefix: str, scope: Scope, row: Any
    ) -> None:
        config = step.get("config") or {}
        branches = [b for b in config.get("branches") or [] if isinstance(b, dict)]
        if row is not None and isinstance(row["input"], dict):
            chosen = row["input"].get("branch")
        else:
            chosen = "else" if config.get("else") else None
            try:
                for n, candidate in enumerate(branches):
                    condition = str(candidate.get("if"))
                    if truthy(await call(evaluate, condition, self.context(scope))):
                        chosen = n
                        break
            except StepError as exc:
                return await self.failed(step, path, scope, exc, 1, None)
            await self.save(
                path,
                step,
                "running",
                attempts=1,
                request={"branch": chosen},
                done=False,
                defer=True,
            )
        if isinstance(chosen, int) and chosen < len(branches):
            actions = branches[chosen].get("actions") or []
        else:
            actions = config.get("else") or [] if chosen == "else" else []
        done = row is not None and row["status"] == "succeeded"
        self.after.append(
            None
            if done
            else (
                *self.step_values(
                    path, step, "succeeded", 1, None, to_json({"branch": chosen}), None, None
                ),
                f"{self.run_id}:{path}",
                None,
                True,
                _now(),
            )
        )
        try:
            await self.steps(actions, prefix, scope)
        except RunTimedOut:
            raise
        except RunFailed as failure:
            await self.save(
                path,
                step,
                "failed",
                attempts=1,
                error=StepError(failure.message, failure.error_type),
            )
            scope.steps[step["id"]] = {"output": None, "status": "failed"}
            if on_error(step) != "continue":
                raise
            return
        finally:
            self.after.pop()
        output = {"branch": chosen}
        if row is None or row["status"] != "succeeded":
            await self.save(path, step, "succeeded", attempts=1, output=output, defer=True)
        scope.steps[step["id"]] = {"output": output}

    async def for_each(self, step: dict[str, Any], path: str, scope: Scope, row: Any) -> None:
        config = step.get("config") or {}
        if row is not None and isinstance(row["input"], dict):
            items = row["input"].get("items") or []
        else:
            try:
                given = config.get("items")
                value = (
                    await call(evaluate, given, self.context(scope))
                    if isinstance(given, str)
                    else given
                )
                items = [] if value is None else value if isinstance(value, list) else [value]
                limit = config.get("maxItems")
                limit = min(limit, MAX_ITEMS) if isinstance(limit, int) and limit > 0 else MAX_ITEMS
                if len(items) > limit:
                    raise StepError(
                        f"{len(items)} items is more than this loop's maxItems ({limit})",
                        "too_many_items",
                    )
                items = self.capped(items)
            except StepError as exc:
                return await self.failed(step, path, scope, exc, 1, None)
            await self.save(
                path, step, "running", attempts=1, request={"items": items}, done=False, defer=True
            )
        results: list[Any] = []
        actions = config.get("actions") or []
        self.lasts.append(False)  # a step in a loop is never the run's last write
        try:
            await self.each(step, path, scope, items, actions, results)
        finally:
            self.lasts.pop()

    async def each(
        self,
        step: dict[str, Any],
        path: str,
        scope: Scope,
        items: list[Any],
        actions: list[Any],
        results: list[Any],
    ) -> None:
        """A for_each's items, each walked in its own scope, then the loop's row."""
        for index, item in enumerate(items):
            inner = Scope(steps=dict(scope.steps), item=item, index=index)
            try:
                await self.steps(actions, f"{path}.{index}.", inner)
            except RunTimedOut:
                raise
            except RunFailed as failure:
                message = f"Item {index}: {failure.message}"
                await self.save(
                    path,
                    step,
                    "failed",
                    attempts=1,
                    error=StepError(message, failure.error_type),
                )
                scope.steps[step["id"]] = {"output": None, "status": "failed"}
                if on_error(step) != "continue":
                    raise
                return
            results.append(
                {k: v.get("output") for k, v in inner.steps.items() if k not in scope.steps}
            )
        await self.save(path, step, "succeeded", attempts=1, output=results, defer=True)
        scope.steps[step["id"]] = {"output": results}
