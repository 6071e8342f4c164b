"""Benchmark: builder runs end to end (trigger -> condition -> create customer), sustained.

    .venv/bin/python bench/builder_throughput.py                    # 300 runs/s for 60 s
    .venv/bin/python bench/builder_throughput.py --rate 150 --seconds 30
    .venv/bin/python bench/builder_throughput.py --condition if     # the condition as a step's if
    .venv/bin/python bench/builder_throughput.py --trigger webhook  # the flow's signed webhook URL
    .venv/bin/python bench/builder_throughput.py --sweep            # 50..300/s x 20 s, then 300/s x 60 s

A throw-away installation (embedded PostgreSQL and Redis, all migrations), one Enterprise
business with an API key (write) and one active flow, published through the flows service:
an api_call trigger (or, with --trigger webhook, a webhook trigger: the flow's own URL, each
request signed with Standard Webhooks headers under the flow's secret), a condition (a
`branch` step whose one branch has `if: trigger.amount > 0`; with --condition if, the `if`
of the create step instead) and a `database` step that creates a customer from the
trigger's name and email. The real processes run it as an operator runs them: `jewelia
serve --workers N` and `jewelia worker --processes 2 --threads 8`.

This process is the client: every 50 ms it sends rate/20 POST /api/v1/integrations/builder/
{id}/run (or POSTs to the webhook URL) over kept-alive connections (open loop: it does not
wait for answers before the next tick) and notes when each request left. Trigger-to-finish
is the run's finished_at (the database clock, same machine) minus that moment. Throughput is
finished runs from the first request to the last finish; the run counts only if every
request was accepted, every run succeeded and the backlog drained within 2 s of the last
request. Targets: >= 300 runs/s sustained and p99 trigger-to-finish < 1 s.

--sweep offers each rate of --sweep-rates for --sweep-seconds (waiting for the backlog to
drain between them), then the 60 s run at 300/s, and prints one row per rate: achieved
runs/s and trigger-to-finish p50/p95/p99, and the highest rate sustained with p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

RATE_TARGET = 300.0
P99_TARGET_MS = 1000.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


def definition(condition: str, trigger: str = "api_call") -> dict[str, Any]:
    """The three-step flow: api_call (or webhook) trigger -> condition -> create a customer."""
    create = {
        "id": "create",
        "type": "database",
        "config": {
            "resource": "customers",
            "operation": "create",
            "data": {"full_name": "trigger.name", "email": "trigger.email", "tags": ["flow"]},
        },
    }
    if condition == "if":
        actions = [{**create, "if": "trigger.amount > 0"}]
    else:
        actions = [
            {
                "id": "check",
                "type": "branch",
                "config": {"branches": [{"if": "trigger.amount > 0", "actions": [create]}]},
            }
        ]
    return {"triggers": [{"type": trigger, "config": {}}], "actions": actions}


async def prepare(condition: str, trigger: str) -> dict[str, Any]:
    """The business, its API key and the published flow."""
    from jewelia.core.db import stop_db
    from jewelia.platform.accounts.service import signup
    from jewelia.platform.apikeys.service import create_key
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.builder import service as flows

    await common.open_database()
    try:
        owner, tenant = await signup(
            "Flow Bench Jewelers",
            "Fio Bench",
            "owner@flowbench.example",
            "Sparkle-Gems-2026!",
            "enterprise",
            verified=True,
        )
        key = await create_key(tenant.id, "bench", ["read", "write"], owner.id)
        made = await flows.create_flow(
            tenant.ref,
            Actor.system("bench"),
            {
                "name": "New customer from the shop",
                "description": "",
                "configuration": definition(condition, trigger),
                "isActive": True,
            },
        )
    finally:
        await stop_db()
    hook = made.get("webhook") or {}
    return {
        "key": key.secret,
        "flow_id": str(made["id"]),
        "tenant": tenant.ref,
        "hook_path": hook["url"].split("/api/v1/", 1)[1] if hook else None,
        "hook_secret": hook.get("secret"),
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
            fields = raw[raw.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, ValueError, IndexError):
            pass
    return total


def _group_pids(pgid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _service_pids(data_dir: Path) -> list[int]:
    """This installation's PostgreSQL (the postmaster and its backends) and Redis."""
    roots, parents = set(), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat[stat.rindex(")") + 2 :].split()[1])
        if str(data_dir).encode() in cmdline:
            roots.add(pid)
    return sorted(p for p in parents if p in roots or parents[p] in roots)


def _machine_busy() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]]
    return sum(values) / CLK_TCK


def start(
    args: Any, log_dir: Path, tree: str | None = None
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], str]:
    """`jewelia serve` and `jewelia worker`, both in their own process groups (the `jewelia`
    package of `tree` first on their path when given); the base URL."""
    import httpx

    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = str(Path(tree).resolve())
    port = _free_port()
    serve_args = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(args.serve_workers)]
    worker_args = ["--processes", str(args.processes), "--threads", str(args.threads)]
    serve = subprocess.Popen(
        [common.JEWELIA_BIN, "serve", *serve_args],
        cwd=common.ROOT,
        stdout=(log_dir / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    worker = subprocess.Popen(
        [common.JEWELIA_BIN, "worker", *worker_args],
        cwd=common.ROOT,
        stdout=(log_dir / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if serve.poll() is not None:
            raise RuntimeError(f"jewelia serve exited: {(log_dir / 'serve.log').read_text()}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return serve, worker, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("jewelia serve not ready")


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        with_group = True
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            with_group = False
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            if with_group:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class RawClient:
    """A minimal HTTP/1.1 client over kept-alive loopback connections: at 300 requests/s
    httpx alone spent ~9 ms of CPU per request, more than the server it was measuring."""

    def __init__(self, url: str, connections: int) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = (
            asyncio.Queue()
        )
        for _ in range(connections):
            self.free.put_nowait(None)  # opened on first use

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST and read the whole answer (Content-Length bodies only); (status, body)."""
        conn = await self.free.get()
        try:
            if conn is None:
                conn = await asyncio.open_connection(self.host, self.port)
            reader, writer = conn
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
                f"{head}\r\n".encode()
                + body
            )
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("connection closed by the server")
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and "close" in value.lower():
                    close = True
            answer = await reader.readexactly(length)
            if close:
                writer.close()
                conn = None
            return int(status_line.split()[1]), answer
        except BaseException:
            if conn is not None:
                conn[1].close()
            conn = None
            raise
        finally:
            self.free.put_nowait(conn)

    async def close(self) -> None:
        while not self.free.empty():
            conn = self.free.get_nowait()
            if conn is not None:
                conn[1].close()


async def load(url: str, seed: dict[str, Any], rate: float, seconds: float) -> dict[str, Any]:
    """Send rate/20 run requests every 50 ms for `seconds`; each run's send time."""
    from jewelia.tenants.webhooks import signing

    per_tick, tick = max(1, round(rate / 20)), 0.05
    sent: dict[str, float] = {}
    refused: list[str] = []
    hook = seed["hook_path"]
    path = f"/api/v1/{hook}" if hook else f"/api/v1/integrations/builder/{seed['flow_id']}/run"
    base = {"Content-Type": "application/json"}
    if not hook:
        base["Authorization"] = f"Bearer {seed['key']}"
    client = RawClient(url, 64)

    async def one(n: int) -> None:
        payload = {
            "name": f"Bench Customer {n}",
            "email": f"c{n}-{uuid.uuid4().hex[:6]}@flowbench.example",
            "amount": 100 + n % 50,
        }
        at = time.time()
        if hook:  # the sender signs its own body (its cost is the client's, not ours)
            raw = json.dumps(payload).encode()
            headers = signing.signed_headers(
                [seed["hook_secret"]], f"msg_{uuid.uuid4().hex}", int(at), raw
            )
        else:
            raw, headers = json.dumps({"payload": payload}).encode(), base
        try:
            status, answer = await client.post(path, raw, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            refused.append(repr(exc))
            return
        if status not in (200, 202):
            refused.append(f"{status} {answer[:200]!r}")
            return
        sent[json.loads(answer)["data"]["run_id"]] = at

    tasks: list[asyncio.Task[None]] = []
    start_at = time.monotonic()
    n, total = 0, round(rate * seconds)
    while n < total:  # exactly rate x seconds requests, however late a tick wakes
        due = int(rate * (time.monotonic() - start_at + tick)) if rate * tick % 1 else n + per_tick
        due = min(due, total)
        for _ in range(max(0, due - n)):  # a fractional rate/20 (50/s) is kept over the ticks
            tasks.append(asyncio.create_task(one(n)))
            n += 1
        ticks = (time.monotonic() - start_at) / tick
        await asyncio.sleep(max(0.0, (int(ticks) + 1) * tick - (time.monotonic() - start_at)))
    last_send = time.time()
    await asyncio.gather(*tasks)
    await client.close()
    return {"sent": sent, "refused": refused, "offered": n, "last_send": last_send}


async def outcomes(tenant: Any, run_ids: list[str], wait: float) -> dict[str, Any]:
    """Wait up to `wait` seconds for the runs to finish; their status and finish times."""
    from jewelia.core.db import fetch, start_db, stop_db, tenant_scope

    await start_db(os.environ["DATABASE_URL"])
    ids = [uuid.UUID(r) for r in run_ids]
    try:
        deadline = time.monotonic() + wait
        while True:
            async with tenant_scope(tenant):
                left = await fetch(
                    "SELECT count(*) AS n FROM flow_run WHERE id = ANY($1::uuid[])"
                    " AND status IN ('queued', 'running')",
                    ids,
                )
            if left[0]["n"] == 0 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        async with tenant_scope(tenant):
            rows = await fetch(
                "SELECT id::text AS id, status, extract(epoch FROM created_at) AS created,"
                " extract(epoch FROM started_at) AS started,"
                " extract(epoch FROM finished_at) AS finished"
                " FROM flow_run WHERE id = ANY($1::uuid[])",
                ids,
            )
            made = await fetch(
                "SELECT count(*) AS n FROM customer WHERE email LIKE '%@flowbench.example'"
            )
            steps = await fetch(
                "SELECT count(*) AS n FROM flow_run_step WHERE run_id = ANY($1::uuid[])", ids
            )
    finally:
        await stop_db()
    return {
        "runs": {r["id"]: r for r in rows},
        "customers": made[0]["n"],
        "steps": steps[0]["n"],
    }


async def analyze() -> None:
    """ANALYZE the new database once the warm-up has filled its tables: the statistics a
    running installation has (autovacuum's first look at a new database comes after a
    minute; until then the dispatcher's query on the outbox, planned on an empty table, reads
    the whole table each time)."""
    import asyncpg

    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def measure(args: Any, url: str, seed: dict[str, Any], pids: list[int], seconds: float) -> Any:
    """One load phase: requests, then the runs' outcomes and the CPU spent."""
    cpu0, busy0 = _cpu_seconds(pids), _machine_busy()
    began = time.time()
    sent = asyncio.run(load(url, seed, args.rate, seconds))
    done = asyncio.run(outcomes(seed["tenant"], list(sent["sent"]), 120))
    cpu, busy = _cpu_seconds(pids) - cpu0, _machine_busy() - busy0
    return began, sent, done, cpu, busy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="builder run throughput")
    parser.add_argument("--rate", type=float, default=RATE_TARGET, help="runs started per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up at rate/4")
    parser.add_argument("--condition", choices=("branch", "if"), default="branch")
    parser.add_argument("--trigger", choices=("api_call", "webhook"), default="api_call")
    parser.add_argument("--serve-workers", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    parser.add_argument("--sweep", action="store_true", help="offered-rate sweep, then --rate")
    parser.add_argument("--sweep-rates", default="50,100,150,200,300")
    parser.add_argument("--sweep-seconds", type=float, default=20.0)
    parser.add_argument("--compare", help="a tree (git archive of jewelia/) to alternate with")
    parser.add_argument("--tree", help="run serve and worker from this tree's jewelia/")
    parser.add_argument("--pairs", type=int, default=2, help="--compare: phases per tree")
    parser.add_argument("--profile", help="a folder for py-spy samples of serve and worker")
    parser.add_argument("--gil", action="store_true", help="py-spy: only threads holding the GIL")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    parser.add_argument(
        "--no-analyze", action="store_true", help="no ANALYZE after the warm-up (a new database)"
    )
    args = parser.parse_args(argv)

    if args.compare:
        return compare(args)
    with common.installation() as data_dir:
        common.log("seeding: business, API key, flow (published)")
        seed = asyncio.run(prepare(args.condition, args.trigger))
        serve, worker, url = start(args, data_dir, args.tree)
        try:
            time.sleep(3)  # the worker's processes import and connect
            common.log(f"warm-up: {args.rate / 4:.0f} runs/s for {args.warmup:.0f} s")
            rate = args.rate
            args.rate = rate / 4
            measure(args, url, seed, [], args.warmup)
            if not args.no_analyze:
                asyncio.run(analyze())
            args.rate = rate
            rows = []
            if args.sweep:
                full = args.seconds
                for r in [float(x) for x in args.sweep_rates.split(",")]:
                    args.rate, args.seconds = r, args.sweep_seconds
                    common.log(f"sweep: {r:.0f} runs/s for {args.sweep_seconds:.0f} s")
                    began, sent, done, _, _ = measure(args, url, seed, [], args.sweep_seconds)
                    rows.append(summarize(began, sent, done) | {"rate": r, "seconds": args.seconds})
                args.rate, args.seconds = rate, full
            common.log(f"load: {args.rate:.0f} runs/s for {args.seconds:.0f} s")
            began, sent, done, busy, cpu = phase(args, url, seed, serve, worker, data_dir)
        finally:
            stop(serve, worker)
    result = report(args, began, sent, done, busy, cpu)
    if args.sweep:
        rows.append(summarize(began, sent, done) | {"rate": args.rate, "seconds": args.seconds})
        sweep_table(rows)
    return result


def phase(
    args: Any,
    url: str,
    seed: dict[str, Any],
    serve: subprocess.Popen[bytes],
    worker: subprocess.Popen[bytes],
    data_dir: Path,
) -> tuple[float, dict[str, Any], dict[str, Any], float, dict[str, float]]:
    """One measured load phase with the CPU of each process group (py-spy samples of serve
    and worker into --profile when given)."""
    pids = {
        "serve": _group_pids(serve.pid),
        "worker": _group_pids(worker.pid),
        "db": _service_pids(data_dir),
    }
    spies = []
    if args.profile:
        out = Path(args.profile)
        out.mkdir(parents=True, exist_ok=True)
        for name, proc in (("serve", serve), ("worker", worker)):
            spies.append(
                subprocess.Popen(
                    [
                        *(args.py_spy, "record", "--subprocesses", "--format", "raw", "-r", "200"),
                        *(("--gil",) if args.gil else ()),
                        *("-d", str(int(args.seconds)), "-o", str(out / f"{name}.txt")),
                        *("-p", str(proc.pid)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
    cpu0 = {k: _cpu_seconds(v) for k, v in pids.items()}
    client0 = time.process_time()
    began, sent, done, _, busy = measure(args, url, seed, [], args.seconds)
    cpu = {k: _cpu_seconds(v) - cpu0[k] for k, v in pids.items()}
    cpu["client"] = time.process_time() - client0
    for spy in spies:
        spy.wait(timeout=60)
    return began, sent, done, busy, cpu


def compare(args: Any) -> int:
    """The current tree and --compare's tree in turns (A B B A A B ...) in one installation:
    each phase starts its own serve and worker; a row of CPU per run per phase."""
    rows: list[tuple[str, dict[str, float], dict[str, Any]]] = []
    with common.installation() as data_dir:
        common.log("seeding: business, API key, flow (published)")
        seed = asyncio.run(prepare(args.condition, args.trigger))
        for n in range(args.pairs * 2):
            tree = args.compare if n % 4 in (1, 2) else None
            name = "compare" if tree else "current"
            serve, worker, url = start(args, data_dir, tree)
            try:
                time.sleep(3)
                rate = args.rate
                args.rate = rate / 4
                measure(args, url, seed, [], args.warmup)
                if not args.no_analyze:
                    asyncio.run(analyze())
                args.rate = rate
                common.log(f"{name}: {args.rate:.0f} runs/s for {args.seconds:.0f} s")
                began, sent, done, _, cpu = phase(args, url, seed, serve, worker, data_dir)
            finally:
                stop(serve, worker)
            summary = summarize(began, sent, done)
            per_run = {k: v * 1000 / max(summary["succeeded"], 1) for k, v in cpu.items()}
            rows.append((name, per_run, summary | {"load": common.load_average()}))
            common.log(f"{name}: {per_run} {summary['throughput']:.1f} runs/s")
    print()
    print(
        f"Compare on {common.machine()}: {args.rate:.0f} runs/s offered for {args.seconds:.0f} s"
        f" per phase; current = this tree, compare = {args.compare}"
    )
    print(
        "| phase | tree | runs/s | p50 / p99 ms | CPU per run ms: serve / worker / PG+Redis"
        " / client / total | load |"
    )
    print("|---|---|---|---|---|---|")
    for n, (name, c, r) in enumerate(rows):
        total = c["serve"] + c["worker"] + c["db"]
        q = r["q"]
        print(
            f"| {n + 1} | {name} | {r['throughput']:.1f} | {q.get(0.5, 0):.0f} /"
            f" {q.get(0.99, 0):.0f} | {c['serve']:.2f} / {c['worker']:.2f} / {c['db']:.2f} /"
            f" {c['client']:.2f} / {total:.2f} | {r['load']} |"
        )
    for name in ("current", "compare"):
        mine = [c for t, c, _ in rows if t == name]
        med = {k: statistics.median(c[k] for c in mine) for k in ("serve", "worker", "db")}
        print(
            f"{name}: median CPU per run serve {med['serve']:.2f}, worker {med['worker']:.2f},"
            f" PG+Redis {med['db']:.2f}, sum of medians {sum(med.values()):.2f} ms"
        )
    return 0


def summarize(began: float, sent: dict[str, Any], done: dict[str, Any]) -> dict[str, Any]:
    """Achieved runs/s, trigger-to-finish percentiles (ms), drain time and pass for one phase."""
    runs = done["runs"]
    latencies, succeeded = [], 0
    for run_id, at in sent["sent"].items():
        row = runs.get(run_id)
        if row and row["status"] == "succeeded" and row["finished"] is not None:
            succeeded += 1
            latencies.append(float(row["finished"]) - at)
    finishes = [float(r["finished"]) for r in runs.values() if r["finished"] is not None]
    last = max(finishes, default=sent["last_send"])
    q = {p: common.percentile(latencies, p) * 1000 for p in (0.5, 0.95, 0.99)} if latencies else {}
    drained = last - sent["last_send"]
    ok = succeeded == sent["offered"] and drained < 2 and bool(q) and q[0.99] < P99_TARGET_MS
    return {
        "offered": sent["offered"],
        "succeeded": succeeded,
        "throughput": sustained(began, sent, runs),
        "drained": drained,
        "q": q,
        "ok": ok,
    }


def sustained(began: float, sent: dict[str, Any], runs: dict[str, Any]) -> float:
    """Runs finished per second from the first second's end to the last request: the rate
    the system kept up with while the load lasted (runs still finishing after the last request
    count in the drain time instead)."""
    since, span = began + 1.0, sent["last_send"] - began - 1.0
    finished = sum(
        1
        for r in runs.values()
        if r["status"] == "succeeded"
        and r["finished"] is not None
        and since <= float(r["finished"]) <= sent["last_send"]
    )
    return finished / span if span > 0 else 0.0


def sweep_table(rows: list[dict[str, Any]]) -> None:
    """One line per offered rate and the highest rate sustained with p99 < 1 s."""
    print()
    print(f"Offered-rate sweep on {common.machine()}; load average {common.load_average()}")
    print(
        "| offered | seconds | runs (ok/offered) | achieved runs/s | p50 / p95 / p99 ms"
        " | drained s | p99 < 1 s, all done |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        q = r["q"]
        print(
            f"| {r['rate']:.0f}/s | {r['seconds']:.0f} | {r['succeeded']:,}/{r['offered']:,}"
            f" | {r['throughput']:.1f} | {q.get(0.5, 0):.0f} / {q.get(0.95, 0):.0f} /"
            f" {q.get(0.99, 0):.0f} | {r['drained']:.2f} | {'yes' if r['ok'] else 'no'} |"
        )
    best = max((r["rate"] for r in rows if r["ok"]), default=None)
    print(
        f"highest offered rate sustained with p99 < 1 s: {best:.0f} runs/s"
        if best is not None
        else "no offered rate sustained with p99 < 1 s"
    )


def report(
    args: Any,
    began: float,
    sent: dict[str, Any],
    done: dict[str, Any],
    busy: float,
    cpu: dict[str, float],
) -> int:
    runs = done["runs"]
    latencies, statuses = [], {}
    for run_id, at in sent["sent"].items():
        row = runs.get(run_id)
        status = row["status"] if row else "missing"
        statuses[status] = statuses.get(status, 0) + 1
        if row and row["finished"] is not None and status == "succeeded":
            latencies.append(float(row["finished"]) - at)
    finishes = [float(r["finished"]) for r in runs.values() if r["finished"] is not None]
    last = max(finishes, default=sent["last_send"])
    window = last - began
    succeeded = statuses.get("succeeded", 0)
    throughput = succeeded / window if window > 0 else 0.0
    rate = sustained(began, sent, runs)
    drained = last - sent["last_send"]
    q = {p: common.percentile(latencies, p) * 1000 for p in (0.5, 0.95, 0.99)} if latencies else {}
    queue_wait = [
        float(r["started"]) - float(r["created"]) for r in runs.values() if r["started"] is not None
    ]
    exec_time = [
        float(r["finished"]) - float(r["started"])
        for r in runs.values()
        if r["started"] is not None and r["finished"] is not None
    ]
    print()
    print(
        f"Builder throughput on {common.machine()}: {args.rate:.0f} runs/s offered for"
        f" {args.seconds:.0f} s through"
        f" {'the signed webhook URL' if args.trigger == 'webhook' else 'POST .../run (api_call)'},"
        f" condition as {args.condition},"
        f" serve --workers {args.serve_workers}, worker --processes {args.processes}"
        f" --threads {args.threads}; load average {common.load_average()}"
    )
    print(
        f"requests {sent['offered']:,}; accepted {len(sent['sent']):,}; refused"
        f" {len(sent['refused'])} {sent['refused'][:3]}; runs {statuses};"
        f" customers created {done['customers']:,} (warm-up included); steps {done['steps']:,}"
    )
    print(
        f"sustained {rate:,.1f} runs/s (finished per second while the load lasted, first second"
        f" left out), {throughput:,.1f} runs/s from the first request to the last finish; drained"
        f" {drained:.2f} s after the last request; trigger->finish p50 {q.get(0.5, 0):.0f} ms,"
        f" p95 {q.get(0.95, 0):.0f} ms, p99 {q.get(0.99, 0):.0f} ms"
    )
    if queue_wait and exec_time:
        print(
            f"created->claimed p50 {common.percentile(queue_wait, 0.5) * 1000:.0f} ms, p99"
            f" {common.percentile(queue_wait, 0.99) * 1000:.0f} ms; claimed->finished p50"
            f" {common.percentile(exec_time, 0.5) * 1000:.0f} ms, p99"
            f" {common.percentile(exec_time, 0.99) * 1000:.0f} ms"
        )
    per_run = 1000 / max(succeeded, 1)
    print(
        f"CPU per run (ms): serve {cpu['serve'] * per_run:.2f},"
        f" worker {cpu['worker'] * per_run:.2f}, PostgreSQL and Redis {cpu['db'] * per_run:.2f},"
        f" this client {cpu['client'] * per_run:.2f}; machine busy {busy / window:.2f} of"
        f" {os.cpu_count()} cores during the load"
        if window > 0
        else ""
    )
    checks = [
        (
            f"{RATE_TARGET:.0f} runs/s offered for {args.seconds:.0f} s kept up with: every"
            " run succeeded, drained < 2 s after the last request",
            sent["offered"] >= RATE_TARGET * args.seconds
            and succeeded == sent["offered"]
            and drained < 2,
        ),
        (
            f"trigger->finish p99 < {P99_TARGET_MS:.0f} ms",
            bool(q) and q[0.99] < P99_TARGET_MS,
        ),
    ]
    timeline(began, sent, runs)
    for name, ok in checks:
        print(f"[{'PASS' if ok else 'FAIL'}] {name}")
    return 0 if all(ok for _, ok in checks) else 1


def timeline(began: float, sent: dict[str, Any], runs: dict[str, Any], step: float = 5.0) -> None:
    """Per `step` seconds of the load: runs sent, runs finished, and trigger-to-finish p50/p99
    of the runs sent then (where a phase falls behind shows as a rising p99)."""
    buckets: dict[int, list[float]] = {}
    finished: dict[int, int] = {}
    for run_id, at in sent["sent"].items():
        row = runs.get(run_id)
        lat = float(row["finished"]) - at if row and row["finished"] is not None else float("inf")
        buckets.setdefault(int((at - began) // step), []).append(lat)
    for r in runs.values():
        if r["finished"] is not None:
            b = int((float(r["finished"]) - began) // step)
            finished[b] = finished.get(b, 0) + 1
    print(f"timeline ({step:.0f} s buckets): sent / finished / p50 / p99 ms of the runs sent")
    for b in range(max(list(buckets) + list(finished), default=-1) + 1):
        lats = buckets.get(b, [])
        p50 = common.percentile(lats, 0.5) * 1000 if lats else 0
        p99 = common.percentile(lats, 0.99) * 1000 if lats else 0
        print(f"  {b * step:5.0f}s {len(lats):6,} {finished.get(b, 0):6,} {p50:8.0f} {p99:8.0f}")


if __name__ == "__main__":
    sys.exit(main())
