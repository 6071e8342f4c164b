"""Both SDKs' stream() helpers against the live server, with the real worker publishing
committed events: events arrive as they commit, and a resume from a cursor replays the rest."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.sdk.conftest import new_business
from tests.sdk.test_typescript_sdk import run_story, story, story_env  # noqa: F401 - fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sdks" / "python"))
from jewelia_api_client import AsyncJeweliaClient, JeweliaClient, StreamEvent

WAIT = 30.0


async def _take(events: Any, count: int) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    async with asyncio.timeout(WAIT):
        async for item in events:
            out.append(item)
            if len(out) == count:
                break
    return out


async def test_python_stream_receives_and_resumes(live_server: str, worker: Any) -> None:
    _, key = await new_business("Stream Sdk Gems")
    async with AsyncJeweliaClient(api_key=key, base_url=live_server) as client:
        events = client.stream(["customer.*"])
        reading = asyncio.create_task(_take(events, 2))
        await asyncio.sleep(1.0)  # subscribed
        one = await client.customers.create({"full_name": "Stream One"})
        two = await client.customers.create({"full_name": "Stream Two"})
        got = await reading
        await events.aclose()
        assert [e.data["id"] for e in got] == [str(one.id), str(two.id)]
        assert [e.event for e in got] == ["customer.created"] * 2 and got[0].type == "event"
        assert got[0].id and got[0].event_id and got[0].timestamp

        # Resume after the first: the second is replayed.
        resumed = client.stream(["customer.*"], last_event_id=got[0].id)
        [replayed] = await _take(resumed, 1)
        await resumed.aclose()
        assert replayed.id == got[1].id and replayed.data["id"] == str(two.id)

    # The synchronous client reads the same history.
    received: list[StreamEvent] = []

    def read_sync() -> None:
        with JeweliaClient(api_key=key, base_url=live_server) as sync:
            for item in sync.stream(["customer.*"], last_event_id=got[0].id, reconnect=False):
                received.append(item)
                break

    thread = threading.Thread(target=read_sync, daemon=True)
    thread.start()
    thread.join(WAIT)
    assert [e.id for e in received] == [got[1].id]


async def test_python_stream_refuses_a_bad_key(live_server: str) -> None:
    from jewelia_api_client import AuthenticationError

    async with AsyncJeweliaClient(api_key="jwl_nope", base_url=live_server) as client:
        with pytest.raises(AuthenticationError):
            await _take(client.stream(), 1)


async def test_typescript_stream_receives_and_resumes(
    story: dict[str, Any],  # noqa: F811
    live_server: str,
    worker: Any,
) -> None:
    _, key = await new_business("Stream Ts Gems")
    env = story_env({"base_url": f"{live_server}/api/v1", "api_key": key})
    got = await asyncio.to_thread(run_story, story, "stream", **env)
    assert got["received"] == got["created"]
    assert got["types"] == ["customer.created", "customer.created"]
    assert got["replayed"] == {"id": got["cursors"][1], "customer": got["created"][1]}
