"""The Dramatiq broker on Redis, with the AsyncIO middleware for async actors."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from jewelia.platform.settings import get_settings


def make_broker() -> RedisBroker:
    """A Redis broker for the configured REDIS_URL."""
    broker = RedisBroker(url=get_settings().redis_url)
    broker.add_middleware(AsyncIO())
    return broker


broker = make_broker()
dramatiq.set_broker(broker)
