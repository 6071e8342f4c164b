"""Benchmark: what the rate-limit check costs per request.

    .venv/bin/python bench/ratelimit.py        # ~1 minute

Target (issue 4): under 1 ms p50 per request. Measured two ways on a throw-away installation:
  (a) the check itself, in-process: `ratelimit.check()` (one Lua script on the embedded Redis
      over its unix socket), 5,000 calls;
  (b) the API with and without the limiter in one run: two `jewelia serve` processes on the
      same database, one with JEWELIA_RATE_LIMITS=0; 2,000 sequential GET /api/v1/customers
      requests each over one keep-alive connection, interleaved in blocks of 100 so machine
      noise hits both alike. The difference of the p50s is the limiter's cost.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 1.0


async def check_cost(samples: int = 5000) -> list[float]:
    """Seconds per `ratelimit.check()` call against the embedded Redis."""
    from jewelia.platform.billing import ratelimit

    times = []
    for n in range(samples):
        start = time.perf_counter()
        await ratelimit.check([f"bench:key:{n % 10}", "bench:tenant"], 10_000_000, "bench")
        times.append(time.perf_counter() - start)
    return times


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(limits: bool) -> tuple[subprocess.Popen[bytes], str]:
    """A `jewelia serve` process with the limiter on or off."""
    port = _free_port()
    env = {**os.environ, "JEWELIA_RATE_LIMITS": "1" if limits else "0"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/jewelia"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def api_latencies(urls: dict[str, str], key: str, total: int = 2000) -> dict[str, list[float]]:
    """Sequential request latencies per server, interleaved in blocks."""
    out: dict[str, list[float]] = {name: [] for name in urls}
    clients = {
        name: httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
        for name, url in urls.items()
    }
    for client in clients.values():
        for _ in range(50):
            client.get("/api/v1/customers", params={"limit": 20})
    for _ in range(total // 100):
        for name, client in clients.items():
            for _ in range(100):
                start = time.perf_counter()
                assert client.get("/api/v1/customers", params={"limit": 20}).status_code == 200
                out[name].append(time.perf_counter() - start)
    return out


async def prepare() -> str:
    """Migrations, an enterprise business with 1,000 customers and an admin key; returns the key."""
    from jewelia.core.db import execute, stop_db, tenant_scope
    from jewelia.platform.accounts.service import signup
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key

    await common.open_database()
    _, tenant = await signup(
        "Rate Bench", "Rae Bench", "owner@ratebench.example", "Sparkle-Gems-2026!", "enterprise"
    )
    key = await create_key(tenant.id, "bench", list(PERMISSIONS))
    async with tenant_scope(tenant.ref):
        await execute(
            "INSERT INTO customer (id, full_name, email) SELECT gen_random_uuid(), 'Customer ' || n,"
            " 'c' || n || '@example.com' FROM generate_series(1, 1000) n"
        )
    await stop_db()
    return key.secret


def main() -> int:
    with common.installation():
        key = asyncio.run(prepare())

        async def in_process() -> list[float]:
            await common.open_database()
            return await check_cost()

        check = common.summary_ms(asyncio.run(in_process()))
        with_proc, with_url = serve(True)
        without_proc, without_url = serve(False)
        try:
            lat = api_latencies({"with": with_url, "without": without_url}, key)
        finally:
            for proc in (with_proc, without_proc):
                proc.terminate()
                proc.wait(timeout=20)
    on, off = common.summary_ms(lat["with"]), common.summary_ms(lat["without"])
    checks = [
        common.Check(
            "ratelimit.check() in-process, p50",
            check["p50"],
            "ms",
            TARGET_MS,
            f"p95 {check['p95']:.3f} ms, 5,000 calls",
        ),
        common.Check("API p50 with limiter", on["p50"], "ms", None, f"p95 {on['p95']:.2f} ms"),
        common.Check("API p50 without limiter", off["p50"], "ms", None, f"p95 {off['p95']:.2f} ms"),
        common.Check("API p50 difference (limiter cost)", on["p50"] - off["p50"], "ms", TARGET_MS),
    ]
    return common.report("Rate-limit check cost", checks)


if __name__ == "__main__":
    sys.exit(main())
