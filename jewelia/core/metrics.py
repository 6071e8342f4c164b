"""Prometheus metrics at /metrics: requests by route template, queues, pool, worker outcomes.

Request metrics live in the web process (prometheus-client's multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, as `jewelia serve --workers N` does); queue depths, the pool
and the outcomes that workers decide (kept as counters in one Redis hash) are read at scrape time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

from litestar import Request, get
from litestar.response import Response
from litestar.types import ASGIApp
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from jewelia.core.db import DB
from jewelia.core.errors import AuthenticationFailed, NotFound
from jewelia.core.redis_client import get_redis
from jewelia.core.settings import get_settings

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
QUEUES = ("default", "webhooks", "builder", "inbound", "transfer", "payouts")
OUTCOMES_KEY = "jewelia:metrics:outcomes"
FLUSH_SECONDS = 1.0
STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "jewelia_http_requests",
    "HTTP requests by method, route template and status class",
    ("method", "route", "status"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "jewelia_http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


def metrics_middleware(app: ASGIApp) -> ASGIApp:
    """Count and time each HTTP request by its route template (never the raw path)."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            route = scope.get("path_template") or "unmatched"
            method = scope["method"]
            REQUESTS.labels(method, route, STATUS_CLASSES.get(status // 100, "other")).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - start)

    return middleware


_pending: dict[str, int] = {}
_last_flush = 0.0
_later: set[asyncio.Task[None]] = set()


async def count_outcome(kind: str, outcomes: Iterable[str]) -> None:
    """Count worker-side outcomes (webhook deliveries, builder runs) in the shared Redis hash,
    written at most once a second per process so the hot paths pay no round trip each."""
    for outcome in outcomes:
        field = f"{kind}:{outcome}"
        _pending[field] = _pending.get(field, 0) + 1
    wait = _last_flush + FLUSH_SECONDS - time.monotonic()
    if wait <= 0:
        await _flush()
    elif not _later:  # the rest goes out a little later, even if nothing else happens
        task = asyncio.get_running_loop().create_task(_flush(wait))
        _later.add(task)
        task.add_done_callback(_later.discard)


async def _flush(delay: float = 0.0) -> None:
    global _last_flush
    if delay:
        await asyncio.sleep(delay)
    _last_flush = time.monotonic()
    if not _pending:
        return
    batch = dict(_pending)
    _pending.clear()
    try:
        pipe = get_redis().pipeline(transaction=False)
        for field, n in batch.items():
            pipe.hincrby(OUTCOMES_KEY, field, n)
        await pipe.execute()
    except Exception:  # metrics never fail the work they count
        log.warning("outcome counters not flushed", exc_info=True)


class _Families:
    """A one-shot collector for the families read at scrape time."""

    def __init__(self, families: list[Any]) -> None:
        self.families = families

    def collect(self) -> list[Any]:
        return self.families


async def _live_families() -> list[Any]:
    """Queue depths and outcome counters from Redis, this process's PostgreSQL pool."""
    families: list[Any] = []
    queues = GaugeMetricFamily(
        "jewelia_queue_depth", "Messages waiting in a Dramatiq queue", labels=["queue", "state"]
    )
    outcomes = {
        "webhook_delivery": CounterMetricFamily(
            "jewelia_webhook_deliveries", "Webhook delivery attempts by outcome", labels=["outcome"]
        ),
        "builder_run": CounterMetricFamily(
            "jewelia_builder_runs", "Builder runs closed, by status", labels=["status"]
        ),
    }
    try:
        pipe = get_redis().pipeline(transaction=False)
        for q in QUEUES:
            pipe.llen(f"dramatiq:{q}")
            pipe.llen(f"dramatiq:{q}.DQ")
        pipe.hgetall(OUTCOMES_KEY)
        *depths, counted = await pipe.execute()
        for i, q in enumerate(QUEUES):
            queues.add_metric([q, "ready"], depths[2 * i])
            queues.add_metric([q, "delayed"], depths[2 * i + 1])
        for raw, n in sorted(counted.items()):
            kind, _, outcome = raw.decode().partition(":")
            if kind in outcomes:
                outcomes[kind].add_metric([outcome], int(n))
    except Exception:
        log.warning("queue depths not read", exc_info=True)
    families += [queues, *outcomes.values()]
    pool = GaugeMetricFamily(
        "jewelia_db_pool_connections",
        "PostgreSQL pool connections of the process answering the scrape",
        labels=["state"],
    )
    if DB.pool is not None:
        size, idle = DB.pool.get_size(), DB.pool.get_idle_size()
        pool.add_metric(["size"], size)
        pool.add_metric(["in_use"], size - idle)
        pool.add_metric(["idle"], idle)
        pool.add_metric(["max"], DB.pool.get_max_size())
    families.append(pool)
    return families


def _check_token(request: Request[Any, Any, Any]) -> None:
    token = get_settings().metrics_token
    if not token:
        raise NotFound("Not found")
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
        raise AuthenticationFailed("A valid metrics token is required")


@get(METRICS_PATH, include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Prometheus text exposition, for a bearer of JEWELIA_METRICS_TOKEN (404 when unset)."""
    _check_token(request)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            with contextlib.suppress(ValueError):
                registry.register(collector)
    registry.register(_Families(await _live_families()))  # type: ignore[arg-type]
    return Response(
        generate_latest(registry),
        media_type=CONTENT_TYPE_LATEST,
        headers={"cache-control": "no-store"},
    )
