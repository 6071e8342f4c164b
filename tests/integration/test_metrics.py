"""/metrics: Prometheus text behind a bearer token (issue 16)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from jewelia.core import metrics
from jewelia.core.settings import reset_settings
from tests.conftest import _free_port
from tests.webhook_receiver import Receiver

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def metrics_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("JEWELIA_METRICS_TOKEN", TOKEN)
    reset_settings()
    yield TOKEN
    monkeypatch.delenv("JEWELIA_METRICS_TOKEN")
    reset_settings()


def _samples(text: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


async def test_metrics_absent_without_a_configured_token(client: Any) -> None:
    reset_settings()
    resp = await client.get("/metrics", headers={"Authorization": "Bearer anything"})
    assert resp.status_code == 404


async def test_metrics_refuses_without_or_with_a_wrong_token(
    client: Any, metrics_token: str
) -> None:
    resp = await client.get("/metrics")
    assert resp.status_code == 401
    assert resp.json()["code"] == "AUTHENTICATION_ERROR"
    assert resp.headers["x-content-type-options"] == "nosniff"
    for header in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN):
        resp = await client.get("/metrics", headers={"Authorization": header})
        assert resp.status_code == 401, header
    assert "jewelia_http" not in resp.text


async def test_metrics_by_route_template_queues_pool(
    client: Any, api: Any, metrics_token: str
) -> None:
    created = await api.post(
        "/customers", json={"full_name": "Mia Metric", "email": "mia-metric@example.com"}
    )
    assert created.status_code == 201, created.text
    customer_id = created.json()["data"]["id"]
    assert (await api.get(f"/customers/{customer_id}")).status_code == 200
    await metrics.count_outcome("webhook_delivery", ["succeeded", "failed"])

    resp = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in resp.headers
    assert customer_id not in resp.text  # ids never become labels
    samples = _samples(resp.text)

    requests = samples["jewelia_http_requests_total"]
    # earlier tests in the session may have counted other statuses on the same route
    got = [
        s
        for s in requests
        if s.labels["method"] == "GET"
        and s.labels["route"] == "/api/v1/customers/{customer_id}"
        and s.labels["status"] == "2xx"
    ]
    assert got and got[0].value >= 1
    assert any(
        s.labels["method"] == "POST" and s.labels["route"] == "/api/v1/customers" for s in requests
    )
    assert "jewelia_http_request_duration_seconds_bucket" in samples

    depth = {(s.labels["queue"], s.labels["state"]) for s in samples["jewelia_queue_depth"]}
    for queue in ("default", "webhooks", "builder", "inbound", "transfer", "payouts"):
        assert (queue, "ready") in depth and (queue, "delayed") in depth

    pool = {s.labels["state"]: s.value for s in samples["jewelia_db_pool_connections"]}
    assert set(pool) == {"size", "in_use", "idle", "max"}
    assert pool["size"] == pool["in_use"] + pool["idle"] and pool["size"] >= 1

    delivered = {s.labels["outcome"] for s in samples["jewelia_webhook_deliveries_total"]}
    assert {"succeeded", "failed"} <= delivered


def test_metrics_across_serve_workers(db: None) -> None:
    """`jewelia serve --workers 2`: any process answers a scrape with every process's requests."""
    port = _free_port()
    env = {
        **os.environ,
        "JEWELIA_METRICS_TOKEN": TOKEN,
        "JEWELIA_PORT": str(port),
        "JEWELIA_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            time.sleep(0.3)
        for _ in range(20):  # new connections: both processes answer some
            assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for _ in range(3):
            resp = httpx.get(f"{url}/metrics", headers=auth, timeout=5)
            assert resp.status_code == 200
            health = [
                s
                for s in _samples(resp.text)["jewelia_http_requests_total"]
                if s.labels["route"] == "/health"
            ]
            assert sum(s.value for s in health) >= 20
        assert httpx.get(f"{url}/metrics", timeout=5).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def test_worker_webhook_outcomes_reach_metrics(
    client: Any, api: Any, worker: Any, metrics_token: str
) -> None:
    """A delivery the worker process makes is counted by outcome in the next scrapes."""
    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def delivered() -> float:
        resp = await client.get("/metrics", headers=auth)
        found = _samples(resp.text).get("jewelia_webhook_deliveries_total", [])
        return sum(s.value for s in found if s.labels["outcome"] == "succeeded")

    before = await delivered()
    with Receiver() as receiver:
        made = await api.post("/webhooks", json={"url": receiver.url("/hook"), "events": ["*"]})
        assert made.status_code == 201, made.text
        created = await api.post(
            "/customers", json={"full_name": "Wes Worker", "email": "wes-metric@example.com"}
        )
        assert created.status_code == 201, created.text
        for _ in range(150):
            if await delivered() > before:
                break
            await asyncio.sleep(0.2)
        assert receiver.received
    assert await delivered() > before


async def test_worker_builder_runs_reach_metrics(
    client: Any, api: Any, app: Any, worker: Any, metrics_token: str
) -> None:
    """A builder run the worker closes is counted by its status in the next scrapes."""
    from tests.integration.test_builder_runs_api import BASE, finished, make_flow

    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def succeeded() -> float:
        resp = await client.get("/metrics", headers=auth)
        found = _samples(resp.text).get("jewelia_builder_runs_total", [])
        return sum(s.value for s in found if s.labels["status"] == "succeeded")

    before = await succeeded()
    flow_id = await make_flow(
        api, [{"id": "shape", "type": "transform", "config": {"output": '{"n": 1}'}}]
    )
    started = await api.post(f"{BASE}/{flow_id}/run", json={"payload": {}})
    assert started.status_code == 202, started.text
    assert (await finished(api, started.json()["data"]["run_id"]))["status"] == "succeeded"
    for _ in range(50):  # the worker writes its counts at most once a second
        if await succeeded() > before:
            break
        await asyncio.sleep(0.2)
    assert await succeeded() > before
