"""Built-in testing over the API: testing step 3 runs only step 3 (the HTTP targets of steps 1
and 2 receive nothing), with pinned input or the input a real run recorded; `simulate` sends
nothing; a tested database step really writes, audited as the flow; tests are not runs; a dry
run walks conditions, branches, loops and finds for real and sends, writes and mails nothing;
bad requests and another business's flows are refused."""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from tests.integration.test_api_security import client_for
from tests.integration.test_builder_runs_api import BASE, finished, make_flow
from tests.webhook_receiver import Receiver


def three_steps(first: Receiver, second: Receiver, third: Receiver) -> list[dict[str, Any]]:
    return [
        {
            "id": "one",
            "type": "http_request",
            "config": {"method": "POST", "url": first.url("/hook"), "body": {"n": 1}},
        },
        {
            "id": "two",
            "type": "http_request",
            "config": {"method": "POST", "url": second.url("/hook"), "body": {"n": 2}},
        },
        {
            "id": "three",
            "type": "http_request",
            "config": {
                "method": "POST",
                "url": third.url("/hook"),
                "headers": {"X-Order": "{{ trigger.order }}"},
                "body": {"first": "{{ steps.one.output.status }}", "order": "{{ trigger.order }}"},
            },
        },
    ]


async def test_step_three_calls_no_upstream_target(api: Any, worker: Any) -> None:
    with Receiver() as first, Receiver() as second, Receiver() as third:
        flow_id = await make_flow(api, three_steps(first, second, third))

        pinned = {"trigger": {"order": "A-1"}, "steps": {"one": {"output": {"status": 201}}}}
        tested = await api.post(f"{BASE}/{flow_id}/steps/three/test", json={"input": pinned})
        assert tested.status_code == 200, tested.text
        result = tested.json()["data"]
        assert result["status"] == "succeeded" and result["error"] is None
        assert result["input"]["body"] == {"first": "201", "order": "A-1"}
        assert result["input"]["headers"] == {"X-Order": "A-1"}
        assert result["output"]["status"] == 200 and result["simulated"] is False
        assert result["durationMs"] >= 0 and result["version"] is None
        assert (len(first.received), len(second.received), len(third.received)) == (0, 0, 1)
        assert third.received[0].json() == {"first": "201", "order": "A-1"}

        # simulate: rendered, not sent
        dry = await api.post(
            f"{BASE}/{flow_id}/steps/three/test", json={"input": pinned, "simulate": True}
        )
        would = dry.json()["data"]
        assert would["simulated"] is True and would["output"]["simulated"] is True
        assert would["output"]["wouldSend"]["url"] == third.url("/hook")
        assert would["output"]["wouldSend"]["headers"]["X-Order"] == "A-1"
        assert len(third.received) == 1

        # recorded input: a real run, then step three tested with that run's outputs
        run = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"order": "B-2"}})
        run_id = run.json()["data"]["run_id"]
        assert (await finished(api, run_id))["status"] == "succeeded"
        assert (len(first.received), len(second.received), len(third.received)) == (1, 1, 2)
        runs_before = (await api.get(f"{BASE}/runs", params={"flow_id": flow_id})).json()
        recorded = await api.post(
            f"{BASE}/{flow_id}/steps/three/test", json={"runId": run_id, "version": 1}
        )
        assert recorded.status_code == 200, recorded.text
        data = recorded.json()["data"]
        assert data["input"]["body"] == {"first": "200", "order": "B-2"} and data["version"] == 1
        assert (len(first.received), len(second.received), len(third.received)) == (1, 1, 3)
        # a test is not a run
        runs_after = (await api.get(f"{BASE}/runs", params={"flow_id": flow_id})).json()
        assert runs_after["pagination"]["total"] == runs_before["pagination"]["total"] == 1


async def test_a_tested_database_step_writes_as_the_flow(api: Any) -> None:
    email = f"tested-{uuid.uuid4().hex[:8]}@example.com"
    flow_id = await make_flow(
        api,
        [
            {
                "id": "save",
                "type": "database",
                "config": {
                    "resource": "customers",
                    "operation": "create",
                    "data": {"full_name": "trigger.name", "email": "trigger.email"},
                },
            },
            {
                "id": "failing",
                "type": "database",
                "config": {
                    "resource": "customers",
                    "operation": "update",
                    "match": {"email": "'nobody-here@example.com'"},
                    "data": {"notes": "'x'"},
                },
            },
        ],
        active=False,
    )
    pinned = {"trigger": {"name": "Tess Test", "email": email}}
    tested = await api.post(f"{BASE}/{flow_id}/steps/save/test", json={"input": pinned})
    assert tested.status_code == 200, tested.text
    assert tested.json()["data"]["output"]["email"] == email
    async with tenant_scope(api.tenant.ref):
        rows = await fetch("SELECT id FROM customer WHERE email = $1", email)
        audit = await fetch(
            "SELECT actor_type, actor_id FROM audit_log WHERE action = 'customer.created'"
            " AND entity_id = $1",
            str(rows[0]["id"]),
        )
    assert audit == [{"actor_type": "flow", "actor_id": uuid.UUID(flow_id)}]

    failed = await api.post(f"{BASE}/{flow_id}/steps/failing/test", json={})
    assert failed.status_code == 200
    assert failed.json()["data"]["status"] == "failed"
    assert failed.json()["data"]["error"]["type"] == "not_found"


async def test_dry_run_simulates_side_effects(api: Any) -> None:
    email = f"dry-{uuid.uuid4().hex[:8]}@example.com"
    existing = await api.post(
        "/customers", json={"full_name": "Known Person", "email": f"known-{email}"}
    )
    assert existing.status_code == 201, existing.text
    with Receiver() as receiver:
        flow_id = await make_flow(
            api,
            [
                {
                    "id": "known",
                    "type": "database",
                    "config": {
                        "resource": "customers",
                        "operation": "find",
                        "match": {"email": "'known-' & trigger.email"},
                    },
                },
                {
                    "id": "skipped",
                    "type": "transform",
                    "if": "trigger.vip",
                    "config": {"output": "'vip'"},
                },
                {
                    "id": "route",
                    "type": "branch",
                    "config": {
                        "branches": [
                            {
                                "if": "steps.known.output.found",
                                "actions": [
                                    {
                                        "id": "ping",
                                        "type": "http_request",
                                        "config": {
                                            "method": "POST",
                                            "url": receiver.url("/hook"),
                                            "body": {
                                                "who": "{{ steps.known.output.record.full_name }}"
                                            },
                                        },
                                    }
                                ],
                            }
                        ]
                    },
                },
                {
                    "id": "each",
                    "type": "for_each",
                    "config": {
                        "items": "trigger.lines",
                        "actions": [
                            {"id": "double", "type": "transform", "config": {"output": "item * 2"}}
                        ],
                    },
                },
                {
                    "id": "create",
                    "type": "database",
                    "config": {
                        "resource": "customers",
                        "operation": "create",
                        "data": {"full_name": "'New Person'", "email": "trigger.email"},
                    },
                },
                {
                    "id": "mail",
                    "type": "notification",
                    "config": {
                        "channel": "email",
                        "to": "{{ trigger.email }}",
                        "subject": "Hello",
                        "body": "Lines: {{ steps.each.output | length }}",
                    },
                },
                {
                    "id": "bell",
                    "type": "notification",
                    "config": {"channel": "in_app", "body": "Done"},
                },
                {
                    "id": "wait",
                    "type": "delay",
                    "config": {"seconds": 3600},
                },
            ],
        )
        answer = await api.post(
            f"{BASE}/{flow_id}/dry-run", json={"payload": {"email": email, "lines": [1, 2, 3]}}
        )
        assert answer.status_code == 200, answer.text
        result = answer.json()["data"]
        assert result["status"] == "succeeded" and result["error"] is None, result
        steps = {s["path"]: s for s in result["steps"]}
        assert list(steps) == [
            "known",
            "skipped",
            "route",
            "ping",
            "each",
            "each.0.double",
            "each.1.double",
            "each.2.double",
            "create",
            "mail",
            "bell",
            "wait",
        ]
        assert steps["known"]["output"]["found"] is True and not steps["known"]["simulated"]
        assert steps["skipped"]["status"] == "skipped"
        assert steps["route"]["output"] == {"branch": 0}
        assert steps["ping"]["output"]["wouldSend"]["body"] == {"who": "Known Person"}
        assert steps["each"]["output"] == [{"double": 2}, {"double": 4}, {"double": 6}]
        assert steps["create"]["output"]["wouldCreate"]["data"]["email"] == email
        assert steps["mail"]["output"]["wouldSend"] == {
            "channel": "email",
            "subject": "Hello",
            "to": [email],
            "body": "Lines: 3",
        }
        assert steps["bell"]["simulated"] and steps["wait"]["output"]["wouldWaitSeconds"] == 3600
        assert receiver.received == []
    async with tenant_scope(api.tenant.ref):
        created = await fetch("SELECT id FROM customer WHERE email = $1", email)
        notes = await fetch("SELECT id FROM notification")
    mails = await fetch("SELECT id FROM public.email_outbox WHERE to_address = $1", email)
    assert created == [] and notes == [] and mails == []
    runs = (await api.get(f"{BASE}/runs", params={"flow_id": flow_id})).json()
    assert runs["pagination"]["total"] == 0


async def test_dry_run_stops_at_a_failed_step(api: Any) -> None:
    flow_id = await make_flow(
        api,
        [
            {"id": "bad", "type": "transform", "config": {"output": "$number('x') + unknown()"}},
            {"id": "after", "type": "transform", "config": {"output": "1"}},
        ],
    )
    result = (await api.post(f"{BASE}/{flow_id}/dry-run", json={"payload": {}})).json()["data"]
    assert result["status"] == "failed" and result["error"]["path"] == "bad"
    assert [s["path"] for s in result["steps"]] == ["bad"]


async def test_refusals_and_isolation(api: Any, app: Any) -> None:
    flow_id = await make_flow(
        api,
        [
            {
                "id": "loop",
                "type": "for_each",
                "config": {
                    "items": "[1]",
                    "actions": [{"id": "t", "type": "transform", "config": {"output": "item"}}],
                },
            }
        ],
    )
    nothing = await api.post(f"{BASE}/{flow_id}/steps/nope/test", json={})
    assert nothing.status_code == 404 and nothing.json()["code"] == "NOT_FOUND"
    container = await api.post(f"{BASE}/{flow_id}/steps/loop/test", json={})
    assert container.status_code == 422 and container.json()["details"][0]["field"] == "step_id"
    both = await api.post(
        f"{BASE}/{flow_id}/steps/t/test", json={"input": {}, "runId": str(uuid.uuid4())}
    )
    assert both.status_code == 422 and both.json()["details"][0]["field"] == "runId"
    unknown_run = await api.post(
        f"{BASE}/{flow_id}/steps/t/test", json={"runId": str(uuid.uuid4())}
    )
    assert unknown_run.status_code == 422
    bad_shape = await api.post(f"{BASE}/{flow_id}/steps/t/test", json={"input": {"steps": [1]}})
    assert bad_shape.status_code in (400, 422) and bad_shape.json()["code"] == "VALIDATION_ERROR"
    inner = await api.post(
        f"{BASE}/{flow_id}/steps/t/test", json={"input": {"item": {"sku": "R-1"}, "index": 0}}
    )
    assert inner.json()["data"]["output"] == {"sku": "R-1"}
    no_version = await api.post(f"{BASE}/{flow_id}/dry-run", json={"payload": {}, "version": 9})
    assert no_version.status_code == 404

    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _, other = await accounts.signup("Other Gems", "Otto", unique_email("o"), STRONG_PASSWORD)
    key = await create_key(other.id, "other", list(PERMISSIONS))
    async with client_for(app, key.secret) as stranger:
        for path in (f"{BASE}/{flow_id}/steps/t/test", f"{BASE}/{flow_id}/dry-run"):
            refused = await stranger.post(path, json={})
            assert refused.status_code == 404, refused.text


async def test_a_step_inside_a_loop_with_recorded_input(api: Any, worker: Any) -> None:
    flow_id = await make_flow(
        api,
        [
            {"id": "base", "type": "transform", "config": {"output": "10"}},
            {
                "id": "each",
                "type": "for_each",
                "config": {
                    "items": "trigger.lines",
                    "actions": [
                        {"id": "first", "type": "transform", "config": {"output": "item.qty"}},
                        {
                            "id": "total",
                            "type": "transform",
                            "config": {"output": "steps.first.output * steps.base.output + index"},
                        },
                    ],
                },
            },
        ],
    )
    run = await api.post(
        f"{BASE}/{flow_id}/run", json={"payload": {"lines": [{"qty": 3}, {"qty": 5}]}}
    )
    done = await finished(api, run.json()["data"]["run_id"])
    assert done["status"] == "succeeded", done
    tested = await api.post(
        f"{BASE}/{flow_id}/steps/total/test", json={"runId": run.json()["data"]["run_id"]}
    )
    result = tested.json()["data"]
    # the loop's first item, as recorded: first = 3, base = 10, index 0
    assert result["path"] == "each.0.total" and result["output"] == 30, result
