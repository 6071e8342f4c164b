"""Fan-out inside a web process: Litestar's channels plugin on the Redis pub/sub backend.

One Redis subscription per business channel per process, one bounded queue per client. A
queue that fills (the client reads slower than events arrive) is marked overflowed instead of
growing: its client is cut off with a gap notice and resumes from its last cursor.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import suppress

from litestar.channels import ChannelsPlugin, Subscriber
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.channels.subscriber import BacklogStrategy
from litestar.config.app import AppConfig
from redis.asyncio import Redis

from jewelia.core.settings import get_settings

# Channels this process has received a message on since it subscribed them: their Redis
# subscription is certainly in effect, so a client joining one needs no catch-up read.
LIVE: set[str] = set()
QUEUE_EVENTS = int(os.environ.get("JEWELIA_STREAM_QUEUE", "10000"))
QUEUE_BYTES = int(os.environ.get("JEWELIA_STREAM_QUEUE_BYTES", str(4 << 20)))


class SlowConsumer(Exception):
    """The client's queue overflowed: it missed events."""


class Closed(Exception):
    """The subscriber was unsubscribed."""


class StreamSubscriber(Subscriber):
    """A subscriber whose queue is bounded in events and bytes, and says when it overflowed."""

    def __init__(
        self,
        plugin: ChannelsPlugin,
        max_backlog: int | None = None,
        backlog_strategy: BacklogStrategy = "backoff",
    ) -> None:
        super().__init__(plugin, max_backlog, backlog_strategy)
        self.pending_bytes = 0
        self.overflow = asyncio.Event()
        self.channel = ""

    def put_nowait(self, item: bytes | None) -> bool:
        """Queue a message, or mark the subscriber overflowed when it has no room left."""
        if item is None:
            return super().put_nowait(None)
        LIVE.add(self.channel)
        if self.overflow.is_set() or self.pending_bytes + len(item) > QUEUE_BYTES:
            self.overflow.set()
            return False
        if not super().put_nowait(item):
            self.overflow.set()
            return False
        self.pending_bytes += len(item)
        return True

    async def put(self, item: bytes | None) -> None:
        """Never wait for room (the plugin's unsubscribe puts None into a full queue)."""
        with suppress(asyncio.QueueFull):
            self._queue.put_nowait(item)

    def discard(self) -> None:
        """Drop every queued message."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self.pending_bytes = 0

    async def next(self, seconds: float) -> bytes | None:
        """The next message, None after `seconds` without one."""
        if self.overflow.is_set():
            raise SlowConsumer
        try:
            item = self._queue.get_nowait()  # the common case under load: no timer, no wait
        except asyncio.QueueEmpty:
            try:
                async with asyncio.timeout(seconds):
                    item = await self._queue.get()
            except TimeoutError:
                return None
        if item is None:
            raise Closed
        self.pending_bytes -= len(item)
        if self.overflow.is_set():
            raise SlowConsumer
        return item


async def subscribe(plugin: ChannelsPlugin, channel: str) -> tuple[StreamSubscriber, bool]:
    """A subscriber to one channel, and whether the channel was already live here."""
    live = channel in LIVE and bool(plugin._channels.get(channel))
    subscriber = await plugin.subscribe([channel])
    assert isinstance(subscriber, StreamSubscriber)
    subscriber.channel = channel
    return subscriber, live


async def unsubscribe(plugin: ChannelsPlugin, subscriber: StreamSubscriber) -> None:
    """Drop the subscriber (and the channel's liveness when it was the last one here)."""
    await plugin.unsubscribe(subscriber, [subscriber.channel])
    if not plugin._channels.get(subscriber.channel):
        LIVE.discard(subscriber.channel)


class StreamChannels(ChannelsPlugin):
    """The channels plugin without its app-wide `channels` dependency: Litestar reports a bad
    body field of that name (an alert rule's `channels`) as a failed dependency, a 500; the
    stream's handlers take the plugin from the app instead."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Register the plugin's lifespan, then drop the dependency it adds."""
        app_config = super().on_app_init(app_config)
        app_config.dependencies.pop("channels", None)
        return app_config


def channels_plugin() -> ChannelsPlugin:
    """The app's channels plugin (its own Redis client: pub/sub blocks without a timeout)."""
    redis = Redis.from_url(get_settings().redis_url, health_check_interval=30)
    return StreamChannels(
        RedisChannelsPubSubBackend(redis=redis),
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=QUEUE_EVENTS,
        subscriber_backlog_strategy="backoff",
        subscriber_class=StreamSubscriber,
    )
