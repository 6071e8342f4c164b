"""An in-process cache of API key grants, emptied whenever PostgreSQL announces a change.

Triggers on `public.api_key` and `public.tenant` send NOTIFY on every revocation, expiry,
permission, plan or status change; each server process LISTENs on a connection of its own and
drops every cached grant when one arrives. While that connection is down nothing is cached,
so a missed notice can never keep a revoked key alive.
"""

from __future__ import annotations

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
        """Listen for changes on a dedicated connection."""
        if self.active:
            return
        self.clear()
        connection = await asyncpg.connect(database_url)
        await connection.add_listener(CHANNEL, self.clear)
        connection.add_termination_listener(self._lost)
        self._connection = connection

    def _lost(self, *_: Any) -> None:
        log.warning("grant change feed lost; API key grants are no longer cached")
        self._connection = None
        self.clear()

    async def stop(self) -> None:
        """Stop listening and forget everything."""
        connection, self._connection = self._connection, None
        self.clear()
        if connection is not None and not connection.is_closed():
            await connection.close()


GRANTS = GrantCache()
