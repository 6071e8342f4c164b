"""A Dramatiq middleware that keeps one coroutine running on each worker's event loop.

Used for the loops that live beside the actors (the webhook dispatcher, the transfer and builder
sweepers), each made by `loop_task`: they share the AsyncIO middleware's loop and so the
process's database pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

import dramatiq
from dramatiq.asyncio import get_event_loop_thread

log = logging.getLogger("jewelia.worker")


class LoopTask(dramatiq.Middleware):
    """Runs `run(stop)` from worker boot until shutdown sets `stop` (5 s to finish)."""

    def __init__(self, name: str, run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        self.name = name
        self.run = run
        self._future: Future[None] | None = None
        self._stop: asyncio.Event | None = None

    def after_worker_boot(self, broker: Any, worker: Any) -> None:
        thread = get_event_loop_thread()
        if thread is None:
            log.error("AsyncIO middleware missing: %s not started", self.name)
            return

        async def start() -> None:
            self._stop = asyncio.Event()
            await self.run(self._stop)

        self._future = asyncio.run_coroutine_threadsafe(start(), thread.loop)

    def before_worker_shutdown(self, broker: Any, worker: Any) -> None:
        thread = get_event_loop_thread()
        if self._stop is not None and thread is not None:
            thread.loop.call_soon_threadsafe(self._stop.set)
        if self._future is not None:
            try:
                self._future.result(timeout=5)
            except Exception:
                self._future.cancel()


def loop_task(name: str, run: Callable[[asyncio.Event], Awaitable[None]]) -> LoopTask:
    """A LoopTask of a class of its own (Dramatiq warns about two middleware of one class)."""
    kind = type(f"LoopTask[{name}]", (LoopTask,), {"__module__": __name__})
    return kind(name, run)  # type: ignore[no-any-return]
