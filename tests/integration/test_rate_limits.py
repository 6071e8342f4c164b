"""Tier-based hourly limits on the API, shared through Redis, failing open without it."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute
from tests.conftest import ROOT, _free_port


async def test_free_tier_counts_down_and_refuses_the_1001st(api: Any) -> None:
    first = await api.get("/customers")
    assert first.headers["x-ratelimit-limit"] == "1000"
    assert first.headers["x-ratelimit-remaining"] == "999"
    reset = int(first.headers["x-ratelimit-reset"])
    assert time.time() + 3500 < reset <= time.time() + 3602
    remaining = [int(first.headers["x-ratelimit-remaining"])]
    for _ in range(999):
        r = await api.get("/customers", params={"limit": 1})
        remaining.append(int(r.headers["x-ratelimit-remaining"]))
    assert remaining == list(range(999, -1, -1))
    refused = await api.get("/customers")
    assert refused.status_code == 429
    body = refused.json()
    assert body["success"] is False and body["error"] == "Rate limit exceeded"
    assert body["code"] == "RATE_LIMIT_EXCEEDED" and 3500 < body["retryAfter"] <= 3601
    assert refused.headers["retry-after"] == str(body["retryAfter"])
    assert refused.headers["x-ratelimit-remaining"] == "0"
    # A tier change applies to the very next request.
    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    upgraded = await api.get("/customers")
    assert upgraded.status_code == 200 and upgraded.headers["x-ratelimit-limit"] == "10000"


@pytest.fixture(scope="module")
def two_workers(db: None) -> Any:
    """`jewelia serve --workers 2`: two processes answering on one port."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


async def test_two_processes_share_one_budget(api: Any, two_workers: str) -> None:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(
        base_url=f"{two_workers}/api/v1",
        limits=limits,
        # 1,100 requests queue for 100 connections: waiting for one is not a failure.
        timeout=httpx.Timeout(60, pool=None),
        headers={"Authorization": f"Bearer {api.key}"},
    ) as c:
        statuses = await asyncio.gather(
            *(c.get("/customers", params={"limit": 1}) for _ in range(1100))
        )
    codes = [r.status_code for r in statuses]
    assert codes.count(200) == 1000 and codes.count(429) == 100


def test_redis_down_fails_open(db: None) -> None:
    """A server whose Redis dies keeps answering the API, logs it, and /ready says so."""
    from jewelia.core.embedded import EmbeddedRedis
    from jewelia.platform.accounts.service import signup  # noqa: F401 - keeps imports warm

    folder = Path(tempfile.mkdtemp(prefix="jewelia-redis-"))
    redis_server = EmbeddedRedis(folder)
    port = _free_port()
    env = {**os.environ, "REDIS_URL": redis_server.start()}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jewelia.cli",
            "tenants",
            "create",
            "--name",
            "Failopen",
            "--email",
            f"failopen-{port}@example.com",
            "--password",
            "Correct-Horse-Battery-9",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = __import__("json").loads(out.stdout)["api_key"]
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            auth = {"Authorization": f"Bearer {key}"}
            assert (
                httpx.get(f"{url}/api/v1/customers", headers=auth, timeout=10).headers[
                    "x-ratelimit-remaining"
                ]
                == "999"
            )
            redis_server.stop()
            r = httpx.get(f"{url}/api/v1/customers", headers=auth, timeout=10)
            assert r.status_code == 200
            ready = httpx.get(f"{url}/ready", timeout=10)
            assert ready.status_code == 503
            assert ready.json()["checks"]["redis"].startswith("error")
            assert ready.json()["rate_limiter"]["fail_open_count"] >= 1
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert "rate limiter unavailable, failing open" in log_path.read_text()
    shutil.rmtree(folder, ignore_errors=True)
