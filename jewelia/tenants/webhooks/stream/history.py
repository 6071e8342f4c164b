"""Per-business event history in Redis: append + publish at commit, read after a cursor.

A cursor is the Redis stream entry id (`<ms>-<seq>`). The history keeps about HISTORY_MAX
events per business; `floor` remembers the newest id trimmed away, so a client resuming from
an older cursor is told it missed events (a gap) instead of silently skipping them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import msgspec

from jewelia.core.redis_client import get_redis

log = logging.getLogger("jewelia.stream")
HISTORY_MAX = int(os.environ.get("JEWELIA_STREAM_HISTORY", "1000"))
TRIM_SLACK = 100  # trim in steps, not on every append
HISTORY_TTL_MS = 7 * 24 * 3600 * 1000  # an idle business's history goes after a week
CURSOR = re.compile(r"^\d{1,20}-\d{1,20}$")

# KEYS: stream, floor. ARGV: channel, max, slack, ttl_ms, then (event_type, body) pairs.
# Appends each event, publishes "<type>\n<cursor>\n<client message>" in the same order, and
# trims exactly (remembering the newest id trimmed) once the history outgrows max + slack.
_PUBLISH = """
local stream, floor = KEYS[1], KEYS[2]
local channel, max, slack, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local ids = {}
for i = 5, #ARGV, 2 do
  local id = redis.call('XADD', stream, '*', 't', ARGV[i], 'b', ARGV[i + 1])
  redis.call('PUBLISH', channel, ARGV[i] .. '\\n' .. id .. '\\n{"type":"event","id":"' .. id .. '",' .. ARGV[i + 1])
  ids[#ids + 1] = id
end
local n = redis.call('XLEN', stream)
if n > max + slack then
  local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', n - max)
  redis.call('SET', floor, old[#old][1], 'PX', ttl)
  redis.call('XTRIM', stream, 'MAXLEN', max)
end
redis.call('PEXPIRE', stream, ttl)
if redis.call('EXISTS', floor) == 1 then redis.call('PEXPIRE', floor, ttl) end
return ids
"""
_encoder = msgspec.json.Encoder()
_script: Any = None
# History reads share the process's Redis pool (100 connections) with everything else: a
# reconnect storm of thousands of clients waits its turn instead of exhausting it, and clients
# asking the same question (same cursors) share one answer.
_reads = asyncio.Semaphore(int(os.environ.get("JEWELIA_STREAM_READS", "16")))
_shared: dict[tuple[uuid.UUID, str, str | None], asyncio.Future[tuple[bool, list[Entry]]]] = {}


def channel(tenant_id: uuid.UUID) -> str:
    """The pub/sub channel of a business's live events."""
    return f"jewelia:stream:{tenant_id}"


def _stream_key(tenant_id: uuid.UUID) -> str:
    return f"jewelia:stream-history:{tenant_id}"


def _floor_key(tenant_id: uuid.UUID) -> str:
    return f"jewelia:stream-floor:{tenant_id}"


def parse_cursor(cursor: str) -> tuple[int, int]:
    """A cursor as a comparable pair (ValueError if it is not one)."""
    if not CURSOR.match(cursor):
        raise ValueError(cursor)
    ms, _, seq = cursor.partition("-")
    return int(ms), int(seq)


def body(payload: dict[str, Any]) -> str:
    """The client message's fields after `type` and `id`: the event as the outbox holds it."""
    fields = {
        "event": payload["event"],
        "event_id": payload["id"],
        "data": payload["data"],
        "timestamp": payload["timestamp"],
    }
    return _encoder.encode(fields).decode()[1:]  # without "{": the script prepends type and id


async def publish(tenant_id: uuid.UUID, events: list[tuple[str, str]]) -> list[str]:
    """Append (event_type, outbox payload JSON) pairs to the history and publish them; their
    cursors in order."""
    global _script
    if not events:
        return []
    redis: Any = get_redis()
    if _script is None:
        _script = redis.register_script(_PUBLISH)
    args: list[Any] = [channel(tenant_id), HISTORY_MAX, TRIM_SLACK, HISTORY_TTL_MS]
    for event_type, payload in events:
        args += [event_type, body(msgspec.json.decode(payload))]
    ids = await _script(keys=[_stream_key(tenant_id), _floor_key(tenant_id)], args=args)
    return [i.decode() if isinstance(i, bytes) else str(i) for i in ids]


@dataclass
class Entry:
    """One event of the history."""

    cursor: str
    event_type: str
    message: str  # the client message, JSON

    @cached_property
    def key(self) -> tuple[int, int]:
        """The cursor as a comparable pair."""
        return parse_cursor(self.cursor)

    @property
    def data_json(self) -> str:
        """The message without its `type` (the SSE data line)."""
        return "{" + self.message[len('{"type":"event",') :]


def entry(cursor: str, event_type: str, fields_body: str) -> Entry:
    """An Entry from its parts (as stored, or as published)."""
    return Entry(cursor, event_type, f'{{"type":"event","id":"{cursor}",{fields_body}')


_recent: dict[bytes, Entry] = {}


def from_published(raw: bytes) -> Entry:
    """An Entry from a pub/sub message made by `publish`.

    Every client of a business gets the same message object: it is parsed once (the bytes
    cache their hash), not once per client.
    """
    hit = _recent.get(raw)
    if hit is not None:
        return hit
    text = raw.decode()
    event_type, _, rest = text.partition("\n")
    cursor, _, message = rest.partition("\n")
    made = _recent[raw] = Entry(cursor, event_type, message)
    if len(_recent) > 256:
        del _recent[next(iter(_recent))]
    return made


async def latest(tenant_id: uuid.UUID) -> str:
    """The newest cursor of the business's history ("0-0" when empty)."""
    redis: Any = get_redis()  # replies are bytes (no decode_responses)
    async with _reads:
        rows = await redis.xrevrange(_stream_key(tenant_id), count=1)
    return rows[0][0].decode() if rows else "0-0"


async def after(
    tenant_id: uuid.UUID, cursor: str, before: str | None = None
) -> tuple[bool, list[Entry]]:
    """Events after `cursor` (and before `before`, exclusive), in order, and whether some
    events after `cursor` are no longer kept (a gap)."""
    key = (tenant_id, cursor, before)
    shared = _shared.get(key)
    if shared is None:
        shared = asyncio.ensure_future(_after_bounded(tenant_id, cursor, before))
        _shared[key] = shared
        shared.add_done_callback(lambda _: _shared.pop(key, None))
    gap, entries = await asyncio.shield(shared)
    return gap, list(entries)


async def _after_bounded(
    tenant_id: uuid.UUID, cursor: str, before: str | None
) -> tuple[bool, list[Entry]]:
    async with _reads:
        return await _after(tenant_id, cursor, before)


async def _after(tenant_id: uuid.UUID, cursor: str, before: str | None) -> tuple[bool, list[Entry]]:
    redis: Any = get_redis()
    start = parse_cursor(cursor)
    floor = await redis.get(_floor_key(tenant_id))
    gap = floor is not None and parse_cursor(floor.decode()) > start
    if start[0] and start[0] < time.time() * 1000 - HISTORY_TTL_MS:
        gap = True  # older than anything kept, even a history that expired whole
    out: list[Entry] = []
    low = "(" + cursor
    while True:
        rows = await redis.xrange(_stream_key(tenant_id), min=low, max="+", count=500)
        for raw_id, fields in rows:
            c = raw_id.decode()
            if before is not None and parse_cursor(c) >= parse_cursor(before):
                return gap, out
            out.append(entry(c, fields[b"t"].decode(), fields[b"b"].decode()))
        if len(rows) < 500:
            return gap, out
        low = "(" + rows[-1][0].decode()
