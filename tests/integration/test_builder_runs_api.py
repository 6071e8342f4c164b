"""Builder runs over the API: POST /integrations/builder/{id}/run starts the published version
(202), the worker runs it, GET .../runs lists and filters, GET .../runs/{id} shows the step
timeline, retry resumes a failed run at its failed step, cancel stops a waiting one; another
business's runs are not found, and a read-only key cannot start or retry."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from jewelia.platform.apikeys.service import create_key
from tests.integration.test_api_security import client_for
from tests.webhook_receiver import Receiver

BASE = "/integrations/builder"


async def make_flow(api: Any, actions: list[Any], active: bool = True) -> str:
    body = {
        "name": "Run me",
        "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": actions},
        "isActive": active,
    }
    made = await api.post(BASE, json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["data"]["id"])


async def finished(api: Any, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        got = await api.get(f"{BASE}/runs/{run_id}")
        assert got.status_code == 200, got.text
        run = got.json()["data"]
        if run["status"] in ("succeeded", "failed", "cancelled"):
            return dict(run)
        assert time.monotonic() < deadline, run
        await asyncio.sleep(0.05)


async def test_run_a_flow_and_read_its_timeline(api: Any, app: Any, worker: Any) -> None:
    with Receiver() as receiver:
        flow_id = await make_flow(
            api,
            [
                {
                    "id": "shape",
                    "type": "transform",
                    "config": {"output": '{"who": $uppercase(trigger.name)}'},
                },
                {
                    "id": "post",
                    "type": "http_request",
                    "config": {
                        "method": "POST",
                        "url": receiver.url("/flaky/1"),
                        "body": {"who": "{{ steps.shape.output.who }}"},
                    },
                },
            ],
        )
        started = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"name": "ada"}})
        assert started.status_code == 202, started.text
        data = started.json()["data"]
        assert data["flow_id"] == flow_id and data["version"] == 1 and data["status"] == "queued"
        run = await finished(api, data["run_id"])
        assert run["status"] == "failed" and run["failed_step_id"] == "post"
        assert run["trigger_type"] == "api_call" and run["trigger_payload"] == {"name": "ada"}
        shape, post = run["steps"]
        assert shape["step_path"] == "shape" and shape["output"] == {"who": "ADA"}
        assert shape["duration_ms"] is not None and post["error_type"] == "http_status"

        listed = await api.get(f"{BASE}/runs", params={"flow_id": flow_id, "status": "failed"})
        assert listed.status_code == 200
        assert [r["id"] for r in listed.json()["data"]] == [data["run_id"]]
        assert "steps" not in listed.json()["data"][0]
        assert listed.json()["pagination"]["total"] == 1
        since = {"flow_id": flow_id, "created_from": "2020-01-01T00:00:00Z"}
        assert (await api.get(f"{BASE}/runs", params=since)).json()["pagination"]["total"] == 1
        later = {"flow_id": flow_id, "created_from": "2999-01-01T00:00:00Z"}
        assert (await api.get(f"{BASE}/runs", params=later)).json()["pagination"]["total"] == 0
        odd = await api.get(f"{BASE}/runs", params={"created_to": "0.5"})
        assert odd.status_code == 422
        bad = await api.get(f"{BASE}/runs", params={"status": "lost"})
        assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "status"

        retried = await api.post(f"{BASE}/runs/{data['run_id']}/retry")
        assert retried.status_code == 202, retried.text
        run = await finished(api, data["run_id"])
        assert run["status"] == "succeeded"
        assert [s["attempts"] for s in run["steps"]] == [1, 2]
        assert run["steps"][1]["output"]["status"] == 200
        assert [r.json() for r in receiver.received] == [{"who": "ADA"}, {"who": "ADA"}]
        again = await api.post(f"{BASE}/runs/{data['run_id']}/retry")
        assert again.status_code == 409 and again.json()["code"] == "CONFLICT"


async def test_cancel_refusals_and_isolation(api: Any, app: Any, worker: Any) -> None:
    waits = [{"id": "wait", "type": "delay", "config": {"seconds": 60}}]
    flow_id = await make_flow(api, waits)
    run_id = (await api.post(f"{BASE}/{flow_id}/run", json={})).json()["data"]["run_id"]
    deadline = time.monotonic() + 60
    while not (await api.get(f"{BASE}/runs/{run_id}")).json()["data"]["steps"]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    cancelled = await api.post(f"{BASE}/runs/{run_id}/cancel")
    assert cancelled.status_code == 202, cancelled.text
    assert (await finished(api, run_id))["status"] == "cancelled"
    assert (await api.post(f"{BASE}/runs/{run_id}/cancel")).status_code == 409

    off = await make_flow(api, waits, active=False)
    refused = await api.post(f"{BASE}/{off}/run", json={})
    assert refused.status_code == 409 and "no published version" in refused.json()["error"]
    wrong = await api.post(f"{BASE}/{flow_id}/run", json={"version": 7})
    assert wrong.status_code == 404 and "version 7" in wrong.json()["error"]
    loose = await api.post(f"{BASE}/{flow_id}/run", json={"name": "not wrapped"})
    assert loose.status_code in (400, 422)
    missing = await api.post(f"{BASE}/{uuid.uuid4()}/run", json={})
    assert missing.status_code == 404
    assert (await api.get(f"{BASE}/runs/{uuid.uuid4()}")).status_code == 404

    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    _, other = await accounts.signup("Other Gems", "Otto", unique_email("o"), STRONG_PASSWORD)
    other_key = await create_key(other.id, "other", ["read", "write"])
    async with client_for(app, other_key.secret) as intruder:
        assert (await intruder.get(f"{BASE}/runs/{run_id}")).status_code == 404
        assert (await intruder.post(f"{BASE}/{flow_id}/run", json={})).status_code == 404
        assert (await intruder.get(f"{BASE}/runs")).json()["pagination"]["total"] == 0
    reader = await create_key(api.tenant.id, "reader", ["read"])
    async with client_for(app, reader.secret) as read_only:
        assert (await read_only.get(f"{BASE}/runs/{run_id}")).status_code == 200
        assert (await read_only.post(f"{BASE}/{flow_id}/run", json={})).status_code == 403
        assert (await read_only.post(f"{BASE}/runs/{run_id}/retry")).status_code == 403


async def test_a_run_takes_a_trigger_payload_of_several_megabytes(
    api: Any, app: Any, worker: Any
) -> None:
    """The api_call trigger's body may carry up to 10 MB of payload (other API bodies stop at
    1 MB); past that 413, and NUL is refused as everywhere."""
    flow_id = await make_flow(
        api, [{"id": "size", "type": "transform", "config": {"output": "$length(trigger.blob)"}}]
    )
    blob = "g" * (3 * 1024 * 1024)
    started = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"blob": blob}})
    assert started.status_code == 202, started.text[:300]
    run = await finished(api, started.json()["data"]["run_id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["steps"][0]["output"] == len(blob)

    huge = await api.post(f"{BASE}/{flow_id}/run", json={"payload": "g" * (11 * 1024 * 1024)})
    assert huge.status_code == 413, huge.text[:300]
    assert huge.json()["code"] == "PAYLOAD_TOO_LARGE"
    nul = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {"name": "a\u0000b"}})
    assert nul.status_code == 400 and nul.json()["code"] == "VALIDATION_ERROR"
    other = await api.post(BASE, json={"name": "g" * (2 * 1024 * 1024)})
    assert other.status_code == 413  # the larger limit is the run route's only
