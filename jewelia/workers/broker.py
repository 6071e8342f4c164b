"""The Dramatiq broker on Redis, with the AsyncIO middleware for async actors."""

from __future__ import annotations

import os
from typing import Any

import dramatiq
import uvloop
from dramatiq.asyncio import EventLoopThread, set_event_loop_thread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from jewelia.core import jobs
from jewelia.core.settings import get_settings

# Queues whose messages someone is waiting for (webhook deliveries, builder runs); the others
# (email, imports, sweeps) keep Dramatiq's idle back-off and cost nothing while idle.
PROMPT_QUEUES = frozenset({"webhooks", "builder"})


class PromptRedisBroker(RedisBroker):
    """Dramatiq's Redis broker; idle polling of PROMPT_QUEUES capped at JEWELIA_WORKER_POLL_MS.

    An idle consumer backs off up to the worker timeout (1 s) between fetches, which would put
    up to a second between a webhook being committed and being sent.
    """

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Any:
        if queue_name.split(".", 1)[0] in PROMPT_QUEUES:
            timeout = min(timeout, int(os.environ.get("JEWELIA_WORKER_POLL_MS", "50")))
        return super().consume(queue_name, prefetch, timeout)


class UvloopAsyncIO(AsyncIO):
    """Dramatiq's AsyncIO middleware with the actors' event loop on uvloop (as `jewelia serve`
    runs under uvicorn): the pure-Python loop cost ~10% of a builder worker's CPU."""

    def before_worker_boot(self, broker: Any, worker: Any) -> None:
        thread = EventLoopThread(self.logger)
        thread.loop.close()
        thread.loop = uvloop.new_event_loop()
        thread.start(timeout=1.0)
        set_event_loop_thread(thread)


def make_broker() -> RedisBroker:
    """A Redis broker for the configured REDIS_URL."""
    broker = PromptRedisBroker(url=get_settings().redis_url)
    broker.add_middleware(UvloopAsyncIO())
    return broker


broker = make_broker()
dramatiq.set_broker(broker)
jobs.use_broker(broker)
