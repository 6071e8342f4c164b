"""Builder run messages sent together: the asyncio enqueue writes the message Dramatiq's Redis
broker would, concurrent starts go as batches the real worker runs (each tenant's runs claimed
in one statement), and a batch with runs already finished, unknown or of two businesses
advances each open run exactly once."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest
from dramatiq import Message

from jewelia.core import jobs
from jewelia.core.db import fetch, tenant_scope
from jewelia.core.redis_client import get_redis
from jewelia.tenants.builder.engine import runs

TERMINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
async def two(db: None) -> Any:
    """Two businesses for these tests."""
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    made = []
    for name in ("Batch Gems", "Other Batch Gems"):
        made.append(
            await accounts.signup(
                f"{name} {uuid.uuid4().hex[:6]}", "Bo Batch", unique_email("batch"), STRONG_PASSWORD
            )
        )
    return made


async def make_flow(tenant: Any, actions: list[dict[str, Any]]) -> uuid.UUID:
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    made = await flows.create_flow(
        tenant.ref,
        Actor.system("test"),
        {
            "name": "Batched flow",
            "description": "",
            "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": actions},
            "isActive": True,
        },
    )
    return uuid.UUID(str(made["id"]))


async def wait_all(tenant: Any, ids: list[uuid.UUID], seconds: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    while True:
        async with tenant_scope(tenant.ref):
            rows = await fetch(
                "SELECT id, status, claims FROM flow_run WHERE id = ANY($1::uuid[])", ids
            )
        if len(rows) == len(ids) and all(r["status"] in TERMINAL for r in rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"runs not finished: {rows}")
        await asyncio.sleep(0.05)


async def test_the_asyncio_enqueue_writes_the_brokers_own_message(db: None) -> None:
    queue = f"p14test{uuid.uuid4().hex[:8]}"  # no worker listens here
    await jobs.enqueue_async("nobody_listens", [["a", "b"]], queue_name=queue)
    await jobs.enqueue_async("nobody_listens", "later", queue_name=queue, delay_ms=60_000)
    redis = get_redis()
    ids = await redis.lrange(f"dramatiq:{queue}", 0, -1)
    assert len(ids) == 1
    raw = await redis.hget(f"dramatiq:{queue}.msgs", ids[0])
    message = Message.decode(raw)
    assert message.actor_name == "nobody_listens" and message.args == ([["a", "b"]],)
    assert message.options["redis_message_id"] == ids[0].decode()
    delayed = await redis.hvals(f"dramatiq:{queue}.DQ.msgs")
    assert len(delayed) == 1
    later = json.loads(delayed[0])
    assert later["queue_name"] == f"{queue}.DQ" and later["args"] == ["later"]
    assert later["options"]["eta"] > time.time() * 1000 + 50_000


async def test_concurrent_starts_all_run_once_through_batches(two: Any, worker: Any) -> None:
    _, tenant = two[0]
    create = {
        "id": "create",
        "type": "database",
        "config": {
            "resource": "customers",
            "operation": "create",
            "data": {"full_name": "trigger.name", "email": "trigger.email"},
        },
    }
    flow_id = await make_flow(tenant, [create])
    tag = uuid.uuid4().hex[:8]
    started = await asyncio.gather(
        *(
            runs.start_flow_run(
                tenant.ref,
                flow_id,
                "api_call",
                {"name": f"Batch {n}", "email": f"b{n}-{tag}@batch.example"},
            )
            for n in range(40)
        )
    )
    ids = [s["run_id"] for s in started]
    rows = await wait_all(tenant, ids)
    assert {r["status"] for r in rows} == {"succeeded"}
    assert all(r["claims"] == 1 for r in rows)  # each claimed once, by one message
    async with tenant_scope(tenant.ref):
        made = await fetch(
            "SELECT count(*) AS n, count(DISTINCT email) AS d FROM customer WHERE email LIKE $1",
            f"%-{tag}@batch.example",
        )
    assert made[0]["n"] == 40 and made[0]["d"] == 40


async def test_a_batch_of_two_businesses_with_finished_and_unknown_runs(
    two: Any, worker: Any
) -> None:
    step = {"id": "say", "type": "transform", "config": {"output": "trigger.n"}}
    pairs: list[list[str]] = []
    opened: list[tuple[Any, uuid.UUID]] = []
    flows = []
    for _, tenant in two:
        flow_id = await make_flow(tenant, [step])
        flows.append(flow_id)
        for n in range(3):
            async with tenant_scope(tenant.ref):  # created, not sent: the batch below runs them
                run_id = await runs.create_run(
                    tenant.ref,
                    flow_id=flow_id,
                    definition={"triggers": [], "actions": [step]},
                    trigger_type="api_call",
                    payload={"n": n},
                )
            pairs.append([str(tenant.id), str(run_id)])
            opened.append((tenant, run_id))
    done = await runs.start_flow_run(two[0][1].ref, flows[0], "manual", {"n": 9})
    await wait_all(two[0][1], [done["run_id"]])
    pairs += [
        [str(two[0][1].id), str(done["run_id"])],  # finished: left alone
        [str(two[0][1].id), str(uuid.uuid4())],  # unknown
        [str(uuid.uuid4()), str(uuid.uuid4())],  # unknown business
    ]
    pairs += pairs[:2]  # the same run twice in one batch: claimed once
    await jobs.enqueue_async(runs.BATCH_ACTOR, pairs, queue_name=runs.QUEUE)
    for tenant, run_id in opened:
        (row,) = await wait_all(tenant, [run_id])
        assert row["status"] == "succeeded" and row["claims"] == 1
        run = await runs.get_run(tenant.ref, run_id)
        assert [s["step_path"] for s in run["steps"]] == ["say"]
    finished = await runs.get_run(two[0][1].ref, done["run_id"])
    assert finished["claims"] == 1 and finished["steps"][0]["output"] == 9
