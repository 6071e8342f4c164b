"""Benchmark: sustained webhook delivery to a local receiver with two worker processes.

    .venv/bin/python bench/webhook_delivery.py                  # 600 events/s for 20 s
    .venv/bin/python bench/webhook_delivery.py --rate 800 --seconds 30

A throw-away installation (embedded PostgreSQL and Redis, all migrations), one tenant with one
webhook endpoint subscribed to `*`, pointing at bench/webhook_receiver_app.py (uvicorn; it
checks every X-Webhook-Signature the way the contract's Flask receiver does and records each
webhook-id with its arrival time). The real worker runs as an operator runs it:
`jewelia worker --processes 2`, whose dispatcher LISTENs for committed events.

This process is the application: every 50 ms it commits one transaction with rate/20 events
through the real `outbox.emit()` (what the CRM services call) and notes each event's commit
time. Targets: deliveries per second >= 500 sustained over the run (every event delivered,
the backlog drained within 2 s of the last commit), and commit -> receiver p50 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

HERE = Path(__file__).resolve().parent
THROUGHPUT_TARGET = 500.0
P50_TARGET_MS = 100.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=30) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _group_pids(pgid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


async def _setup(receiver_url: str) -> tuple[Any, str]:
    from jewelia.platform.tenancy.registry import provision_tenant
    from jewelia.tenants.audit.service import Actor
    from jewelia.tenants.webhooks.outbound import service

    await common.open_database()
    from jewelia.core.db import DB

    async with DB.transaction():
        tenant = await provision_tenant("Bench Webhooks", plan="enterprise", use_pool=False)
    _, secret = await service.create_endpoint(
        tenant.ref, Actor("system", None, "bench"), {"url": receiver_url, "events": ["*"]}
    )
    return tenant.ref, secret


async def _load(tenant: Any, rate: int, seconds: float) -> dict[str, float]:
    """Commit rate/20 events every 50 ms; return each event's webhook-id -> commit time."""
    from jewelia.core.db import tenant_scope
    from jewelia.tenants.webhooks.outbound.delivery import message_id
    from jewelia.tenants.webhooks.outbox import emit

    per_tick, tick = max(1, rate // 20), 0.05
    committed: dict[str, float] = {}
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        ids = []
        async with tenant_scope(tenant):
            for _ in range(per_tick):
                ids.append(await emit("customer.created", {"id": str(n), "full_name": f"C {n}"}))
                n += 1
        now = time.time()
        for event_id in ids:
            committed[message_id(event_id)] = now
        n_ticks = (time.monotonic() - start) / tick
        await asyncio.sleep(max(0.0, (int(n_ticks) + 1) * tick - (time.monotonic() - start)))
    return committed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="webhook delivery benchmark")
    parser.add_argument("--rate", type=int, default=600, help="events committed per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    args = parser.parse_args(argv)

    with common.installation():
        os.environ["JEWELIA_WEBHOOK_ALLOW_PRIVATE"] = "1"  # the receiver is on 127.0.0.1
        port = _free_port()
        receiver_url = f"http://127.0.0.1:{port}/hook"
        result = asyncio.run(_measure(args, port, receiver_url))
    return _report(args, *result)


async def _measure(args: Any, port: int, receiver_url: str) -> tuple[Any, ...]:
    """Set up, start receiver and worker, warm up, load, wait for the backlog; the figures."""
    tenant, secret = await _setup(receiver_url)
    receiver = subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
        [
            sys.executable,
            str(HERE / "webhook_receiver_app.py"),
            "--port",
            str(port),
            "--secret",
            secret,
        ],
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: ASYNC220
        [
            str(common.JEWELIA_BIN),
            "worker",
            "--processes",
            str(args.processes),
            "--threads",
            str(args.threads),
        ],
        cwd=common.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        await asyncio.sleep(4)  # worker boot + receiver up
        common.log("warm-up: 200 events")
        warm = await _warm(tenant, port)
        common.log(f"warm-up delivered in {warm:.1f}s")
        baseline = len(_stats(port)["arrivals"])
        worker_pids = _group_pids(worker.pid)
        cpu_before = _cpu_seconds(worker_pids)
        common.log(f"load: {args.rate} events/s for {args.seconds:.0f}s")
        started = time.time()
        committed = await _load(tenant, args.rate, args.seconds)
        load_end = time.time()
        deadline = load_end + 60
        while time.time() < deadline:
            if len(_stats(port)["arrivals"]) - baseline >= len(committed):
                break
            await asyncio.sleep(0.2)
        cpu = _cpu_seconds(worker_pids) - cpu_before
        stats = _stats(port)
    finally:
        worker.send_signal(signal.SIGTERM)
        receiver.send_signal(signal.SIGTERM)
        for proc in (worker, receiver):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return committed, stats, started, load_end, cpu


def _report(
    args: Any,
    committed: dict[str, float],
    stats: dict[str, Any],
    started: float,
    load_end: float,
    cpu: float,
) -> int:
    arrivals: dict[str, float] = {}
    for msg_id, at in stats["arrivals"]:
        arrivals.setdefault(msg_id, at)
    latencies = [arrivals[m] - t for m, t in committed.items() if m in arrivals]
    delivered = len(latencies)
    last = max((arrivals[m] for m in committed if m in arrivals), default=load_end)
    window = last - started
    throughput = delivered / window if window > 0 else 0.0
    drained = last - load_end
    p = {q: common.percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99)} if latencies else {}
    repeats = len(stats["arrivals"]) - len(arrivals)
    print()
    print(
        f"Webhook delivery benchmark on {common.machine()}: {args.rate} events/s offered for"
        f" {args.seconds:.0f}s, worker --processes {args.processes} --threads {args.threads}"
    )
    print(
        f"events committed {len(committed):,}; delivered {delivered:,}; repeats {repeats};"
        f" bad signatures {stats['bad']}; backlog drained {drained:.2f}s after the last commit"
    )
    print(
        f"throughput {throughput:,.0f} deliveries/s (first commit to last arrival);"
        f" commit->receiver p50 {p.get(0.5, 0):.1f} ms, p95 {p.get(0.95, 0):.1f} ms,"
        f" p99 {p.get(0.99, 0):.1f} ms; worker CPU {1000 * cpu / max(delivered, 1):.2f} ms"
        f" per delivery; load average {common.load_average()}"
    )
    checks = [
        (
            f"throughput >= {THROUGHPUT_TARGET:.0f}/s, all delivered, drained < 2 s",
            throughput >= THROUGHPUT_TARGET and delivered == len(committed) and drained < 2,
        ),
        (f"commit->receiver p50 < {P50_TARGET_MS:.0f} ms", p.get(0.5, 1e9) < P50_TARGET_MS),
        ("no bad signatures", stats["bad"] == 0),
    ]
    for name, ok in checks:
        print(f"[{'PASS' if ok else 'FAIL'}] {name}")
    return 0 if all(ok for _, ok in checks) else 1


async def _warm(tenant: Any, port: int) -> float:
    start = time.monotonic()
    await _load(tenant, 2000, 0.1)
    while len(_stats(port)["arrivals"]) < 200 and time.monotonic() - start < 30:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return time.monotonic() - start


if __name__ == "__main__":
    sys.exit(main())
