"""Builder monitoring with a real worker, a real receiver and the real database: consecutive
failures email the owners and admins once per streak and then switch the flow off with its
reason; a success or switching it on again resets the streak; per-flow stats; the monthly
run allowance of the plan, counted atomically when a run starts."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from jewelia.core.db import execute, fetch
from jewelia.tenants.builder.engine import runs
from tests.webhook_receiver import Receiver

TERMINAL = ("succeeded", "failed", "cancelled")


async def finished(tenant: Any, run_id: uuid.UUID, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        run = await runs.get_run(tenant.ref, run_id)
        if run["status"] in TERMINAL:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run still {run['status']}: {run}")
        await asyncio.sleep(0.05)


def configuration(receiver: Receiver) -> dict[str, Any]:
    """s1 shapes the trigger; s2 calls the receiver at /status/<trigger.code> (400 fails)."""
    return {
        "triggers": [{"type": "api_call", "config": {}}],
        "actions": [
            {"id": "s1", "type": "transform", "config": {"output": "trigger.code"}},
            {
                "id": "s2",
                "type": "http_request",
                "config": {
                    "method": "POST",
                    "url": receiver.url("/status/{{ trigger.code }}"),
                    "body": {},
                },
                "retry": {"attempts": 1},
            },
        ],
    }


async def run_once(api: Any, flow_id: str, code: int) -> dict[str, Any]:
    answer = await api.post(
        f"/integrations/builder/{flow_id}/run", json={"payload": {"code": code}}
    )
    assert answer.status_code == 202, answer.text
    return await finished(api.tenant, uuid.UUID(answer.json()["data"]["run_id"]))


async def mails_to(address: str, subject_like: str) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE to_address = $1"
        " AND subject LIKE $2 ORDER BY created_at",
        address,
        subject_like,
    )


async def test_failures_alert_once_then_pause_and_switching_on_resets(
    api: Any, worker: Any
) -> None:
    from jewelia.platform.accounts import service as accounts
    from tests.conftest import STRONG_PASSWORD, unique_email

    owner = api.user
    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    membership = await accounts.membership(owner.id, api.tenant.id)
    team = {}
    for role in ("admin", "member"):
        token = await accounts.invite_member(owner, membership, unique_email(role), role)
        team[role], _ = await accounts.register_and_accept(token, f"{role} One", STRONG_PASSWORD)

    with Receiver() as receiver:
        made = await api.post(
            "/integrations/builder",
            json={
                "name": "Fragile sync",
                "configuration": configuration(receiver),
                "isActive": True,
                "alertAfterFailures": 2,
                "pauseAfterFailures": 4,
            },
        )
        assert made.status_code == 201, made.text
        flow = made.json()["data"]
        assert flow["alertAfterFailures"] == 2 and flow["pauseAfterFailures"] == 4
        assert flow["pausedReason"] is None and flow["pausedAt"] is None
        fid = flow["id"]

        # a failure, a success (the streak resets), then two failures: the alert
        assert (await run_once(api, fid, 400))["status"] == "failed"
        assert (await run_once(api, fid, 200))["status"] == "succeeded"
        assert (await run_once(api, fid, 400))["status"] == "failed"
        assert await mails_to(owner.email, "%failed%") == []
        assert (await run_once(api, fid, 400))["status"] == "failed"
        for who in (owner, team["admin"]):
            [alert] = await mails_to(who.email, "%failed 2 times in a row")
            assert "Fragile sync" in alert["subject"] and "at step s2:" in alert["body_text"]
        assert await mails_to(team["member"].email, "%Fragile sync%") == []

        # one email per streak; the fourth failure in a row switches the flow off
        assert (await run_once(api, fid, 400))["status"] == "failed"
        assert len(await mails_to(owner.email, "%failed%")) == 1
        assert (await api.get(f"/integrations/builder/{fid}")).json()["data"]["isActive"]
        last = await run_once(api, fid, 400)
        assert last["failed_step_id"] == "s2"
        got = (await api.get(f"/integrations/builder/{fid}")).json()["data"]
        assert got["isActive"] is False and got["pausedAt"]
        assert got["pausedReason"].startswith(
            "Paused after 4 consecutive failed runs; last error at step s2: "
        )
        assert "Step s2 failed" not in got["pausedReason"]
        for who in (owner, team["admin"]):
            [paused] = await mails_to(who.email, "%was switched off")
            assert got["pausedReason"] in paused["body_text"]
        refused = await api.post(f"/integrations/builder/{fid}/run", json={"payload": {}})
        assert refused.status_code == 409
        stats = (await api.get(f"/integrations/builder/{fid}/stats")).json()["data"]
        assert stats["failure_streak"] == 4 and stats["pausedReason"] == got["pausedReason"]

        # switching it on clears the pause and the streak; a new streak alerts again
        on = await api.put("/integrations/builder", json={"id": fid, "isActive": True})
        assert on.status_code == 200, on.text
        assert on.json()["data"]["pausedReason"] is None and on.json()["data"]["pausedAt"] is None
        stats = (await api.get(f"/integrations/builder/{fid}/stats")).json()["data"]
        assert stats["failure_streak"] == 0
        assert (await run_once(api, fid, 400))["status"] == "failed"
        assert len(await mails_to(owner.email, "%failed%")) == 1
        assert (await run_once(api, fid, 400))["status"] == "failed"
        assert len(await mails_to(owner.email, "%failed 2 times in a row")) == 2


async def test_thresholds_are_validated(api: Any) -> None:
    body = {
        "name": "Bad thresholds",
        "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": []},
        "alertAfterFailures": 0,
        "pauseAfterFailures": 5000,
    }
    answer = await api.post("/integrations/builder", json=body)
    assert answer.status_code in (400, 422), answer.text
    assert answer.json()["code"] == "VALIDATION_ERROR"
    fields = {d.get("field", "") for d in answer.json()["details"]}
    assert any("alertAfterFailures" in f for f in fields), answer.json()


MONTH = "date_trunc('month', now() AT TIME ZONE 'UTC')::date"


async def set_runs_used(tenant_id: uuid.UUID, runs_used: int) -> None:
    """Start the month's counter at `runs_used` (as if that many runs had started)."""
    await execute(
        "INSERT INTO public.flow_run_usage (tenant_id, month, runs)"
        f" VALUES ($1, {MONTH}, $2) ON CONFLICT (tenant_id, month) DO UPDATE SET runs = $2",
        tenant_id,
        runs_used,
    )


async def runs_used(tenant_id: uuid.UUID) -> int:
    rows = await fetch(
        f"SELECT runs FROM public.flow_run_usage WHERE tenant_id = $1 AND month = {MONTH}",
        tenant_id,
    )
    return int(rows[0]["runs"]) if rows else 0


async def test_runs_per_month_are_counted_atomically_and_refused_over_the_plan(api: Any) -> None:
    from jewelia.platform.billing.limits import PlanLimitExceeded
    from jewelia.tenants.builder import testing

    step = {"id": "t", "type": "transform", "config": {"output": "1"}}
    made = await api.post(
        "/integrations/builder",
        json={
            "name": "Counted",
            "configuration": {"triggers": [{"type": "api_call", "config": {}}], "actions": [step]},
            "isActive": True,
        },
    )
    fid = made.json()["data"]["id"]
    assert (await api.post(f"/integrations/builder/{fid}/run", json={})).status_code == 202
    assert await runs_used(api.tenant.id) == 1
    # testing a step and a dry run are not runs: not counted
    tested = await testing.test_step(api.tenant.ref, None, uuid.UUID(fid), "t", pinned={})
    assert tested["status"] == "succeeded", tested
    dry = await testing.dry_run(api.tenant.ref, None, uuid.UUID(fid), payload={})
    assert dry["status"] == "succeeded", dry
    assert await runs_used(api.tenant.id) == 1

    # Free allows 1,000 a month: with 990 used, 10 of 25 racing starts get through, exactly
    await set_runs_used(api.tenant.id, 990)
    results = await asyncio.gather(
        *(runs.start_flow_run(api.tenant.ref, uuid.UUID(fid), "api_call") for _ in range(25)),
        return_exceptions=True,
    )
    started = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, PlanLimitExceeded)]
    assert len(started) == 10 and len(refused) == 15, results
    assert await runs_used(api.tenant.id) == 1000
    rows = await fetch(
        f'SELECT count(*) AS n FROM "{api.tenant.schema_name}".flow_run WHERE flow_id = $1',
        uuid.UUID(fid),
    )
    assert rows[0]["n"] == 11  # a refused run leaves no row

    answer = await api.post(f"/integrations/builder/{fid}/run", json={})
    assert answer.status_code == 403
    body = answer.json()
    assert body["code"] == "PLAN_LIMIT_EXCEEDED"
    assert body["details"]["limit"] == "flow_runs_per_month"
    assert body["details"]["allowed"] == 1000 and body["details"]["used"] == 1000
    assert "1,000 flow runs a month" in body["error"]

    # another plan's allowance applies at once; the counter is per business
    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    assert (await api.post(f"/integrations/builder/{fid}/run", json={})).status_code == 202
    assert await runs_used(api.tenant.id) == 1001


async def test_billing_page_shows_builder_usage(client: Any) -> None:
    from jewelia.platform.tenancy.registry import get_tenant
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows
    from tests.integration.test_pages import signup

    email = await signup(client, business="Usage Gems")
    rows = await fetch(
        "SELECT m.tenant_id FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE u.email = $1",
        email,
    )
    tenant = await get_tenant(rows[0]["tenant_id"])
    await flows.create_flow(
        tenant.ref,
        Actor.system("test"),
        {
            "name": "One",
            "configuration": {
                "triggers": [{"type": "api_call", "config": {}}],
                "actions": [{"id": "t", "type": "transform", "config": {"output": "1"}}],
            },
        },
    )
    await set_runs_used(tenant.id, 1000)
    page = await client.get("/settings/billing")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert 'id="usage-flows"' in text and "1 / 3" in text
    runs_part = text.split('id="usage-flow-runs"')[1].split("</dd>")[0]
    assert "1,000 / 1,000" in runs_part and "limit reached" in runs_part
    assert '<progress class="bar" max="1000" value="1000">' in runs_part


async def test_flow_stats_and_run_filters(api: Any, worker: Any) -> None:
    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    with Receiver() as receiver:
        made = await api.post(
            "/integrations/builder",
            json={"name": "Counted", "configuration": configuration(receiver), "isActive": True},
        )
        fid = made.json()["data"]["id"]
        empty = (await api.get(f"/integrations/builder/{fid}/stats")).json()["data"]
        assert empty["runs"]["total"] == 0 and empty["success_rate"] is None
        assert empty["duration_ms"] == {"p50": None, "p95": None}
        assert empty["last_run"] is None and empty["last_failure"] is None
        assert empty["bucket"] == "hour" and len(empty["timeline"]) in (24, 25)

        for code in (200, 200, 200, 400):
            await run_once(api, fid, code)
        # version 2 says something else; a manual run of it
        changed = configuration(receiver)
        changed["actions"][0]["config"]["output"] = "'v2'"
        await api.put("/integrations/builder", json={"id": fid, "configuration": changed})
        assert (await api.post(f"/integrations/builder/{fid}/publish")).status_code == 201
        manual = await runs.start_flow_run(api.tenant.ref, uuid.UUID(fid), "manual", {"code": 200})
        assert (await finished(api.tenant, manual["run_id"]))["status"] == "succeeded"

    answer = await api.get(f"/integrations/builder/{fid}/stats", params={"window": "24h"})
    assert answer.status_code == 200, answer.text
    stats = answer.json()["data"]
    assert stats["runs"] == {
        "total": 5,
        "queued": 0,
        "running": 0,
        "succeeded": 4,
        "failed": 1,
        "cancelled": 0,
    }
    assert stats["success_rate"] == 0.8
    p50, p95 = stats["duration_ms"]["p50"], stats["duration_ms"]["p95"]
    assert p50 is not None and p95 is not None and 0 <= p50 <= p95
    assert stats["last_run"]["run_id"] == str(manual["run_id"])
    assert stats["last_run"]["version"] == 2 and stats["last_run"]["trigger_type"] == "manual"
    failure = stats["last_failure"]
    assert failure["step_path"] == "s2" and failure["error_type"] == "http_status"
    assert failure["version"] == 1 and "400" in failure["error"]
    assert stats["failure_streak"] == 0  # the runs after the failure succeeded
    assert sum(b["total"] for b in stats["timeline"]) == 5
    assert sum(b["failed"] for b in stats["timeline"]) == 1
    week = (await api.get(f"/integrations/builder/{fid}/stats", params={"window": "7d"})).json()
    assert week["data"]["bucket"] == "day" and len(week["data"]["timeline"]) in (7, 8)
    assert week["data"]["runs"]["total"] == 5
    month = (await api.get(f"/integrations/builder/{fid}/stats", params={"window": "30d"})).json()
    assert len(month["data"]["timeline"]) in (30, 31)

    bad = await api.get(f"/integrations/builder/{fid}/stats", params={"window": "1y"})
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "window"
    missing = await api.get(f"/integrations/builder/{uuid.uuid4()}/stats")
    assert missing.status_code == 404

    # the runs list filters by status, version, trigger and time
    async def total(**params: Any) -> int:
        got = await api.get("/integrations/builder/runs", params={"flow_id": fid, **params})
        assert got.status_code == 200, got.text
        return int(got.json()["pagination"]["total"])

    assert await total() == 5
    assert await total(status="failed") == 1 and await total(status="succeeded") == 4
    assert await total(version=1) == 4 and await total(version=2) == 1
    assert await total(trigger="manual") == 1 and await total(trigger="api_call") == 4
    assert await total(version=1, status="succeeded") == 3
    assert await total(created_to="2020-01-01T00:00:00Z") == 0
    assert await total(created_from="2020-01-01") == 5
    bad = await api.get("/integrations/builder/runs", params={"trigger": "carrier_pigeon"})
    assert bad.status_code == 422


async def test_stats_of_another_business_flow_are_not_found(api: Any, business: Any) -> None:
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    _, other = business
    theirs = await flows.create_flow(
        other.ref,
        Actor.system("test"),
        {
            "name": "Theirs",
            "configuration": {
                "triggers": [{"type": "api_call", "config": {}}],
                "actions": [{"id": "t", "type": "transform", "config": {"output": "1"}}],
            },
        },
    )
    answer = await api.get(f"/integrations/builder/{theirs['id']}/stats")
    assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"


async def test_pricing_compares_builder_limits(client: Any) -> None:
    page = (await client.get("/pricing")).text
    for flows, monthly in (("3", "1,000"), ("50", "50,000"), ("1,000", "1,000,000")):
        assert f"{flows} integration builder flows" in page
        assert f"{monthly} flow runs a month" in page


async def test_a_change_over_the_run_limit_is_told_in_the_app(api: Any, worker: Any) -> None:
    """A database change that cannot start its flow because the month's runs are used up is
    not dropped silently: the business gets one in-app notification a month for that flow."""
    made = await api.post(
        "/integrations/builder",
        json={
            "name": "Sync over the limit",
            "configuration": {
                "triggers": [
                    {
                        "type": "database_change",
                        "config": {"table": "customers", "operation": "insert"},
                    }
                ],
                "actions": [{"type": "transform", "config": {"output": "1"}}],
            },
            "isActive": True,
        },
    )
    fid = made.json()["data"]["id"]
    await set_runs_used(api.tenant.id, 1000)
    for n in range(2):
        r = await api.post("/customers", json={"full_name": f"Limit {n}", "email": f"l{n}@ex.com"})
        assert r.status_code == 201, r.text
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        notes = (await api.get("/notifications")).json()["data"]
        mine = [n for n in notes if n["title"].startswith("Sync over the limit did not run")]
        if mine or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)  # the second change is dispatched too
    notes = (await api.get("/notifications")).json()["data"]
    mine = [n for n in notes if n["title"].startswith("Sync over the limit did not run")]
    assert len(mine) == 1, notes
    assert "1,000 flow runs a month" in mine[0]["body"]
    listed = await api.get("/integrations/builder/runs", params={"flow_id": fid})
    assert listed.json()["data"] == []
