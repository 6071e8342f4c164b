"""Benchmark: what the Prometheus request middleware (jewelia/core/metrics.py) costs a request.

    .venv/bin/python bench/metrics_middleware.py            # ~2 s
    .venv/bin/python bench/metrics_middleware.py --samples 50000

Target (issue 16, "the request middleware must be cheap"): under 0.05 ms per request, in both
modes: one process (plain counters) and prometheus-client's multiprocess mode (mmap files, as
`jewelia serve --workers N` runs it; measured in a child process with PROMETHEUS_MULTIPROC_DIR
set, since the mode is chosen when prometheus-client is imported). No database, Redis or HTTP:
an ASGI call of a handler that answers at once, with and without the middleware, over 8 route
templates; the difference of the medians of 20 rounds is the middleware's cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
TARGET_MS = 0.05


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def _send(message: Any) -> None:
    return None


async def _receive() -> Any:
    return {"type": "http.request", "body": b""}


async def _round(app: Any, scopes: list[dict[str, Any]], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        await app(dict(scopes[i % len(scopes)]), _receive, _send)
    return (time.perf_counter() - start) / n * 1000


async def measure(samples: int) -> dict[str, float]:
    """Per-request ms with and without the middleware (medians of 20 rounds)."""
    from jewelia.core.metrics import metrics_middleware

    wrapped = metrics_middleware(_app)
    scopes = [
        {
            "type": "http",
            "method": m,
            "path": f"/api/v1/r{i}/x",
            "path_template": f"/api/v1/r{i}/{{id}}",
        }
        for i in range(4)
        for m in ("GET", "POST")
    ]
    await _round(wrapped, scopes, 2000)  # warm: label children created
    bare, with_mw = [], []
    for _ in range(20):
        bare.append(await _round(_app, scopes, samples // 20))
        with_mw.append(await _round(wrapped, scopes, samples // 20))
    b, w = statistics.median(bare), statistics.median(with_mw)
    return {"bare_ms": b, "with_ms": w, "cost_ms": w - b}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(args.samples))))
        return 0
    single = asyncio.run(measure(args.samples))
    with tempfile.TemporaryDirectory(prefix="jewelia-bench-metrics-") as tmp:
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--samples", str(args.samples)],
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": tmp},
            capture_output=True,
            text=True,
            check=True,
        )
        multi = json.loads(out.stdout.strip().splitlines()[-1])
    ok = True
    for name, r in (("one process", single), ("multiprocess mode", multi)):
        passed = r["cost_ms"] < TARGET_MS
        ok &= passed
        print(
            f"{name}: {r['cost_ms'] * 1000:.1f} us per request"
            f" (bare {r['bare_ms'] * 1000:.1f} us, with {r['with_ms'] * 1000:.1f} us)"
            f" target < {TARGET_MS * 1000:.0f} us: {'pass' if passed else 'MISS'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
