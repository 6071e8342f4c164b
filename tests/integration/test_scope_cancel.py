"""Cancelling a request while its tenant scope is open (Litestar cancels an SSE stream's task
group when the client goes) still gives the pool connection back."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import anyio

from jewelia.core.db import DB, fetch, tenant_scope


def in_use() -> int:
    pool = DB.pool
    assert pool is not None
    return pool.get_size() - pool.get_idle_size()


async def test_cancel_inside_scope_releases_the_connection(business: Any) -> None:
    _, tenant = business
    await anyio.sleep(0.2)
    before = in_use()

    async def work() -> None:
        async with tenant_scope(tenant.ref):
            await fetch("SELECT pg_sleep(2)")

    for _ in range(3):
        async with anyio.create_task_group() as tg:
            tg.start_soon(work)
            await anyio.sleep(0.3)
            tg.cancel_scope.cancel()
    await anyio.sleep(3)
    assert in_use() == before
    assert DB.current_transaction.get() is None


async def test_cancel_while_the_scope_begins_releases_the_connection(business: Any) -> None:
    """A cancel that lands while the pool hands out the connection or while BEGIN runs (before
    the scope is entered, so no __aexit__ runs) gives the connection back too."""
    _, tenant = business
    await anyio.sleep(0.2)
    before = in_use()

    async def work() -> None:
        async with tenant_scope(tenant.ref):
            await fetch("SELECT 1")

    for yields in range(40):  # cancel after 0..39 loop turns: every await point on the way in
        task = asyncio.ensure_future(work())
        for _ in range(yields):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await anyio.sleep(1)
    assert in_use() == before
    assert DB.current_transaction.get() is None
    async with tenant_scope(tenant.ref):
        assert await fetch("SELECT 1 AS one") == [{"one": 1}]
