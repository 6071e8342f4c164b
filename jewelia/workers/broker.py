"""The Dramatiq broker on Redis, with the AsyncIO middleware for async actors."""

from __future__ import annotations

import os
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from jewelia.platform.settings import get_settings


class PromptRedisBroker(RedisBroker):
    """Dramatiq's Redis broker with idle polling capped at JEWELIA_WORKER_POLL_MS (50 ms).

    An idle consumer backs off up to the worker timeout (1 s) between fetches, which would put
    up to a second between a webhook being committed and being sent.
    """

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Any:
        poll = int(os.environ.get("JEWELIA_WORKER_POLL_MS", "50"))
        return super().consume(queue_name, prefetch, min(timeout, poll))


def make_broker() -> RedisBroker:
    """A Redis broker for the configured REDIS_URL."""
    broker = PromptRedisBroker(url=get_settings().redis_url)
    broker.add_middleware(AsyncIO())
    return broker


broker = make_broker()
dramatiq.set_broker(broker)
