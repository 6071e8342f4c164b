"""Login throttling: failures counted per IP and per account in Redis."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from jewelia.core.errors import RateLimited
from jewelia.core.redis_client import get_redis
from jewelia.core.settings import get_settings

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


# --- log-in: per account and address, so nobody can lock someone else out ------------------
# Failures are counted per (account, address). Past `login_max_failures` that pair waits, 30 s
# after the first extra failure and twice as long after each further one (capped at the lock
# window). Failures of one account from every address only decide when to email its owner an
# unlock link; they never block the owner, who logs in from an address of their own. The
# per-address count (any account) keeps refusing a single source that sprays many accounts.
BACKOFF_FIRST_SECONDS = 30
UNLOCK_TTL_SECONDS = 3600


def _login_keys(ip: str, account: str) -> dict[str, str]:
    account = account.lower()
    return {
        "ip": f"throttle:login:ip:{ip}",
        "pair": f"throttle:login:pair:{account}:{ip}",
        "wait": f"throttle:login:wait:{account}:{ip}",
        "addresses": f"throttle:login:addresses:{account}",
        "account": f"throttle:login:acct:{account}",
        "notified": f"throttle:login:notified:{account}",
    }


async def check_login(ip: str, account: str) -> None:
    """Refuse while this address is backed off for this account, or sprays too many accounts."""
    settings = get_settings()
    keys = _login_keys(ip, account)
    try:
        redis = get_redis()
        ip_count = int(await redis.get(keys["ip"]) or 0)
        if ip_count >= settings.login_max_failures * 4:
            wait = max(await redis.ttl(keys["ip"]), 1)
            raise RateLimited(f"Too many attempts. Try again in {_humane(wait)}.", wait)
        wait = await redis.ttl(keys["wait"])
    except RedisError:
        log.warning("throttle unavailable: redis error")
        return
    if wait > 0:
        raise RateLimited(f"Too many failed attempts. Try again in {_humane(wait)}.", wait)


async def login_failed(ip: str, account: str) -> bool:
    """Count a failed log-in; True when the owner should now get an unlock link (once a window)."""
    settings = get_settings()
    keys = _login_keys(ip, account)
    window = settings.login_lock_seconds
    try:
        pipe = get_redis().pipeline()
        for name in ("ip", "pair", "account"):
            pipe.incr(keys[name])
            pipe.expire(keys[name], window)
        pipe.sadd(keys["addresses"], ip)
        pipe.expire(keys["addresses"], window)
        results = await pipe.execute()
        pair_count, account_count = int(results[2]), int(results[4])
        extra = pair_count - settings.login_max_failures
        if extra >= 0:
            wait = min(BACKOFF_FIRST_SECONDS * 2 ** min(extra, 20), window)
            await get_redis().set(keys["wait"], "1", ex=wait)
        if account_count < settings.login_max_failures * 2:
            return False
        return bool(await get_redis().set(keys["notified"], "1", ex=window, nx=True))
    except RedisError:
        log.warning("throttle unavailable: redis error")
        return False


async def login_succeeded(ip: str, account: str) -> None:
    """Forget this address's failures for the account."""
    keys = _login_keys(ip, account)
    try:
        await get_redis().delete(keys["pair"], keys["wait"])
    except RedisError:
        log.warning("throttle unavailable: redis error")


async def new_unlock_token(account: str, token_hash: str) -> None:
    """Remember an emailed unlock link (its hash) for an hour."""
    try:
        await get_redis().set(
            f"throttle:unlock:{token_hash}", account.lower(), ex=UNLOCK_TTL_SECONDS
        )
    except RedisError:
        log.warning("throttle unavailable: redis error")


async def unlock_open(token_hash: str) -> bool:
    """Whether an unlock link is known and unspent."""
    try:
        return bool(await get_redis().exists(f"throttle:unlock:{token_hash}"))
    except RedisError:
        log.warning("throttle unavailable: redis error")
        return False


async def unlock(token_hash: str) -> bool:
    """Spend an unlock link: every address's back-off on its account ends. False if unknown."""
    try:
        redis = get_redis()
        stored = await redis.getdel(f"throttle:unlock:{token_hash}")
        if stored is None:
            return False
        account = _text(stored)
        keys = _login_keys("", account)
        doomed = [keys["addresses"], keys["account"]]
        for ip in await redis.smembers(keys["addresses"]):
            pair = _login_keys(_text(ip), account)
            doomed += [pair["pair"], pair["wait"]]
        await redis.delete(*doomed)
        return True
    except RedisError:
        log.warning("throttle unavailable: redis error")
        return False


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _humane(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{max(1, round(seconds / 60))} minutes"
