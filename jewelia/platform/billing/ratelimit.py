"""Hourly request budgets per API key and per tenant, shared by every process through Redis.

A sliding log (one sorted set per budget) in one Lua script: exact ("request 1,001 within the
hour is refused"), atomic across processes, and `Remaining` counts down one per request. Each
budget has its own limit (a key may have a lower one than its business); the headers report the
budget with the least left, which is the one that refused when a request is refused. When
Redis cannot be reached the API keeps serving (fail open); the failure is logged and counted.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from jewelia.core.redis_client import get_redis

log = logging.getLogger("jewelia.ratelimit")
WINDOW_SECONDS = 3600

# KEYS: budgets to charge together, then the usage hash. ARGV: now (ms), window (ms), member,
# usage field (the day), then one limit per budget. The tightest budget (least left; the first
# on a tie) is reported: {allowed, its index (1-based), its use, its oldest entry (ms)}.
SLIDING_LOG = """
local now, window, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local usage = table.remove(KEYS)
local tight, left, used, oldest = 1, nil, 0, now
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  local budget_left = tonumber(ARGV[4 + i]) - n
  if left == nil or budget_left < left then
    tight, left, used, oldest = i, budget_left, n, now
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if first[2] then oldest = tonumber(first[2]) end
  end
end
if left <= 0 then
  return {0, tight, used, oldest}
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
end
redis.call('HINCRBY', usage, ARGV[4], 1)
redis.call('EXPIRE', usage, 3024000)
return {1, tight, used + 1, oldest}
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


async def check(budgets: list[str], limit: int | Sequence[int], tenant_id: object) -> Decision:
    """Charge one request to every budget named, unless one of them is spent.

    `limit` is one limit for every budget, or one per budget in the same order.
    """
    limits = [limit] * len(budgets) if isinstance(limit, int) else list(limit)
    if len(limits) != len(budgets):
        raise ValueError("one limit per budget")
    now_ms = int(time.time() * 1000)
    try:
        allowed, tight, used, oldest = await _script()(
            keys=[*[f"rl:{b}" for b in budgets], usage_key(tenant_id)],
            args=[
                now_ms,
                WINDOW_SECONDS * 1000,
                f"{now_ms}-{uuid.uuid4().hex[:8]}",
                time.strftime("%d", time.gmtime()),
                *limits,
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
        return Decision(True, min(limits), min(limits), reset, 0, degraded=True)
    limit = limits[int(tight) - 1]
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
