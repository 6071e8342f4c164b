"""Benchmark: real-time stream fan-out, 1,000 WebSocket clients of one business.

    .venv/bin/python bench/stream_fanout.py                     # 1,000 clients, 10 events/s, 10 s
    .venv/bin/python bench/stream_fanout.py --clients 2000 --rate 20

A throw-away installation (embedded PostgreSQL and Redis, all migrations), one business with
`--clients` WebSocket clients subscribed to `*` and three other businesses with 10 clients
each. The server runs as an operator runs it (`jewelia serve`, one uvicorn process) and so does
the worker (`jewelia worker --processes 1`), whose dispatcher publishes committed events.

This process is the application and every client: one asyncio loop holding all the sockets
(`websockets` on uvloop, per-message deflate off). It commits one event per transaction through the real
`outbox.emit()` at `--rate` per second, to the main business and, one in four, to another
business, noting each commit time; each client notes when each event arrives. Latency is
commit -> received by a client, over every (client, event) pair. Target: p99 < 100 ms. Every
client must receive every event of its own business, in order, and none of another's.
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

P99_TARGET_MS = 100.0
OTHERS = 3
OTHER_CLIENTS = 10


def _cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of a process group's live processes (from /proc)."""
    pids = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout
    total = 0.0
    for pid in pids.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _setup() -> list[tuple[Any, str]]:
    """The main business and the others: (tenant ref, API key secret)."""
    from jewelia.core.db import DB
    from jewelia.platform.apikeys.service import create_key
    from jewelia.platform.tenancy.registry import provision_tenant

    await common.open_database()
    out = []
    for i in range(1 + OTHERS):
        async with DB.transaction():
            tenant = await provision_tenant(f"Bench Stream {i}", plan="enterprise", use_pool=False)
        key = await create_key(tenant.id, "bench", ["read"])
        out.append((tenant.ref, key.secret))
    return out


class Client:
    """One WebSocket client: the raw messages it got, with their arrival times."""

    def __init__(self, business: int) -> None:
        self.business = business
        self.got: list[tuple[float, str]] = []
        self.closed: str | None = None

    async def run(self, url: str, key: str, ready: asyncio.Event, stop: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        async with connect(
            url,
            additional_headers={"Authorization": f"Bearer {key}"},
            compression=None,
            open_timeout=120,
            ping_interval=None,
        ) as ws:
            await ws.send(json.dumps({"type": "subscribe", "events": ["*"]}))
            assert json.loads(await ws.recv())["type"] == "subscribed"
            ready.set()
            receiving = asyncio.create_task(self._receive(ws))
            await stop.wait()
            receiving.cancel()

    async def _receive(self, ws: Any) -> None:
        try:
            async for message in ws:
                self.got.append((time.time(), message))
        except Exception as exc:  # reported, not raised: one client's failure is a result
            self.closed = repr(exc)


async def _commit(tenants: list[tuple[Any, str]], rate: int, seconds: float) -> dict[str, Any]:
    """One event per transaction at `rate`/s; every fourth to another business."""
    from jewelia.core.db import tenant_scope
    from jewelia.tenants.webhooks.outbox import emit

    committed: dict[str, tuple[int, float]] = {}
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        business = 0 if n % 4 else 1 + (n // 4) % OTHERS
        key = f"e{n}"
        async with tenant_scope(tenants[business][0]):
            await emit("customer.created", {"id": key, "full_name": f"C {n}"})
        committed[key] = (business, time.time())
        n += 1
        await asyncio.sleep(max(0.0, n / rate - (time.monotonic() - start)))
    return committed


async def _measure(args: Any, port: int) -> tuple[Any, ...]:
    tenants = await _setup()
    env = {**os.environ, "JEWELIA_PORT": str(port), "JEWELIA_BASE_URL": f"http://127.0.0.1:{port}"}
    serve = ["serve", "--port", str(port), "--workers", str(args.workers)]
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
        [sys.executable, "-m", "jewelia.cli", *serve],
        cwd=common.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "jewelia.cli", "worker", "--processes", "1", "--threads", "4"],
        cwd=common.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    stop = asyncio.Event()
    clients: list[Client] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2):  # noqa: ASYNC210
                    break
            except OSError:
                await asyncio.sleep(0.2)
        url = f"ws://127.0.0.1:{port}/api/v1/stream"
        plan = [0] * args.clients + [b for b in range(1, 1 + OTHERS) for _ in range(OTHER_CLIENTS)]
        common.log(f"connecting {len(plan)} WebSocket clients")
        connect_start = time.monotonic()
        for start in range(0, len(plan), 100):  # in waves, so the listen backlog holds
            readies = []
            for business in plan[start : start + 100]:
                client, ready = Client(business), asyncio.Event()
                clients.append(client)
                readies.append(ready)
                tasks.append(
                    asyncio.create_task(client.run(url, tenants[business][1], ready, stop))
                )
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        connect_seconds = time.monotonic() - connect_start
        common.log(f"connected in {connect_seconds:.1f}s; warm-up")
        await _commit(tenants, 20, 1.0)
        await asyncio.sleep(3)
        for c in clients:
            c.got.clear()
        common.log(f"load: {args.rate} events/s for {args.seconds:.0f}s")
        cpu = (_cpu_seconds(server.pid), time.process_time())
        committed = await _commit(tenants, args.rate, args.seconds)
        await asyncio.sleep(3)  # the last events arrive
        cpus = (_cpu_seconds(server.pid) - cpu[0], time.process_time() - cpu[1])
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for proc in (server, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return committed, clients, connect_seconds, cpus


def _report(
    args: Any,
    committed: dict[str, Any],
    clients: list[Client],
    connect: float,
    cpus: tuple[float, float],
) -> int:
    latencies: list[float] = []
    by_event: dict[str, list[float]] = {}
    missing = wrong = disorder = 0
    for client in clients:
        keys = []
        for at, raw in client.got:
            message = json.loads(raw)
            if message["type"] != "event":
                continue
            key = message["data"]["id"]
            if key not in committed:
                continue  # warm-up
            business, commit_at = committed[key]
            if business != client.business:
                wrong += 1
                continue
            keys.append(key)
            if client.business == 0:
                latencies.append(at - commit_at)
                by_event.setdefault(key, []).append(at - commit_at)
        expected = [k for k, (b, _) in committed.items() if b == client.business]
        missing += len(set(expected) - set(keys))
        disorder += keys != [k for k in expected if k in set(keys)]
    main_events = sum(1 for b, _ in committed.values() if b == 0)
    p = {q: common.percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99)}
    first = [min(v) for v in by_event.values()]
    spread = [max(v) - min(v) for v in by_event.values()]
    closed = sum(1 for c in clients if c.closed)
    print()
    print(
        f"Stream fan-out benchmark on {common.machine()}: {args.clients:,} clients of one"
        f" business + {OTHERS}x{OTHER_CLIENTS} of others, {args.rate} events/s for"
        f" {args.seconds:.0f}s ({main_events} events to the main business,"
        f" {len(committed) - main_events} to others); connected in {connect:.1f}s;"
        f" serve --workers {args.workers}"
    )
    print(
        f"deliveries measured {len(latencies):,}; missing {missing}; to the wrong business"
        f" {wrong}; clients out of order {disorder}; clients closed {closed}"
    )
    print(
        f"commit->client p50 {p[0.5]:.1f} ms, p95 {p[0.95]:.1f} ms, p99 {p[0.99]:.1f} ms,"
        f" max {max(latencies) * 1000:.1f} ms; load average {common.load_average()}"
    )
    print(
        f"per event: first client p50 {common.percentile(first, 0.5) * 1000:.1f} ms;"
        f" first to last client p50 {common.percentile(spread, 0.5) * 1000:.1f} ms,"
        f" max {max(spread) * 1000:.1f} ms"
    )
    total = sum(len(c.got) for c in clients) or 1
    print(
        f"CPU per message sent: server {cpus[0] / total * 1e6:.0f} us; this client process"
        f" (1,030 sockets, commits included) {cpus[1] / total * 1e6:.0f} us"
    )
    checks = [
        (f"commit->client p99 < {P99_TARGET_MS:.0f} ms", p[0.99] < P99_TARGET_MS),
        ("every event to every client of its business, in order", missing == disorder == 0),
        ("none to another business", wrong == 0),
    ]
    for name, ok in checks:
        print(f"[{'PASS' if ok else 'FAIL'}] {name}")
    return 0 if all(ok for _, ok in checks) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="real-time stream fan-out benchmark")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=10, help="events committed per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1, help="web server processes")
    args = parser.parse_args(argv)
    with common.installation():
        import uvloop  # as uvicorn uses it in the server

        result = uvloop.run(_measure(args, _free_port()))
    return _report(args, *result)


if __name__ == "__main__":
    sys.exit(main())
