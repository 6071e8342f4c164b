"""The builder's run engine with a real worker, real receivers and the real database: steps
recorded one by one, conditions, retries with one idempotency key, error routes, loops, output
caps, versions kept, and a crash mid-step resumed without repeating the side effect."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest

from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.builder.engine import executor, runs
from jewelia.tenants.builder.engine.base import OUTPUT_INLINE_BYTES
from tests.webhook_receiver import Receiver

TERMINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
async def business(db: None) -> Any:
    """One business for these tests (each test makes runs of its own)."""
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    return await accounts.signup(
        f"Flow Gems {uuid.uuid4().hex[:6]}", "Fay Flow", unique_email("flow"), STRONG_PASSWORD
    )


def flow(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"triggers": [{"type": "api_call", "config": {}}], "actions": list(steps)}


async def start(tenant: Any, definition: dict[str, Any], payload: Any = None, **kw: Any) -> Any:
    return await runs.start_run(
        tenant.ref,
        flow_id=kw.pop("flow_id", uuid.uuid4()),
        flow_name=kw.pop("flow_name", "Test flow"),
        definition=definition,
        trigger_type="api_call",
        payload=payload,
        **kw,
    )


async def finished(tenant: Any, run_id: uuid.UUID, seconds: float = 60) -> dict[str, Any]:
    """The run once it is over (the worker runs it)."""
    deadline = time.monotonic() + seconds
    while True:
        run = await runs.get_run(tenant.ref, run_id)
        if run["status"] in TERMINAL:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run still {run['status']}: {run}")
        await asyncio.sleep(0.05)


def steps_of(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["step_path"]: s for s in run["steps"]}


async def test_three_steps_run_in_order_each_recorded(business: Any, worker: Any) -> None:
    _, tenant = business
    flow_id = uuid.uuid4()
    email = f"flow-{uuid.uuid4().hex[:8]}@example.com"
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "notify",
                "type": "http_request",
                "config": {
                    "method": "POST",
                    "url": receiver.url("/hook"),
                    "headers": {"X-Who": "{{ trigger.name }}"},
                    "body": {"email": "{{ trigger.email }}", "source": "flow"},
                },
            },
            {
                "id": "shape",
                "type": "transform",
                "config": {
                    "output": '{"name": $uppercase(trigger.name), "sent": steps.notify.output.status}'
                },
            },
            {
                "id": "save",
                "type": "database",
                "config": {
                    "resource": "customers",
                    "operation": "create",
                    "data": {
                        "full_name": "steps.shape.output.name",
                        "email": "trigger.email",
                        "tags": ["flow"],
                    },
                },
            },
        )
        run_id = await start(
            tenant, definition, {"name": "Ada Lovelace", "email": email}, flow_id=flow_id
        )
        run = await finished(tenant, run_id)
        assert run["status"] == "succeeded", run
        assert [s["step_path"] for s in run["steps"]] == ["notify", "shape", "save"]
        notify, shape, save = run["steps"]
        assert all(s["status"] == "succeeded" and s["attempts"] == 1 for s in run["steps"])
        assert all(s["started_at"] <= s["finished_at"] for s in run["steps"])
        assert notify["input"]["body"] == {"email": email, "source": "flow"}
        assert notify["input"]["headers"] == {"X-Who": "Ada Lovelace"}
        assert notify["output"]["status"] == 200 and notify["output"]["body"] == {"received": True}
        assert notify["idempotency_key"] == f"{run_id}:notify"
        assert shape["output"] == {"name": "ADA LOVELACE", "sent": 200}
        assert save["output"]["email"] == email and save["output"]["full_name"] == "ADA LOVELACE"

        [request] = receiver.received
        assert request.headers["Idempotency-Key"] == f"{run_id}:notify"
        assert request.headers["X-Who"] == "Ada Lovelace"
        assert request.json() == {"email": email, "source": "flow"}

    async with tenant_scope(tenant.ref):
        customers = await fetch("SELECT id, full_name, tags FROM customer WHERE email = $1", email)
        audit = await fetch(
            "SELECT actor_type, actor_id, actor_label FROM audit_log"
            " WHERE action = 'customer.created' AND entity_id = $1",
            str(customers[0]["id"]),
        )
    assert len(customers) == 1 and customers[0]["full_name"] == "ADA LOVELACE"
    assert audit == [{"actor_type": "flow", "actor_id": flow_id, "actor_label": "Flow: Test flow"}]


async def test_if_false_skips_the_step(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {"id": "vip_only", "type": "transform", "if": "trigger.vip", "config": {"output": "'vip'"}},
        {
            "id": "always",
            "type": "transform",
            "config": {"output": "steps.vip_only.output ? 'x' : 'none'"},
        },
    )
    run = await finished(tenant, await start(tenant, definition, {"vip": False}))
    assert run["status"] == "succeeded"
    steps = steps_of(run)
    assert steps["vip_only"]["status"] == "skipped" and steps["vip_only"]["attempts"] == 0
    assert steps["always"]["output"] == "none"

    run = await finished(tenant, await start(tenant, definition, {"vip": True}))
    assert steps_of(run)["vip_only"]["output"] == "vip"


async def test_retry_sends_the_same_idempotency_key_until_it_succeeds(
    business: Any, worker: Any
) -> None:
    _, tenant = business
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "push",
                "type": "http_request",
                "retry": {"attempts": 3, "delaySeconds": 0.1},
                "config": {"method": "POST", "url": receiver.url("/flaky/2"), "body": {"n": 1}},
            }
        )
        run_id = await start(tenant, definition)
        run = await finished(tenant, run_id)
        assert run["status"] == "succeeded", run
        [push] = run["steps"]
        assert push["attempts"] == 3 and push["output"]["status"] == 200
        keys = [r.headers["Idempotency-Key"] for r in receiver.received]
        assert keys == [f"{run_id}:push"] * 3


async def test_retries_run_out_and_the_run_names_the_failed_step(
    business: Any, worker: Any
) -> None:
    _, tenant = business
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "push",
                "type": "http_request",
                "retry": {"attempts": 2, "delaySeconds": 0.1, "backoff": "fixed"},
                "config": {"method": "POST", "url": receiver.url("/status/503"), "body": {}},
            },
            {"id": "after", "type": "transform", "config": {"output": "1"}},
        )
        run = await finished(tenant, await start(tenant, definition))
        assert run["status"] == "failed" and run["failed_step_id"] == "push"
        assert "HTTP 503" in run["error"] and run["error_type"] == "http_status"
        [push] = run["steps"]
        assert push["status"] == "failed" and push["attempts"] == 2
        assert len(receiver.received) == 2


async def test_on_error_continue_goes_on_and_stop_fails_the_run(business: Any, worker: Any) -> None:
    _, tenant = business
    with Receiver() as receiver:

        def definition(route: str) -> dict[str, Any]:
            return flow(
                {
                    "id": "call",
                    "type": "http_request",
                    "onError": route,
                    "config": {"method": "POST", "url": receiver.url("/status/400"), "body": {}},
                },
                {
                    "id": "after",
                    "type": "transform",
                    "config": {"output": "steps.call.error.type"},
                },
            )

        run = await finished(tenant, await start(tenant, definition("continue")))
        assert run["status"] == "succeeded" and run["failed_step_id"] is None
        steps = steps_of(run)
        assert steps["call"]["status"] == "failed" and "HTTP 400" in steps["call"]["error"]
        assert steps["after"]["output"] == "http_status"

        run = await finished(tenant, await start(tenant, definition("stop")))
        assert run["status"] == "failed" and run["failed_step_id"] == "call"
        assert list(steps_of(run)) == ["call"]


async def test_for_each_runs_its_steps_per_item(business: Any, worker: Any) -> None:
    _, tenant = business
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "loop",
                "type": "for_each",
                "config": {
                    "items": "trigger.items",
                    "actions": [
                        {
                            "id": "label",
                            "type": "transform",
                            "config": {"output": "item.sku & '#' & $string(index)"},
                        },
                        {
                            "id": "post",
                            "type": "http_request",
                            "config": {
                                "method": "POST",
                                "url": receiver.url("/hook"),
                                "body": {"label": "{{ steps.label.output }}"},
                            },
                        },
                    ],
                },
            },
            {"id": "count", "type": "transform", "config": {"output": "$count(steps.loop.output)"}},
        )
        items = [{"sku": "RING-1"}, {"sku": "RING-2"}, {"sku": "RING-3"}]
        run_id = await start(tenant, definition, {"items": items})
        run = await finished(tenant, run_id)
        assert run["status"] == "succeeded", run
        steps = steps_of(run)
        assert [p for p in steps if p.startswith("loop.")] == [
            f"loop.{i}.{s}" for i in range(3) for s in ("label", "post")
        ]
        assert steps["loop"]["input"] == {"items": items}
        assert [r["label"] for r in steps["loop"]["output"]] == ["RING-1#0", "RING-2#1", "RING-3#2"]
        assert steps["count"]["output"] == 3
        assert sorted(r.json()["label"] for r in receiver.received) == [
            "RING-1#0",
            "RING-2#1",
            "RING-3#2",
        ]
        assert sorted(r.headers["Idempotency-Key"] for r in receiver.received) == [
            f"{run_id}:loop.{i}.post" for i in range(3)
        ]


async def test_for_each_refuses_more_items_than_max_items(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {
            "id": "loop",
            "type": "for_each",
            "config": {
                "items": "trigger.items",
                "maxItems": 2,
                "actions": [{"id": "t", "type": "transform", "config": {"output": "item"}}],
            },
        }
    )
    run = await finished(tenant, await start(tenant, definition, {"items": [1, 2, 3]}))
    assert run["status"] == "failed" and run["failed_step_id"] == "loop"
    assert run["error_type"] == "too_many_items"


async def test_branch_takes_the_first_true_branch(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {
            "id": "route",
            "type": "branch",
            "config": {
                "branches": [
                    {
                        "if": "trigger.total > 1000",
                        "actions": [
                            {"id": "big", "type": "transform", "config": {"output": "'big'"}}
                        ],
                    },
                    {
                        "if": "trigger.total > 100",
                        "actions": [
                            {"id": "mid", "type": "transform", "config": {"output": "'mid'"}}
                        ],
                    },
                ],
                "else": [{"id": "small", "type": "transform", "config": {"output": "'small'"}}],
            },
        },
        {"id": "after", "type": "transform", "config": {"output": "steps.mid.output"}},
    )
    run = await finished(tenant, await start(tenant, definition, {"total": 500}))
    steps = steps_of(run)
    assert run["status"] == "succeeded"
    assert list(steps) == ["route", "mid", "after"]
    assert steps["route"]["output"] == {"branch": 1} and steps["after"]["output"] == "mid"
    run = await finished(tenant, await start(tenant, definition, {"total": 5}))
    assert steps_of(run)["route"]["output"] == {"branch": "else"}


async def test_large_output_is_stored_apart_and_still_seen_by_later_steps(
    business: Any, worker: Any
) -> None:
    _, tenant = business
    big = "x" * (OUTPUT_INLINE_BYTES + 10_000)
    definition = flow(
        {"id": "big", "type": "transform", "config": {"output": "trigger.text"}},
        {"id": "size", "type": "transform", "config": {"output": "$length(steps.big.output)"}},
    )
    run_id = await start(tenant, definition, {"text": big})
    run = await finished(tenant, run_id)
    assert run["status"] == "succeeded"
    steps = steps_of(run)
    assert steps["big"]["output"] is None and steps["big"]["output_ref"] is not None
    assert steps["big"]["output_size"] == len(big) + 2  # a JSON string: quotes
    assert steps["size"]["output"] == len(big)
    assert await runs.step_output(tenant.ref, run_id, "big") == big


async def test_delay_parks_the_run_and_wakes_it(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {"id": "wait", "type": "delay", "config": {"seconds": 1}},
        {"id": "after", "type": "transform", "config": {"output": "'done'"}},
    )
    run = await finished(tenant, await start(tenant, definition))
    assert run["status"] == "succeeded"
    wait = steps_of(run)["wait"]
    assert wait["attempts"] == 1 and wait["output"]["waitedSeconds"] == 1
    assert (wait["finished_at"] - wait["started_at"]).total_seconds() >= 1


async def test_a_trigger_payload_over_10_mb_is_refused(business: Any) -> None:
    _, tenant = business
    with pytest.raises(runs.PayloadTooLarge):
        await start(tenant, flow(), {"blob": "x" * (10 * 1024 * 1024)})


async def test_a_run_keeps_the_definition_it_started_with(business: Any, worker: Any) -> None:
    """The run copies its version's definition: a later edit of the same dict (as the flow's
    draft being edited and republished) changes nothing for the run in flight."""
    _, tenant = business
    definition = flow(
        {"id": "wait", "type": "delay", "config": {"seconds": 0.5}},
        {"id": "say", "type": "transform", "config": {"output": "'v1'"}},
    )
    run_id = await start(tenant, definition, version=1, flow_version_id=uuid.uuid4())
    definition["actions"][1]["config"]["output"] = "'v2'"
    definition["actions"].append({"id": "extra", "type": "transform", "config": {"output": "1"}})
    run = await finished(tenant, run_id)
    assert run["version"] == 1
    assert [s["output"] for s in run["steps"]][1:] == ["v1"]


async def test_run_timeout_fails_the_run_at_the_step_it_reached(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {"id": "wait", "type": "delay", "config": {"seconds": 5}},
        {"id": "after", "type": "transform", "config": {"output": "1"}},
    )
    run = await finished(tenant, await start(tenant, definition, timeout_seconds=1))
    assert run["status"] == "failed" and run["error_type"] == "run_timeout"
    assert run["failed_step_id"] == "wait"


async def test_crash_mid_step_resumes_with_the_same_idempotency_key(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker marked the HTTP step running and died before its answer was recorded (no
    message is sent here: this test is the only worker). The next claim, after the lease ran
    out, sends the request again with the same key, records attempt 2, and goes on."""
    _, tenant = business
    sent: list[tuple[Any, ...]] = []

    async def no_message(*args: Any, **kw: Any) -> None:
        sent.append(args)

    monkeypatch.setattr(runs, "send", no_message)
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "push",
                "type": "http_request",
                "config": {"method": "POST", "url": receiver.url("/hook"), "body": {"a": 1}},
            },
            {"id": "after", "type": "transform", "config": {"output": "steps.push.output.status"}},
        )
        run_id = await start(tenant, definition)
        dead = uuid.uuid4()
        run, rows = await executor.claim(tenant.ref, run_id, dead)
        crashed = executor.Execution(tenant.ref, run, rows, dead)
        step = definition["actions"][0]
        await crashed.save(
            "push",
            step,
            "running",
            attempts=1,
            request={
                "method": "POST",
                "url": receiver.url("/hook"),
                "headers": {},
                "body": {"a": 1},
                "timeoutSeconds": 15,
            },
            done=False,
        )
        await executor.advance(tenant.id, run_id)  # the dead worker's lease still holds it
        assert (await runs.get_run(tenant.ref, run_id))["status"] == "running"
        async with tenant_scope(tenant.ref):
            await fetch(
                "UPDATE flow_run SET leased_until = now() - interval '1 second' WHERE id = $1",
                run_id,
            )
        await executor.advance(tenant.id, run_id)
        run = await runs.get_run(tenant.ref, run_id)
        assert run["status"] == "succeeded"
        push = steps_of(run)["push"]
        assert push["attempts"] == 2 and push["status"] == "succeeded"
        assert [r.headers["Idempotency-Key"] for r in receiver.received] == [f"{run_id}:push"]
        assert steps_of(run)["after"]["output"] == 200


async def test_a_stale_worker_cannot_record_a_database_change(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly once for database steps: the change commits with the step's result and only
    under the run's live lease; a worker whose lease was taken over changes nothing."""
    _, tenant = business
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    email = f"stale-{uuid.uuid4().hex[:8]}@example.com"
    definition = flow(
        {
            "id": "save",
            "type": "database",
            "config": {
                "resource": "customers",
                "operation": "create",
                "data": {"full_name": "'Stale'", "email": "trigger.email"},
            },
        }
    )
    run_id = await start(tenant, definition, {"email": email})
    stale = uuid.uuid4()
    run, rows = await executor.claim(tenant.ref, run_id, stale)
    async with tenant_scope(tenant.ref):  # its lease runs out; another worker takes the run
        await fetch(
            "UPDATE flow_run SET leased_until = now() - interval '1 second' WHERE id = $1", run_id
        )
    await executor.advance(tenant.id, run_id)
    await executor.Execution(tenant.ref, run, rows, stale).run()  # the stale one wakes up
    run = await runs.get_run(tenant.ref, run_id)
    assert run["status"] == "succeeded" and run["steps"][0]["attempts"] == 1
    async with tenant_scope(tenant.ref):
        found = await fetch("SELECT count(*) AS n FROM customer WHERE email = $1", email)
    assert found[0]["n"] == 1


async def test_the_sweeper_resends_a_run_whose_message_was_lost(
    business: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, tenant = business
    monkeypatch.setattr(runs, "send", lambda *a, **k: asyncio.sleep(0))
    monkeypatch.setenv("JEWELIA_BUILDER_RESEND_SECONDS", "0")
    run_id = await start(tenant, flow({"id": "t", "type": "transform", "config": {"output": "1"}}))
    await fetch("UPDATE public.builder_due SET due_at = now() WHERE tenant_id = $1", tenant.id)
    assert (tenant.id, run_id) in await runs.sweep()
    await executor.advance(tenant.id, run_id)
    assert (await runs.get_run(tenant.ref, run_id))["status"] == "succeeded"
    # nothing open any more: the tenant's marker goes at its next look
    await fetch("UPDATE public.builder_due SET due_at = now() WHERE tenant_id = $1", tenant.id)
    assert all(t != tenant.id for t, _ in await runs.sweep())
    assert not await fetch("SELECT 1 FROM public.builder_due WHERE tenant_id = $1", tenant.id)


def test_output_json_is_plain() -> None:
    from jewelia.tenants.builder.engine.base import plain

    assert plain({"a": uuid.UUID(int=1)}) == {"a": str(uuid.UUID(int=1))}
    assert json.loads(json.dumps(plain([1, "x"]))) == [1, "x"]


async def make_flow(tenant: Any, actions: list[dict[str, Any]], active: bool = True) -> Any:
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    made = await flows.create_flow(
        tenant.ref,
        Actor.system("test"),
        {
            "name": "Versioned flow",
            "description": "",
            "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": actions},
            "isActive": active,
        },
    )
    return made["id"]


async def test_runs_in_flight_keep_their_version_when_the_flow_is_republished(
    business: Any, worker: Any
) -> None:
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    _, tenant = business
    say = {"id": "say", "type": "transform", "config": {"output": "'v1'"}}
    flow_id = await make_flow(
        tenant, [{"id": "wait", "type": "delay", "config": {"seconds": 1}}, say]
    )
    first = await runs.start_flow_run(tenant.ref, flow_id, "api_call", {"n": 1})
    assert first["version"] == 1
    actions = [{"id": "say", "type": "transform", "config": {"output": "'v2'"}}]
    await flows.update_flow(
        tenant.ref, Actor.system("test"), flow_id, {"configuration": {"actions": actions}}
    )
    version, made = await flows.publish_flow(tenant.ref, Actor.system("test"), flow_id)
    assert made and version["number"] == 2
    second = await runs.start_flow_run(tenant.ref, flow_id, "api_call", {"n": 2})

    run = await finished(tenant, first["run_id"])
    assert run["status"] == "succeeded" and run["version"] == 1
    assert [s["step_path"] for s in run["steps"]] == ["wait", "say"]
    assert steps_of(run)["say"]["output"] == "v1"
    run = await finished(tenant, second["run_id"])
    assert run["version"] == 2 and [s["output"] for s in run["steps"]] == ["v2"]
    assert run["flow_name"] == "Versioned flow" and run["trigger_payload"] == {"n": 2}


async def test_a_flow_runs_only_when_it_can(business: Any) -> None:
    from jewelia.core.errors import Conflict, NotFound
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    _, tenant = business
    step = {"id": "t", "type": "transform", "config": {"output": "1"}}
    draft = await make_flow(tenant, [step], active=False)
    with pytest.raises(Conflict, match="no published version"):
        await runs.start_flow_run(tenant.ref, draft, "manual")
    await flows.publish_flow(tenant.ref, Actor.system("test"), draft)
    with pytest.raises(Conflict, match="switched off"):
        await runs.start_flow_run(tenant.ref, draft, "api_call")
    started = await runs.start_flow_run(tenant.ref, draft, "manual")  # run now: allowed
    assert started["version"] == 1
    active = await make_flow(tenant, [step])
    with pytest.raises(Conflict, match="no webhook trigger"):
        await runs.start_flow_run(tenant.ref, active, "webhook")
    with pytest.raises(NotFound):
        await runs.start_flow_run(tenant.ref, uuid.uuid4(), "api_call")
    with pytest.raises(NotFound):
        await runs.start_flow_run(tenant.ref, active, "api_call", version=9)


async def test_retry_resumes_at_the_failed_step_without_repeating_earlier_ones(
    business: Any, worker: Any
) -> None:
    _, tenant = business
    with Receiver() as receiver:
        definition = flow(
            {
                "id": "first",
                "type": "http_request",
                "config": {"method": "POST", "url": receiver.url("/hook"), "body": {}},
            },
            {
                "id": "loop",
                "type": "for_each",
                "config": {
                    "items": "[1, 2]",
                    "actions": [
                        {
                            "id": "push",
                            "type": "http_request",
                            "config": {
                                "method": "POST",
                                "url": receiver.url("/flaky/1"),
                                "body": {"item": "{{ item }}"},
                            },
                        }
                    ],
                },
            },
        )
        run_id = await start(tenant, definition)
        run = await finished(tenant, run_id)
        assert run["status"] == "failed" and run["failed_step_id"] == "loop.0.push"
        assert steps_of(run)["loop"]["status"] == "failed"
        with pytest.raises(runs.Conflict, match="already finished"):
            await runs.cancel_run(tenant.ref, run_id)
        again = await runs.retry_run(tenant.ref, run_id)
        assert again["status"] in ("queued", "running", "succeeded")  # the worker is quick
        assert again["error"] is None and again["failed_step_id"] is None
        run = await finished(tenant, run_id)
        assert run["status"] == "succeeded", run
        steps = steps_of(run)
        assert steps["first"]["attempts"] == 1 and steps["loop.0.push"]["attempts"] == 2
        assert steps["loop"]["output"] == [
            {"push": steps["loop.0.push"]["output"]},
            {"push": steps["loop.1.push"]["output"]},
        ]
        assert [r.headers["Idempotency-Key"] for r in receiver.received] == [
            f"{run_id}:first",
            f"{run_id}:loop.0.push",
            f"{run_id}:loop.0.push",
            f"{run_id}:loop.1.push",
        ]
        with pytest.raises(runs.Conflict, match="Only a failed run"):
            await runs.retry_run(tenant.ref, run_id)


async def test_runs_are_listed_newest_first_with_filters(business: Any, worker: Any) -> None:
    from jewelia.core.api import Page
    from jewelia.core.errors import ValidationFailed

    _, tenant = business
    flow_id = uuid.uuid4()
    ok = flow({"id": "t", "type": "transform", "config": {"output": "1"}})
    bad = flow({"id": "t", "type": "transform", "config": {"output": "$error('no')"}})
    ids = [await start(tenant, d, flow_id=flow_id) for d in (ok, bad, ok)]
    for run_id in ids:
        await finished(tenant, run_id)
    page = Page(page=1, limit=10)
    listed, total, _ = await runs.list_runs(tenant.ref, page, flow_id=flow_id)
    assert total == 3 and [r["id"] for r in listed] == ids[::-1]
    assert all(r["duration_ms"] is not None and "steps" not in r for r in listed)
    failed, total, _ = await runs.list_runs(tenant.ref, page, flow_id=flow_id, status="failed")
    assert total == 1 and failed[0]["id"] == ids[1] and failed[0]["failed_step_id"] == "t"
    one, total, cursor = await runs.list_runs(tenant.ref, Page(page=1, limit=2), flow_id=flow_id)
    assert total == 3 and cursor is not None and len(one) == 2
    with pytest.raises(ValidationFailed):
        await runs.list_runs(tenant.ref, page, status="lost")


async def test_cancel_stops_a_waiting_run(business: Any, worker: Any) -> None:
    _, tenant = business
    definition = flow(
        {"id": "wait", "type": "delay", "config": {"seconds": 30}},
        {"id": "after", "type": "transform", "config": {"output": "1"}},
    )
    run_id = await start(tenant, definition)
    deadline = time.monotonic() + 60
    while not steps_of(await runs.get_run(tenant.ref, run_id)):  # parked in its delay
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert await runs.cancel_run(tenant.ref, run_id) in ("cancelled", "running")
    run = await finished(tenant, run_id)
    assert run["status"] == "cancelled" and list(steps_of(run)) == ["wait"]


async def test_notifications_by_email_and_slack(business: Any, worker: Any) -> None:
    _, tenant = business
    to = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    with Receiver() as slack:
        definition = flow(
            {
                "id": "mail",
                "type": "notification",
                "config": {
                    "channel": "email",
                    "to": "{{ trigger.email }}, Second@Example.com",
                    "subject": "Order {{ trigger.order }}",
                    "body": "Your order {{ trigger.order }} is ready.",
                },
            },
            {
                "id": "chat",
                "type": "notification",
                "config": {
                    "channel": "slack",
                    "webhookUrl": slack.url("/hook"),
                    "subject": "New order",
                    "body": "Order {{ trigger.order }}",
                },
            },
            {
                "id": "bad",
                "type": "notification",
                "onError": "continue",
                "config": {"channel": "email", "to": "not an address", "body": "x"},
            },
        )
        run_id = await start(tenant, definition, {"email": to, "order": "A-17"})
        run = await finished(tenant, run_id)
        assert run["status"] == "succeeded", run
        steps = steps_of(run)
        assert steps["mail"]["output"] == {
            "channel": "email",
            "to": [to, "second@example.com"],
            "queued": 2,
        }
        assert steps["chat"]["output"] == {"channel": "slack", "status": 200}
        assert steps["bad"]["status"] == "failed" and steps["bad"]["error_type"] == "validation"
        [posted] = slack.received
        assert posted.json() == {"text": "*New order*\nOrder A-17"}
        assert posted.headers["Idempotency-Key"] == f"{run_id}:chat"
    mails = await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE to_address = $1", to
    )
    assert mails == [{"subject": "Order A-17", "body_text": "Your order A-17 is ready."}]


async def test_a_find_answers_up_to_its_limit(business: Any, worker: Any) -> None:
    """100 records by default; `limit` raises it (up to 1,000); a limit out of range is a
    configuration error naming its path."""
    from jewelia.core.errors import ValidationFailed
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import definition
    from jewelia.tenants.crm.inventory import service as inventory

    _, tenant = business
    category = f"lim{uuid.uuid4().hex[:6]}"
    await inventory.create_items(
        tenant.ref,
        Actor("user", None, "test"),
        [
            {"sku": f"{category}-{n:03}", "name": "Ring", "category": category, "price": "10.50"}
            for n in range(130)
        ],
    )
    find = {"resource": "inventory", "operation": "find", "match": {"category": f"'{category}'"}}
    run = await finished(
        tenant,
        await start(
            tenant,
            flow(
                {"id": "default", "type": "database", "config": find},
                {"id": "more", "type": "database", "config": {**find, "limit": 120}},
            ),
        ),
    )
    assert run["status"] == "succeeded", run
    outputs = {s["step_path"]: s["output"] for s in run["steps"]}
    assert outputs["default"]["count"] == 100
    assert outputs["more"]["count"] == 120
    assert outputs["more"]["records"][0]["price"] == 10.5  # money as a number, as the API
    with pytest.raises(ValidationFailed) as refused:
        definition.validate(flow({"type": "database", "config": {**find, "limit": 1001}}))
    assert "configuration.actions[0].config.limit" in str(refused.value.details)
