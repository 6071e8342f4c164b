"""Fault test: a worker is killed with SIGKILL while builder runs are in flight, then a new one
starts. Every run finishes, and every side effect happened exactly once: one customer per run in
the database (the database step commits with its result), and one Idempotency-Key per run at
the receiver (a request cut short by the kill is repeated with the same key).

It runs against a database and Redis namespace of its own (tests/isolated.py), so the suite's
shared worker cannot finish the runs for the one that is killed. JEWELIA_CHAOS_RUNS sets how
many runs: 1000 by default, the issue's acceptance (about 37 s on the 2-core build machine;
marked slow, and still part of `make test` and CI).
"""

from __future__ import annotations

import asyncio
import json
import os
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.isolated import Isolated, kill, stop, wait_until
from tests.webhook_receiver import Receiver

RUNS = int(os.environ.get("JEWELIA_CHAOS_RUNS", "1000"))

SETUP = textwrap.dedent(
    """
    import asyncio, json, sys, uuid
    import jewelia.workers.broker  # the jobs port's broker
    from jewelia.core.db import execute, start_db
    from jewelia.core.settings import get_settings
    from jewelia.platform.tenancy.registry import get_tenant_by_slug
    from jewelia.tenants.builder.engine import runs

    async def main() -> None:
        await start_db(get_settings().database_url)
        tenant = await get_tenant_by_slug(sys.argv[1])
        # Free allows 1,000 runs a month; this test may run more
        await execute("UPDATE public.tenant SET plan = 'enterprise' WHERE id = $1", tenant.id)
        definition = {
            "triggers": [{"type": "api_call", "config": {}}],
            "actions": [
                {"id": "push", "type": "http_request", "retry": {"attempts": 5, "delaySeconds": 0.2},
                 "config": {"method": "POST", "url": sys.argv[2], "body": {"n": "{{ trigger.n }}"}}},
                {"id": "save", "type": "database", "config": {"resource": "customers",
                 "operation": "create", "data": {"full_name": "'Chaos ' & $string(trigger.n)",
                 "email": "'chaos' & $string(trigger.n) & '@example.com'"}}},
                {"id": "done", "type": "transform", "config": {"output": "steps.save.output.email"}},
            ],
        }
        flow_id = uuid.uuid4()
        ids = []
        for n in range(int(sys.argv[3])):
            ids.append(str(await runs.start_run(
                tenant.ref, flow_id=flow_id, flow_name="Chaos", definition=definition,
                trigger_type="api_call", payload={"n": n},
            )))
        print(json.dumps({"schema": tenant.schema_name, "runs": ids}))

    asyncio.run(main())
    """
)


OPEN_RUNS = (
    "SELECT r.status, r.claims, r.leased_until > now() AS leased, r.wake_at, r.enqueued_at,"
    " s.step_path, s.status AS step_status, s.attempts, s.error FROM {s}.flow_run r"
    " LEFT JOIN {s}.flow_run_step s ON s.run_id = r.id WHERE r.status <> 'succeeded' LIMIT 30"
)


class SlowReceiver(Receiver):
    """Answers after 20 ms, so the kill finds requests and steps in flight."""

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict]:
        time.sleep(0.02)
        return super().answer(path, headers, body)


@pytest.mark.slow
def test_sigkill_mid_run_every_side_effect_once(db: None, tmp_path: Path) -> None:
    site = Isolated(
        "jewelia_builder_chaos",
        9,
        {
            "JEWELIA_BUILDER_LEASE_SECONDS": "3",
            "JEWELIA_BUILDER_SWEEP_SECONDS": "1",
            "JEWELIA_BUILDER_RESEND_SECONDS": "10",
        },
    )
    tenant = site.create_tenant("Chaos Gems", "chaos@example.com")
    log = tmp_path / "worker.log"
    with SlowReceiver() as receiver:
        made = json.loads(
            site.python("-c", SETUP, tenant["slug"], receiver.url("/hook"), str(RUNS))
            .strip()
            .splitlines()[-1]
        )
        schema, run_ids = made["schema"], made["runs"]

        def keys() -> Counter[str]:
            return Counter(r.headers["Idempotency-Key"] for r in list(receiver.received))

        async def query(sql: str) -> list[Any]:
            conn = await asyncpg.connect(site.database_url)
            try:
                return list(await conn.fetch(sql.replace("{s}", f'"{schema}"')))
            finally:
                await conn.close()

        def done() -> int:
            rows = asyncio.run(
                query("SELECT count(*) AS n FROM {s}.flow_run WHERE status = 'succeeded'")
            )
            return int(rows[0]["n"])

        first = site.start_worker(log)
        try:
            wait_until(lambda: len(keys()) >= RUNS // 4, 120, "runs to start")
        finally:
            kill(first)
        finished_before = done()
        assert finished_before < RUNS, "every run finished before the kill; nothing was tested"
        second = site.start_worker(log)
        try:
            wait_until(lambda: done() >= RUNS, 300, f"all {RUNS} runs")
        except AssertionError:  # say where the runs stand
            print(asyncio.run(query(OPEN_RUNS)))
            raise
        finally:
            stop(second)

        seen = keys()
        assert set(seen) == {f"{run_id}:push" for run_id in run_ids}
        bodies: dict[str, set[bytes]] = {}
        for r in receiver.received:
            bodies.setdefault(r.headers["Idempotency-Key"], set()).add(r.body)
        assert all(len(b) == 1 for b in bodies.values())  # a repeat is the same request

    statuses = asyncio.run(query("SELECT status, count(*) AS n FROM {s}.flow_run GROUP BY status"))
    assert {r["status"]: r["n"] for r in statuses} == {"succeeded": RUNS}
    steps = asyncio.run(
        query("SELECT step_path, status, count(*) AS n FROM {s}.flow_run_step GROUP BY 1, 2")
    )
    assert {(r["step_path"], r["status"]): r["n"] for r in steps} == {
        ("push", "succeeded"): RUNS,
        ("save", "succeeded"): RUNS,
        ("done", "succeeded"): RUNS,
    }
    customers = asyncio.run(
        query("SELECT lower(email) AS email, count(*) AS n FROM {s}.customer GROUP BY 1")
    )
    assert {r["email"]: r["n"] for r in customers} == {
        f"chaos{n}@example.com": 1 for n in range(RUNS)
    }
    audit = asyncio.run(
        query("SELECT count(*) AS n FROM {s}.audit_log WHERE action = 'customer.created'")
    )
    assert audit[0]["n"] == RUNS
    resumed = asyncio.run(query("SELECT count(*) AS n FROM {s}.flow_run WHERE claims > 1"))
    print(
        f"killed with {finished_before} of {RUNS} runs finished; {resumed[0]['n']} runs resumed;"
        f" HTTP repeats with the same key: {sum(seen.values()) - RUNS}"
    )
