"""The outbox's wake-up: a signal NOTIFYs the dispatchers unless one has promised to poll
(migration public_0027), so busy writers do not queue on NOTIFY's lock at commit; the
promise runs out by the database's clock, and then signals NOTIFY again."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from jewelia.core.db import execute
from jewelia.core.settings import get_settings
from jewelia.tenants.webhooks.outbound import dispatch

NO_PROMISE = "UPDATE public.outbox_dispatcher SET polling_until = '-infinity'"


async def test_signals_skip_notify_only_while_a_dispatcher_promised_to_poll(api: Any) -> None:
    listener = await asyncpg.connect(get_settings().database_url)
    heard: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener("jewelia_outbox", lambda *args: heard.put_nowait(args[2]))

    async def signal() -> None:
        await execute("INSERT INTO public.outbox_signal (tenant_id) VALUES ($1)", api.tenant.id)

    try:
        await execute(NO_PROMISE)
        await signal()
        await asyncio.wait_for(heard.get(), 5)  # nobody polling: the signal wakes them

        left = await dispatch.keep_polling(1.5)
        assert 1.0 < left <= 1.5
        assert await dispatch.keep_polling(0.1) == pytest.approx(left, abs=0.2)  # kept, not cut
        await signal()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(heard.get(), 0.3)

        await asyncio.sleep(1.3)  # within half a second of its end the promise no longer counts
        await signal()
        await asyncio.wait_for(heard.get(), 5)
    finally:
        await execute(NO_PROMISE)
        await execute("DELETE FROM public.outbox_signal WHERE tenant_id = $1", api.tenant.id)
        await listener.close()
