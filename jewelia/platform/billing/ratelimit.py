"""Hourly request budgets per API key and per tenant, shared by every process through Redis.

A sliding log (one sorted set per budget) in one Lua script: exact ("request 1,001 within the
hour is refused"), atomic across processes, and `Remaining` counts down one per request. When
Redis cannot be reached the API keeps serving (fail open); the failure is logged and counted.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from jewelia.core.redis_client import get_redis

log = logging.getLogger("jewelia.ratelimit")
WINDOW_SECONDS = 3600

# KEYS: budgets to charge together, then the usage hash. ARGV: now (ms), window (ms), limit,
# member, usage field (the day). Returns {allowed, used (highest), oldest_ms (fullest budget)}.
SLIDING_LOG = """
local now, window, limit, member = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local usage = table.remove(KEYS)
local used, oldest = 0, now
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= used then
    used = n
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if first[2] then oldest = tonumber(first[2]) end
  end
end
if used >= limit then
  return {0, used, oldest}
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
end
redis.call('HINCRBY', usage, ARGV[5], 1)
redis.call('EXPIRE', usage, 3024000)
if used == 0 then oldest = now end
return {1, used + 1, oldest}
"""


@dataclass(frozen=True)
class Decision:
    """The outcome of one check, with the values for the X-RateLimit-* headers."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int
    degraded: bool = False

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class Stats:
    """Process-wide counter of checks that failed open."""

    failures = 0
    last_error: str | None = None


_registered: tuple[object, Any] | None = None


def _script() -> Any:
    """The Lua script registered on the current client (sent by SHA, loaded once)."""
    global _registered
    client = get_redis()
    if _registered is None or _registered[0] is not client:
        _registered = (client, client.register_script(SLIDING_LOG))
    return _registered[1]


def usage_key(tenant_id: object, when: float | None = None) -> str:
    """The Redis hash counting a tenant's accepted requests per day of one month."""
    return f"usage:{tenant_id}:{time.strftime('%Y%m', time.gmtime(when))}"


async def check(budgets: list[str], limit: int, tenant_id: object) -> Decision:
    """Charge one request to every budget named, unless one of them is spent."""
    now_ms = int(time.time() * 1000)
    try:
        allowed, used, oldest = await _script()(
            keys=[*[f"rl:{b}" for b in budgets], usage_key(tenant_id)],
            args=[
                now_ms,
                WINDOW_SECONDS * 1000,
                limit,
                f"{now_ms}-{uuid.uuid4().hex[:8]}",
                time.strftime("%d", time.gmtime()),
            ],
        )
    except (RedisError, OSError) as exc:
        Stats.failures += 1
        Stats.last_error = type(exc).__name__
        log.error(
            "rate limiter unavailable, failing open",
            extra={"fields": {"error": type(exc).__name__}},
        )
        reset = int(time.time()) + WINDOW_SECONDS
        return Decision(True, limit, limit, reset, 0, degraded=True)
    reset_at = (int(oldest) + WINDOW_SECONDS * 1000) // 1000 + 1
    remaining = max(0, limit - int(used))
    retry_after = max(1, reset_at - now_ms // 1000) if not allowed else 0
    return Decision(bool(allowed), limit, remaining, reset_at, retry_after)


async def usage(tenant_id: object) -> tuple[int, dict[int, int]]:
    """(requests in the last hour, {day of month: requests}) for a tenant."""
    client = get_redis()
    try:
        await client.zremrangebyscore(
            f"rl:tenant:{tenant_id}", "-inf", int(time.time() * 1000) - WINDOW_SECONDS * 1000
        )
        hour = int(await client.zcard(f"rl:tenant:{tenant_id}"))
        days = await client.hgetall(usage_key(tenant_id))  # type: ignore[misc]
    except (RedisError, OSError):
        return 0, {}
    return hour, {int(k): int(v) for k, v in days.items()}
