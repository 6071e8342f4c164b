"""Login throttling: failures counted per IP and per account in Redis."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from jewelia.platform.errors import RateLimited
from jewelia.platform.redis_client import get_redis
from jewelia.platform.settings import get_settings

log = logging.getLogger("jewelia.throttle")


def _keys(scope: str, ip: str, account: str) -> list[str]:
    return [f"throttle:{scope}:ip:{ip}", f"throttle:{scope}:acct:{account.lower()}"]


async def check(scope: str, ip: str, account: str) -> None:
    """Refuse when the IP or the account has too many recent failures."""
    settings = get_settings()
    try:
        counts = await get_redis().mget(_keys(scope, ip, account))
    except RedisError:
        log.warning("throttle unavailable: redis error")
        return
    ip_count, acct_count = (int(c or 0) for c in counts)
    if acct_count >= settings.login_max_failures or ip_count >= settings.login_max_failures * 4:
        ttl = max(await get_redis().ttl(_keys(scope, ip, account)[1]), 60)
        minutes = max(1, ttl // 60)
        raise RateLimited(f"Too many attempts. Try again in {minutes} minutes.", ttl)


async def fail(scope: str, ip: str, account: str) -> None:
    """Count one failure against the IP and the account."""
    settings = get_settings()
    try:
        pipe = get_redis().pipeline()
        for key in _keys(scope, ip, account):
            pipe.incr(key)
            pipe.expire(key, settings.login_lock_seconds)
        await pipe.execute()
    except RedisError:
        log.warning("throttle unavailable: redis error")


async def clear(scope: str, ip: str, account: str) -> None:
    """Forget the account's failures after a success."""
    try:
        await get_redis().delete(_keys(scope, ip, account)[1])
    except RedisError:
        log.warning("throttle unavailable: redis error")
