"""The API key grant cache: used while the change feed is up, emptied by any key or tenant
change made anywhere (here: raw SQL from another connection), off when the feed is down."""

from __future__ import annotations

import asyncio
from typing import Any

from jewelia.core.db import execute
from jewelia.core.security import sha256_hex
from jewelia.core.settings import get_settings
from jewelia.platform.apikeys.grant_cache import GRANTS
from jewelia.platform.apikeys.service import grant_for


async def _until(condition: Any, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


async def test_cached_grant_dropped_when_key_revoked_elsewhere(api: Any) -> None:
    await GRANTS.start(get_settings().database_url)
    try:
        key_hash = sha256_hex(api.key)
        assert (await grant_for(api.key)) is not None
        assert GRANTS.get(key_hash) is not None  # the second request needs no query
        assert (await api.get("/customers")).status_code == 200

        # Revoked behind the service's back: only the trigger's NOTIFY tells this process.
        await execute("UPDATE public.api_key SET revoked_at = now() WHERE key_hash = $1", key_hash)
        assert await _until(lambda: GRANTS.get(key_hash) is None)
        r = await api.get("/customers")
        assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"
    finally:
        await GRANTS.stop()


async def test_tenant_suspension_empties_the_cache(api: Any) -> None:
    await GRANTS.start(get_settings().database_url)
    try:
        assert (await api.get("/customers")).status_code == 200
        assert GRANTS.get(sha256_hex(api.key)) is not None
        await execute("UPDATE public.tenant SET status = 'suspended' WHERE id = $1", api.tenant.id)
        assert await _until(lambda: GRANTS.get(sha256_hex(api.key)) is None)
        assert (await api.get("/customers")).status_code == 403
    finally:
        await execute("UPDATE public.tenant SET status = 'active' WHERE id = $1", api.tenant.id)
        await GRANTS.stop()


async def test_nothing_cached_without_the_change_feed(api: Any) -> None:
    assert not GRANTS.active
    assert (await api.get("/customers")).status_code == 200
    assert GRANTS.get(sha256_hex(api.key)) is None


async def test_stale_read_is_not_stored() -> None:
    await GRANTS.start(get_settings().database_url)
    try:
        generation = GRANTS.generation
        GRANTS.clear()  # a change arrived while the grant was being read
        GRANTS.put("h", object(), generation)
        assert GRANTS.get("h") is None
    finally:
        await GRANTS.stop()


async def test_lost_change_feed_is_reconnected(api: Any) -> None:
    from jewelia.core.db import fetch

    GRANTS.ping_seconds = 0.2
    await GRANTS.start(get_settings().database_url)
    try:
        assert (await api.get("/customers")).status_code == 200
        assert GRANTS.get(sha256_hex(api.key)) is not None
        # The server drops the listening connection (a restart, a failover, an admin).
        pid = GRANTS._connection.get_server_pid()
        await fetch("SELECT pg_terminate_backend($1)", pid)
        assert await _until(lambda: GRANTS.get(sha256_hex(api.key)) is None)
        assert await _until(lambda: GRANTS.active)  # the watchdog made a new one
        assert (await api.get("/customers")).status_code == 200
        assert GRANTS.get(sha256_hex(api.key)) is not None
        # and it still hears changes
        await execute(
            "UPDATE public.api_key SET revoked_at = now() WHERE key_hash = $1", sha256_hex(api.key)
        )
        assert await _until(lambda: GRANTS.get(sha256_hex(api.key)) is None)
        assert (await api.get("/customers")).status_code == 401
    finally:
        GRANTS.ping_seconds = 5.0
        await GRANTS.stop()
