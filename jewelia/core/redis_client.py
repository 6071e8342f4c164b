"""The shared asyncio Redis client."""

from __future__ import annotations

from redis.asyncio import Redis

from jewelia.core.settings import get_settings

_client: Redis | None = None


def get_redis() -> Redis:
    """One client per process, created on first use."""
    global _client
    if _client is None:
        _client = Redis.from_url(get_settings().redis_url, socket_timeout=2)
    return _client


async def close_redis() -> None:
    """Close the client (at shutdown)."""
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None
