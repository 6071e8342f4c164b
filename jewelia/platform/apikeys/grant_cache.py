"""An in-process cache of API key grants, emptied whenever PostgreSQL announces a change.

Triggers on `public.api_key` and `public.tenant` send NOTIFY on every revocation, expiry,
permission, key control (hourly limit, allowed IPs), plan, status or CORS origin change; each
server process LISTENs on a connection of its own and drops every cached grant when one
arrives. While that connection is down nothing is cached; a watchdog pings it every 5 s (a
half-open connection gets no notices yet looks alive) and reconnects a lost one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

log = logging.getLogger(__name__)
CHANNEL = "jewelia_grants"
MAX_ENTRIES = 10_000


@dataclass
class _Entry:
    grant: Any
    stored_at: float


class GrantCache:
    """Grants by key hash; `generation` guards against storing a grant read before a change."""

    def __init__(self, ttl_seconds: float = 60.0) -> None:
        self.ttl = ttl_seconds
        self.generation = 0
        self._entries: dict[str, _Entry] = {}
        self._connection: Any = None
        self._url = ""
        self._watch: asyncio.Task[None] | None = None
        self.ping_seconds = 5.0

    @property
    def active(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    def get(self, key_hash: str) -> Any:
        """The cached grant, or None (also whenever the change feed is not connected)."""
        entry = self._entries.get(key_hash)
        if entry is None or not self.active:
            return None
        if time.monotonic() - entry.stored_at > self.ttl:
            self._entries.pop(key_hash, None)
            return None
        return entry.grant

    def put(self, key_hash: str, grant: Any, generation: int) -> None:
        """Remember a grant read at `generation`, unless something changed since."""
        if generation != self.generation or not self.active:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key_hash] = _Entry(grant, time.monotonic())

    def clear(self, *_: Any) -> None:
        """Forget every grant (a key or a tenant changed)."""
        self.generation += 1
        self._entries.clear()

    async def start(self, database_url: str) -> None:
        """Listen for changes on a dedicated connection, watched (and re-made) in the background."""
        if self.active:
            return
        self._url = database_url
        await self._connect()
        self._watch = asyncio.create_task(self._watchdog())

    async def _connect(self) -> None:
        self.clear()
        connection = await asyncpg.connect(self._url)
        await connection.add_listener(CHANNEL, self.clear)
        connection.add_termination_listener(self._lost)
        self._connection = connection

    async def _watchdog(self) -> None:
        """Every few seconds: reconnect a lost feed, or ping a live one (a half-open TCP
        connection delivers no notices and would otherwise look alive for the whole TTL)."""
        while True:
            await asyncio.sleep(self.ping_seconds)
            try:
                if not self.active:
                    await self._connect()
                    log.info("grant change feed reconnected")
                else:
                    await asyncio.wait_for(self._connection.fetchval("SELECT 1"), timeout=2)
            except asyncio.CancelledError:
                raise
            except Exception:
                connection = self._connection
                self._lost()
                if connection is not None:
                    connection.terminate()

    def _lost(self, *_: Any) -> None:
        if self._connection is not None:
            log.warning("grant change feed lost; API key grants are not cached until it is back")
        self._connection = None
        self.clear()

    async def stop(self) -> None:
        """Stop listening and forget everything."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        connection, self._connection = self._connection, None
        self.clear()
        if connection is not None and not connection.is_closed():
            await connection.close()


GRANTS = GrantCache()
