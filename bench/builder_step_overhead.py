"""Benchmark: the run engine's own time per step (the executor outside the actions).

    .venv/bin/python bench/builder_step_overhead.py                  # 500 runs per flow, ~1 min
    .venv/bin/python bench/builder_step_overhead.py --runs 2000 --profile
    git archive <commit> jewelia migrations | tar -x -C /tmp/before   # then, alternating with the tree:
    .venv/bin/python bench/builder_step_overhead.py --tree /tmp/before  # that commit's code
    BENCH_SORT=tottime .venv/bin/python bench/builder_step_overhead.py --profile   # by own time

A throw-away installation (embedded PostgreSQL and Redis, all migrations), one Enterprise
business and two active flows made through the flows service: (a) the three-step flow of
builder_throughput.py (a `branch` condition on the trigger, then a `database` step creating a
customer), (b) five `transform` steps in a row, each reading the previous one's output.
Runs are started with `runs.start_flow_run` (their messages go to Redis, no worker takes
them), then this process advances each one with `executor.advance`, one at a time, exactly as
the actor does: claim with a lease, heartbeat, each step's transactions, the finish, on
uvloop as the worker's actors run (`--loop asyncio` for the standard loop).

The target line is the engine's overhead over the same work done directly: after each run,
the program a developer would write without the engine does that run's work through the same
services (a) `create_customer` with the mapped fields, in its own transaction as any API call
opens it, (b) the five expressions evaluated in order through the same sandbox rule. Overhead
per step = (the run's `advance` time - that direct time) / the run's step rows, each run paired
with the direct work right after it (the same disk, the same moment). Target: p50 <= 1 ms.

Also reported, the engine time as the passes before this one measured it: every action's
`execute` is timed (wrapped; the wrapper calls the real one) and subtracted from `advance`,
which leaves the claim, the lease fences, rendering inputs and conditions, the step rows and
the finish, and also the BEGIN and the COMMIT (with its WAL flush) of a database step's
transaction, which the direct program pays as well.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

TARGET_MS = 1.0


def flows() -> dict[str, dict[str, Any]]:
    """The measured flows' configurations, by name."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from builder_throughput import definition

    five = [
        {"id": "t1", "type": "transform", "config": {"output": "{'n': trigger.amount}"}},
        *(
            {
                "id": f"t{n}",
                "type": "transform",
                "config": {"output": f"{{'n': steps.t{n - 1}.output.n + 1}}"},
            }
            for n in range(2, 6)
        ),
    ]
    return {
        "three-step (branch + create customer)": definition("branch"),
        "five transforms": {"triggers": [{"type": "api_call", "config": {}}], "actions": five},
    }


async def direct(name: str, tenant: Any, payload: dict[str, Any], n: int) -> None:
    """The work of one run of flow `name`, done directly through the services (no engine)."""
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder.engine.render import call, evaluate
    from jewelia.tenants.crm.customers.service import create_customer

    if name.startswith("three-step"):
        data = {
            "full_name": payload["name"],
            "email": f"d{n}-{uuid.uuid4().hex[:6]}@stepbench.example",
            "tags": ["flow"],
        }
        await create_customer(tenant.ref, Actor.system("bench"), data)
        return
    context: dict[str, Any] = {"trigger": payload, "steps": {}}
    for step in flows()[name]["actions"]:
        output = await call(evaluate, step["config"]["output"], context)
        context["steps"][step["id"]] = {"output": output}


class Timed:
    """Wraps the actions' execute functions and adds up the time spent inside them; counts the
    database round trips (asyncpg calls) outside them."""

    def __init__(self) -> None:
        import asyncpg

        from jewelia.tenants.builder.engine import executor

        self.inside = 0.0
        self.in_action = False
        self.trips = 0
        for module in executor.ACTIONS.values():
            module.execute = self.wrap(module.execute)
        for name in ("fetch", "fetchrow", "fetchval", "execute", "executemany"):
            setattr(asyncpg.Connection, name, self.count(getattr(asyncpg.Connection, name)))

    def count(self, real: Any) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            if not self.in_action:
                self.trips += 1
            return await real(*args, **kwargs)

        return call

    def wrap(self, real: Any) -> Any:
        async def execute(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            self.in_action = True
            try:
                return await real(*args, **kwargs)
            finally:
                self.in_action = False
                self.inside += time.perf_counter() - began

        return execute


async def measure(runs_per_flow: int, warmup: int, profile: bool) -> dict[str, Any]:
    """For each flow: per-run advance time, action time and step count; the profile text."""
    from jewelia.core.db import fetch, stop_db, tenant_scope
    from jewelia.platform.accounts.service import signup
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flow_service
    from jewelia.tenants.builder.engine import executor, runs

    await common.open_database()
    timed = Timed()
    profiler = cProfile.Profile() if profile else None
    results: dict[str, Any] = {}
    try:
        _, tenant = await signup(
            "Step Bench Jewelers",
            "Sid Bench",
            "owner@stepbench.example",
            "Sparkle-Gems-2026!",
            "enterprise",
            verified=True,
        )
        for name, configuration in flows().items():
            made = await flow_service.create_flow(
                tenant.ref,
                Actor.system("bench"),
                {"name": name, "description": "", "configuration": configuration, "isActive": True},
            )
            total = warmup + runs_per_flow
            started = []
            for n in range(total):
                payload = {
                    "name": f"Step Bench {n}",
                    "email": f"s{n}-{uuid.uuid4().hex[:6]}@stepbench.example",
                    "amount": 100 + n,
                }
                made_run = await runs.start_flow_run(tenant.ref, made["id"], "api_call", payload)
                started.append((made_run["run_id"], payload))
            samples = []
            for n, (run_id, payload) in enumerate(started):
                timing = profiler is not None and n >= warmup
                timed.inside, timed.trips = 0.0, 0
                began, cpu = time.perf_counter(), time.process_time()
                if timing:
                    profiler.enable()  # type: ignore[union-attr]
                await executor.advance(tenant.id, run_id)
                if timing:
                    profiler.disable()  # type: ignore[union-attr]
                took, cpu = time.perf_counter() - began, time.process_time() - cpu
                inside, trips = timed.inside, timed.trips
                began = time.perf_counter()
                await direct(name, tenant, payload, n)
                alone = time.perf_counter() - began
                if n >= warmup:
                    samples.append((run_id, took, inside, cpu, trips, alone))
            async with tenant_scope(tenant.ref):
                rows = await fetch(
                    "SELECT r.id, r.status, (SELECT count(*) FROM flow_run_step s"
                    " WHERE s.run_id = r.id) AS steps FROM flow_run r WHERE r.id = ANY($1::uuid[])",
                    [s[0] for s in samples],
                )
            by_id = {r["id"]: r for r in rows}
            bad = [r for r in rows if r["status"] != "succeeded"]
            if bad:
                raise RuntimeError(f"{len(bad)} runs did not succeed: {bad[:3]}")
            results[name] = [
                (took, inside, by_id[run_id]["steps"], cpu, trips, alone)
                for run_id, took, inside, cpu, trips, alone in samples
            ]
    finally:
        await stop_db()
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(45)
        results["_profile"] = out.getvalue()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="builder engine overhead per step")
    parser.add_argument("--runs", type=int, default=500, help="timed runs per flow")
    parser.add_argument("--warmup", type=int, default=50, help="untimed runs per flow")
    parser.add_argument("--profile", action="store_true", help="print cProfile of advance()")
    parser.add_argument(
        "--executor", help="measure this copy of engine/executor.py instead (before/after)"
    )
    parser.add_argument(
        "--tree",
        help="measure the jewelia package in this folder instead (git archive of a commit)",
    )
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="the event loop (the worker's actors run on uvloop)",
    )
    args = parser.parse_args(argv)
    if args.tree:
        if not (Path(args.tree) / "jewelia" / "__init__.py").is_file():
            parser.error(f"no jewelia package in {args.tree}")
        sys.path.insert(0, str(Path(args.tree).resolve()))
        import jewelia

        common.log(f"code from {Path(jewelia.__file__).parent}")
    if args.executor:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "jewelia.tenants.builder.engine.executor", args.executor
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)

    with common.installation():
        common.log(f"{args.warmup} + {args.runs} runs per flow, advanced one at a time")
        factory = None
        if args.loop == "uvloop":
            import uvloop

            factory = uvloop.new_event_loop
        with asyncio.Runner(loop_factory=factory) as runner:
            results = runner.run(measure(args.runs, args.warmup, args.profile))
    profile = results.pop("_profile", None)
    if profile:
        print(profile)
    checks = []
    for name, samples in results.items():
        steps = samples[0][2]
        over = [(took - alone) / steps for took, _, steps, _, _, alone in samples]
        per_step = [(took - inside) / steps for took, inside, steps, *_ in samples]
        whole = [took for took, *_ in samples]
        alone = [a for *_, a in samples]
        actions = [inside / steps for _, inside, steps, *_ in samples]
        cpu = [c / steps for _, _, steps, c, *_ in samples]
        trips = sorted(s[4] for s in samples)[len(samples) // 2]
        checks.append(
            common.Check(
                f"engine overhead per step over the work done directly, {name}",
                common.percentile(over, 0.5) * 1000,
                "ms",
                TARGET_MS + 1e-9,
                f"p95 {common.percentile(over, 0.95) * 1000:.2f} ms; {steps} step rows;"
                f" whole run p50 {common.percentile(whole, 0.5) * 1000:.2f} ms, the same work"
                f" done directly p50 {common.percentile(alone, 0.5) * 1000:.2f} ms",
            )
        )
        checks.append(
            common.Check(
                f"  engine time per step (actions' execute subtracted), {name}",
                common.percentile(per_step, 0.5) * 1000,
                "ms",
                None,
                f"p95 {common.percentile(per_step, 0.95) * 1000:.2f} ms; inside actions"
                f" p50 {common.percentile(actions, 0.5) * 1000:.2f} ms per step",
            )
        )
        checks.append(
            common.Check(
                f"  CPU of this process per step (actions included), {name}",
                common.percentile(cpu, 0.5) * 1000,
                "ms",
                None,
                f"database round trips per run outside the actions (median): {trips}",
            )
        )
    return common.report(
        f"Builder engine overhead per step ({args.runs} runs per flow, one at a time)", checks
    )


if __name__ == "__main__":
    sys.exit(main())
