"""Acceptance (issue 14): editing (PUT) and publishing a new version while 100 runs are in
flight changes none of their outputs. A real worker runs them; each run parks in a delay step
after its first step, so all 100 are mid-run when the flow is edited and published; every one
then finishes on version 1, its outputs and its request to the real receiver those of the old
definition, while runs started afterwards use version 2."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from jewelia.core.db import fetch
from tests.webhook_receiver import Receiver

IN_FLIGHT = 100
DELAY_SECONDS = 15  # long enough for the worker to take all 100 before the first wakes


def version(receiver: Receiver, tag: str, delay: int) -> dict[str, Any]:
    return {
        "triggers": [{"type": "api_call", "config": {}}],
        "actions": [
            {
                "id": "shape",
                "type": "transform",
                "config": {"output": f'{{"tag": "{tag}", "n": trigger.n}}'},
            },
            {"id": "wait", "type": "delay", "config": {"seconds": delay}},
            {
                "id": "push",
                "type": "http_request",
                "config": {
                    "method": "POST",
                    "url": receiver.url(f"/{tag}/{{{{ trigger.n }}}}"),
                    "body": {"n": "{{ trigger.n }}", "tag": "{{ steps.shape.output.tag }}"},
                },
            },
            {
                "id": "label",
                "type": "transform",
                "config": {"output": f'"{tag}-" & $string(steps.shape.output.n)'},
            },
        ],
    }


async def open_runs(schema: str, flow_id: uuid.UUID) -> dict[str, int]:
    rows = await fetch(
        f'SELECT status, count(*) AS n FROM "{schema}".flow_run WHERE flow_id = $1 GROUP BY 1',
        flow_id,
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def parked(schema: str, flow_id: uuid.UUID) -> int:
    rows = await fetch(
        f'SELECT count(*) AS n FROM "{schema}".flow_run r JOIN "{schema}".flow_run_step s'
        " ON s.run_id = r.id WHERE r.flow_id = $1 AND s.step_path = 'wait'",
        flow_id,
    )
    return int(rows[0]["n"])


async def test_edit_and_publish_during_100_runs_changes_none_of_their_outputs(
    api: Any, worker: Any
) -> None:
    schema = api.tenant.schema_name
    with Receiver() as receiver:
        made = await api.post(
            "/integrations/builder",
            json={
                "name": "In flight",
                "configuration": version(receiver, "v1", DELAY_SECONDS),
                "isActive": True,
            },
        )
        assert made.status_code == 201, made.text
        fid = made.json()["data"]["id"]
        flow_id = uuid.UUID(fid)

        started = await asyncio.gather(
            *(
                api.post(f"/integrations/builder/{fid}/run", json={"payload": {"n": n}})
                for n in range(IN_FLIGHT)
            )
        )
        assert all(s.status_code == 202 for s in started), [s.text for s in started][:3]
        by_n = {n: s.json()["data"]["run_id"] for n, s in enumerate(started)}
        assert {s.json()["data"]["version"] for s in started} == {1}

        # every run is mid-way: its first step done, parked in the delay
        deadline = time.monotonic() + 120
        while await parked(schema, flow_id) < IN_FLIGHT:
            assert time.monotonic() < deadline, await open_runs(schema, flow_id)
            await asyncio.sleep(0.1)
        assert await open_runs(schema, flow_id) == {"running": IN_FLIGHT}
        assert receiver.received == []

        # edit the draft (PUT, the contract's call) and publish version 2 while they wait
        edited = await api.put(
            "/integrations/builder",
            json={"id": fid, "configuration": version(receiver, "v2", 1)},
        )
        assert edited.status_code == 200, edited.text
        published = await api.post(f"/integrations/builder/{fid}/publish")
        assert published.status_code == 201 and published.json()["data"]["number"] == 2
        published_at = (
            await fetch(
                f'SELECT published_at FROM "{schema}".flow_version'
                " WHERE flow_id = $1 AND number = 2",
                flow_id,
            )
        )[0]["published_at"]
        after = await api.post(f"/integrations/builder/{fid}/run", json={"payload": {"n": 1000}})
        assert after.json()["data"]["version"] == 2

        deadline = time.monotonic() + 240
        while (await open_runs(schema, flow_id)).get("succeeded", 0) < IN_FLIGHT + 1:
            assert time.monotonic() < deadline, await open_runs(schema, flow_id)
            await asyncio.sleep(0.25)

    assert await open_runs(schema, flow_id) == {"succeeded": IN_FLIGHT + 1}
    rows = await fetch(
        f"SELECT r.id, r.version, r.finished_at, s.step_path, s.input::text AS input,"
        f' s.output::text AS output FROM "{schema}".flow_run r'
        f' JOIN "{schema}".flow_run_step s ON s.run_id = r.id WHERE r.flow_id = $1',
        flow_id,
    )
    steps: dict[str, dict[str, Any]] = {}
    for r in rows:
        run = steps.setdefault(
            str(r["id"]), {"version": r["version"], "finished": r["finished_at"]}
        )
        run[r["step_path"]] = {
            "input": json.loads(r["input"] or "null"),
            "output": json.loads(r["output"] or "null"),
        }
    for n, run_id in by_n.items():
        run = steps[run_id]
        assert run["version"] == 1 and run["finished"] > published_at
        assert run["shape"]["output"] == {"tag": "v1", "n": n}
        assert run["wait"]["input"]["seconds"] == DELAY_SECONDS
        assert run["push"]["input"]["url"] == receiver.url(f"/v1/{n}")
        assert run["push"]["input"]["body"] == {"n": str(n), "tag": "v1"}
        assert run["push"]["output"]["status"] == 200
        assert run["label"]["output"] == f"v1-{n}"
    newer = steps[after.json()["data"]["run_id"]]
    assert newer["version"] == 2 and newer["label"]["output"] == "v2-1000"

    # the receiver saw each old run once, on the old path with the old body, and one new run
    paths = sorted(r.path for r in receiver.received)
    assert paths == sorted([f"/v1/{n}" for n in range(IN_FLIGHT)] + ["/v2/1000"])
    for r in receiver.received:
        if r.path.startswith("/v1/"):
            assert r.json() == {"n": r.path.rsplit("/", 1)[1], "tag": "v1"}
