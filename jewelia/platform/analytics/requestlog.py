"""The API request log writer: an ASGI middleware appends one tuple per request to an
in-process buffer, and a background task writes the buffer to public.request_log with COPY.

The request pays a list append: no await on the database or Redis. The writer flushes every
second or every FLUSH_ROWS rows; when the database is down the buffer is bounded
(MAX_BUFFER rows, then new rows are dropped and counted) and a failed batch is logged and
dropped, so logging never fails or slows a request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from litestar.types import ASGIApp
from prometheus_client import Counter

from jewelia.core.db import DB
from jewelia.core.logs import request_id_var
from jewelia.core.metrics import REGISTRY
from jewelia.platform.apikeys import controls
from jewelia.platform.apikeys.guard import CALLER_SCOPE_KEY

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
FLUSH_SECONDS = 1.0
FLUSH_ROWS = 1000
MAX_BUFFER = 100_000
COLUMNS = (
    "at",
    "tenant_id",
    "request_id",
    "source",
    "credential_type",
    "credential_id",
    "credential_label",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "request_size",
    "response_size",
    "user_agent",
    "ip_address",
    "error_code",
    "user_id",
)
CREDENTIAL_TYPES = frozenset({"api_key", "user", "app"})
_ERROR_CODE = re.compile(rb'"code"\s*:\s*"([A-Za-z0-9_.:-]{1,64})"')

DROPPED = Counter(
    "jewelia_request_log_dropped",
    "Request log rows dropped (buffer full or a failed write)",
    registry=REGISTRY,
)


class RequestLogWriter:
    """The process's buffer of request rows and the task that writes it."""

    def __init__(self) -> None:
        self.buffer: list[tuple[Any, ...]] = []
        self.dropped = 0
        self.written = 0
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._days: set[date] = set()
        self._stopping = False

    def append(self, row: tuple[Any, ...]) -> None:
        """Buffer one row (called on the request path: no I/O)."""
        if len(self.buffer) >= MAX_BUFFER:
            self.dropped += 1
            DROPPED.inc()
            return
        self.buffer.append(row)
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            self._start(loop)
        elif len(self.buffer) >= FLUSH_ROWS and self._wake is not None:
            self._wake.set()

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        # A new event loop (a test client's, a second app in a benchmark): a task, event and
        # lock of its own; the old loop's task went with that loop.
        if self._loop is not loop:
            self._lock = asyncio.Lock()
        self._loop = loop
        self._wake = asyncio.Event()
        self._stopping = False
        self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)
            except TimeoutError:
                pass
            self._wake.clear()
            await self.flush()

    async def flush(self) -> int:
        """Write everything buffered so far; a failed batch is logged and dropped."""
        async with self._lock:
            written = 0
            while self.buffer:
                batch, self.buffer = self.buffer[: FLUSH_ROWS * 10], self.buffer[FLUSH_ROWS * 10 :]
                try:
                    await self._write(batch)
                    written += len(batch)
                except Exception as exc:
                    self.dropped += len(batch)
                    DROPPED.inc(len(batch))
                    closing = DB.pool is None or DB.pool.is_closing()  # shutting down: no trace
                    log.warning(
                        "request log: %d rows not written: %s",
                        len(batch),
                        exc,
                        exc_info=not closing,
                    )
            self.written += written
            return written

    async def _write(self, batch: list[tuple[Any, ...]]) -> None:
        records = [_record(row) for row in batch]
        if DB.pool is None:
            raise RuntimeError("database pool not started")
        async with DB.pool.acquire() as conn:
            for day in {r[0].date() for r in records} - self._days:
                await conn.execute("SELECT public.request_log_partition($1)", day)
                self._days.add(day)
            await conn.copy_records_to_table(
                "request_log", schema_name="public", columns=COLUMNS, records=records
            )

    async def stop(self) -> None:
        """Stop the background task and write what is left."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            if self._wake is not None:
                self._wake.set()
            try:
                await asyncio.wait_for(task, 10)
            except Exception:
                task.cancel()
        await self.flush()


WRITER = RequestLogWriter()


async def flush_now() -> int:
    """Write the buffered rows at once (tests, shutdown); the number written."""
    return await WRITER.flush()


@asynccontextmanager
async def request_log_lifespan(app: Any) -> AsyncIterator[None]:
    """Flush the buffer on shutdown, before the lifespan that owns the pool closes it."""
    try:
        yield
    finally:
        await WRITER.stop()


def _ip(address: str | None) -> Any:
    if not address:
        return None
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None


def _record(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A buffered row as COPY wants it (the slower conversions happen here, off the request)."""
    (at, auth, rid, method, route, path, status, duration, headers, sent, ip, error) = row
    actor = auth.actor
    kind = actor.type if actor.type in CREDENTIAL_TYPES else "api_key"
    size, agent = 0, ""
    for key, value in headers:
        if key == b"content-length":
            size = int(value) if value.isdigit() and len(value) < 11 else 0
        elif key == b"user-agent":
            agent = value[:500].decode("latin-1")
    code = None
    if error:
        found = _ERROR_CODE.search(error)
        code = found.group(1).decode() if found else None
    return (
        datetime.fromtimestamp(at, UTC),
        auth.tenant.id,
        (rid or "")[:64],
        "server",
        kind,
        actor.id,
        (actor.label or "")[:200],
        method[:10],
        route[:300],
        path[:2000],
        min(max(status, 100), 599),
        max(duration, 0.0),
        min(size, 2**31 - 1),
        min(sent, 2**31 - 1),
        agent,
        _ip(ip),
        code,
        None,
    )


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """Record each /api/v1 request made by an authenticated business, after its response."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await app(scope, receive, send)
            return
        at = time.time()
        start = time.perf_counter()
        status = 500
        sent = 0
        error: bytes | None = None

        async def send_wrapper(message: Any) -> None:
            nonlocal status, sent, error
            if message["type"] == "http.response.body":
                body = message.get("body", b"")
                sent += len(body)
                if status >= 400 and error is None:
                    error = body[:4096]
            elif message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            auth = scope.get(CALLER_SCOPE_KEY)
            if auth is not None:
                WRITER.append(
                    (
                        at,
                        auth,
                        request_id_var.get(),
                        scope["method"],
                        scope.get("path_template") or scope["path"],
                        scope["path"],
                        status,
                        (time.perf_counter() - start) * 1000,
                        scope["headers"],
                        sent,
                        controls.client_address(scope),
                        error,
                    )
                )

    return middleware
