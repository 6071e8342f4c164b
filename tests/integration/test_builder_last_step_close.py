"""A run whose last step is a database step closes in that step's transaction (rows, close and
COMMIT in one round trip): every row is written as before, the branches around the step record
their success, the failure streak resets, and a step in a loop or followed by another never
closes the run early."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from jewelia.core.db import fetch, tenant_scope
from jewelia.tenants.builder.engine import executor, runs


@pytest.fixture(scope="module")
async def business(db: None) -> Any:
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    return await accounts.signup(
        f"Close Gems {uuid.uuid4().hex[:6]}", "Cy Close", unique_email("close"), STRONG_PASSWORD
    )


def create(sid: str, source: str = "trigger") -> dict[str, Any]:
    return {
        "id": sid,
        "type": "database",
        "config": {
            "resource": "customers",
            "operation": "create",
            "data": {"full_name": f"{source}.name", "email": f"'{sid}-' & {source}.email"},
        },
    }


async def run_once(tenant: Any, actions: list[dict[str, Any]], payload: Any) -> dict[str, Any]:
    """Make the flow, start a run and advance it here (as the actor does); the run."""
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    made = await flows.create_flow(
        tenant.ref,
        Actor.system("test"),
        {
            "name": "Closing flow",
            "description": "",
            "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": actions},
            "isActive": True,
        },
    )
    async with tenant_scope(tenant.ref):
        await fetch("UPDATE flow SET failure_streak = 2 WHERE id = $1", made["id"])
    started = await runs.start_flow_run(tenant.ref, made["id"], "api_call", payload)
    await executor.advance(tenant.id, started["run_id"])
    run = await runs.get_run(tenant.ref, started["run_id"])
    async with tenant_scope(tenant.ref):
        rows = await fetch(
            "SELECT r.lease_token, f.failure_streak FROM flow_run r JOIN flow f"
            " ON f.id = r.flow_id WHERE r.id = $1",
            started["run_id"],
        )
    run["lease_token"], run["streak"] = rows[0]["lease_token"], rows[0]["failure_streak"]
    return run


async def test_a_last_database_step_in_nested_branches_closes_the_run(business: Any) -> None:
    _, tenant = business
    inner = {
        "id": "inner",
        "type": "branch",
        "config": {"branches": [{"if": "true", "actions": [create("make")]}]},
    }
    outer = {
        "id": "outer",
        "type": "branch",
        "config": {"branches": [{"if": "trigger.n > 5", "actions": []}], "else": [inner]},
    }
    email = f"{uuid.uuid4().hex[:8]}@close.example"
    run = await run_once(tenant, [outer], {"n": 1, "name": "Nested Close", "email": email})
    assert run["status"] == "succeeded" and run["finished_at"] is not None, run
    assert run["lease_token"] is None and run["error"] is None and run["streak"] == 0
    steps = {s["step_path"]: s for s in run["steps"]}
    assert [s["step_path"] for s in run["steps"]] == ["outer", "inner", "make"]
    assert steps["outer"]["status"] == "succeeded" and steps["outer"]["output"] == {
        "branch": "else"
    }
    assert steps["inner"]["status"] == "succeeded" and steps["inner"]["output"] == {"branch": 0}
    assert steps["make"]["status"] == "succeeded"
    assert steps["make"]["output"]["email"] == f"make-{email}"
    assert all(s["finished_at"] is not None for s in run["steps"])


async def test_a_database_step_followed_by_another_or_in_a_loop_does_not_close(
    business: Any,
) -> None:
    _, tenant = business
    email = f"{uuid.uuid4().hex[:8]}@close.example"
    after = {"id": "after", "type": "transform", "config": {"output": "steps.first.output.email"}}
    run = await run_once(tenant, [create("first"), after], {"name": "Two Steps", "email": email})
    assert run["status"] == "succeeded" and run["streak"] == 0, run
    assert [s["step_path"] for s in run["steps"]] == ["first", "after"]
    assert run["steps"][1]["output"] == f"first-{email}"

    loop = {
        "id": "loop",
        "type": "for_each",
        "config": {"items": "trigger.people", "actions": [create("each", "item")]},
    }
    people = [{"name": f"P {n}", "email": f"{n}-{email}"} for n in range(2)]
    run = await run_once(tenant, [loop], {"people": people, "email": email})
    assert run["status"] == "succeeded", run
    paths = [s["step_path"] for s in run["steps"]]
    assert paths == ["loop", "loop.0.each", "loop.1.each"]
    assert run["steps"][0]["status"] == "succeeded" and len(run["steps"][0]["output"]) == 2
