"""The engine's single-statement claim and close (schema-qualified, no transaction) and the
database step's BEGIN that also renews the lease: same fences as the transaction path.

Real PostgreSQL (the `db` fixture); runs are advanced in this process, no worker."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest

from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.builder.engine import executor, runs


def test_statements_name_the_schema_of_every_table() -> None:
    sql = executor.statements("t_0123456789ab")
    for text in (sql.claim, sql.claim_many, sql.steps, sql.closed_saved):
        tables = re.findall(r'\b(?:FROM|INTO|UPDATE|JOIN) ([\w".]+)', text)
        assert tables and all(
            t.startswith('"t_0123456789ab".') or t in ("closed", "SET", "unnest") for t in tables
        ), tables
    with pytest.raises(ValueError):
        executor.statements('t_0123456789ab"; DROP TABLE flow_run; --')


@pytest.fixture(scope="module")
async def business(db: None) -> Any:
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    return await accounts.signup(
        f"Fence Gems {uuid.uuid4().hex[:6]}", "Fen Fence", unique_email("fence"), STRONG_PASSWORD
    )


def create_customer(email: str) -> dict[str, Any]:
    """A branch with a database step, then a transform (a step boundary after the change)."""
    return {
        "triggers": [{"type": "api_call", "config": {}}],
        "actions": [
            {
                "id": "check",
                "type": "branch",
                "config": {
                    "branches": [
                        {
                            "if": "trigger.amount > 0",
                            "actions": [
                                {
                                    "id": "save",
                                    "type": "database",
                                    "config": {
                                        "resource": "customers",
                                        "operation": "create",
                                        "data": {"full_name": "'Fence'", "email": f"'{email}'"},
                                    },
                                }
                            ],
                        }
                    ]
                },
            },
            {"id": "after", "type": "transform", "config": {"output": "steps.save.output.email"}},
        ],
    }


async def start(tenant: Any, definition: dict[str, Any]) -> uuid.UUID:
    run_id: uuid.UUID = await runs.start_run(
        tenant.ref,
        flow_id=uuid.uuid4(),
        flow_name="Fence flow",
        definition=definition,
        trigger_type="api_call",
        payload={"amount": 5},
    )
    return run_id


async def customers(tenant: Any, email: str) -> int:
    async with tenant_scope(tenant.ref):
        rows = await fetch("SELECT count(*) AS n FROM customer WHERE email = $1", email)
    return int(rows[0]["n"])


async def test_a_run_claimed_and_closed_without_a_transaction(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, tenant = business
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    email = f"fence-{uuid.uuid4().hex[:8]}@example.com"
    run_id = await start(tenant, create_customer(email))
    await executor.advance(tenant.id, run_id)
    run = await runs.get_run(tenant.ref, run_id)
    assert run["status"] == "succeeded"
    steps = {s["stepId"] if "stepId" in s else s["step_id"]: s for s in run["steps"]}
    assert steps["check"]["input"] == {"branch": 0} and steps["check"]["output"] == {"branch": 0}
    assert steps["save"]["status"] == "succeeded" and steps["after"]["output"] == email
    assert await customers(tenant, email) == 1
    assert await executor.claim(tenant.ref, run_id, uuid.uuid4()) is None  # finished: no claim


async def test_a_cancel_seen_at_the_database_steps_begin(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancel requested before the step's transaction: the BEGIN's lease renewal does not
    match, the full fence says cancelled (not lost), the step commits as before and the run
    ends cancelled at the next step boundary (a stale worker's step is refused: see
    test_builder_engine's test_a_stale_worker_cannot_record_a_database_change)."""
    _, tenant = business
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    email = f"fence-{uuid.uuid4().hex[:8]}@example.com"
    run_id = await start(tenant, create_customer(email))
    token = uuid.uuid4()
    run, rows = await executor.claim(tenant.ref, run_id, token)
    async with tenant_scope(tenant.ref):
        await fetch("UPDATE flow_run SET cancel_requested = true WHERE id = $1", run_id)
    execution = executor.Execution(tenant.ref, run, rows, token)
    await execution.run()
    run = await runs.get_run(tenant.ref, run_id)
    assert run["status"] == "cancelled" and execution.cancel_requested
    assert [s["status"] for s in run["steps"]] == ["succeeded", "succeeded"]  # branch, save
    assert await customers(tenant, email) == 1


async def test_the_heartbeat_renews_the_lease_of_a_long_step(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heartbeat starts a third of the lease after the claim and keeps renewing it while a
    step runs longer than the lease (a 2 s request, a 0.9 s lease)."""
    from tests.webhook_receiver import Receiver

    _, tenant = business
    monkeypatch.setenv("JEWELIA_BUILDER_LEASE_SECONDS", "0.9")
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    with Receiver() as receiver:
        definition = {
            "triggers": [{"type": "api_call", "config": {}}],
            "actions": [
                {
                    "id": "slow",
                    "type": "http_request",
                    "config": {"method": "POST", "url": receiver.url("/slow")},
                }
            ],
        }
        run_id = await start(tenant, definition)
        advancing = asyncio.create_task(executor.advance(tenant.id, run_id))
        await asyncio.sleep(1.4)  # past the lease the claim took
        async with tenant_scope(tenant.ref):
            rows = await fetch(
                "SELECT leased_until > now() AS held FROM flow_run WHERE id = $1", run_id
            )
        assert rows[0]["held"]
        await advancing
    run = await runs.get_run(tenant.ref, run_id)
    assert run["status"] == "succeeded" and run["steps"][0]["attempts"] == 1


async def test_the_claim_commits_on_its_own_without_changing_the_connection(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim's commit does not wait for its WAL flush (set_config local to its own
    statement): refused inside a transaction, which it would turn asynchronous too, and the
    pooled connections keep synchronous_commit on afterwards."""
    _, tenant = business
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    run_id = await start(tenant, create_customer("x"))
    async with tenant_scope(tenant.ref):
        with pytest.raises(RuntimeError, match="outside any transaction"):
            await executor.claim(tenant.ref, run_id, uuid.uuid4())
    assert await executor.claim(tenant.ref, run_id, uuid.uuid4()) is not None
    settings = await asyncio.gather(
        *(fetch("SELECT current_setting('synchronous_commit') AS s") for _ in range(5))
    )
    assert {rows[0]["s"] for rows in settings} == {"on"}


def test_rows_of_one_path_merge_as_written_one_after_the_other() -> None:
    """A batch holds one row per path (ON CONFLICT cannot touch a row twice in a statement):
    a branch's `running` row and its later `succeeded` row become the later one, keeping the
    earlier input and start, in the order the paths first appeared."""
    from datetime import UTC, datetime, timedelta

    run = uuid.uuid4()
    began = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    ended = began + timedelta(seconds=1)

    def row(path: str, status: str, request: str | None, done: bool, at: datetime) -> tuple:  # type: ignore[type-arg]
        return (run, path, path, "branch", status, 1, request, None, None, None, None, None,
                f"{run}:{path}", None, done, at)  # fmt: skip

    columns = executor._columns(
        [
            row("check", "running", '{"branch":0}', False, began),
            row("save", "succeeded", '{"x":1}', True, began),
            row("check", "succeeded", None, True, ended),
        ]
    )
    assert len(columns) == 16 and columns[0] == ["check", "save"]
    assert columns[3] == ["succeeded", "succeeded"]
    assert columns[5] == ['{"branch":0}', '{"x":1}']  # the earlier input kept
    assert columns[13] == [True, True]
    assert columns[14] == [began, began] and columns[15] == [ended, began]
    assert executor._columns([]) == [[]] * 16
