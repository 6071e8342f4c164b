"""The jobs port: services start background work by actor name, without importing the actor."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from dramatiq import Broker, Message
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis, dq_name

from jewelia.core.redis_client import get_redis

_broker: Broker | None = None
_dispatch: tuple[Any, Any] | None = None  # (asyncio Redis client, its dispatch script)


def use_broker(broker: Broker) -> None:
    """Register the process's broker (done by `jewelia.workers.broker` when it is imported)."""
    global _broker
    _broker = broker


def enqueue(
    actor_name: str,
    *args: Any,
    queue_name: str = "default",
    delay_ms: int | None = None,
    **kwargs: Any,
) -> None:
    """Send a message to the actor called `actor_name` on `queue_name`, delivered no sooner
    than `delay_ms` milliseconds from now when given (sync: call in a thread)."""
    if _broker is None:
        raise RuntimeError("no broker registered: import jewelia.workers.broker at start-up")
    actor = _broker.actors.get(actor_name)
    if actor is not None and actor.queue_name != queue_name:
        raise ValueError(f"{actor_name} listens on {actor.queue_name!r}, not {queue_name!r}")
    _broker.enqueue(
        Message(queue_name=queue_name, actor_name=actor_name, args=args, kwargs=kwargs, options={}),
        delay=delay_ms or None,
    )


async def enqueue_async(
    actor_name: str,
    *args: Any,
    queue_name: str = "default",
    delay_ms: int | None = None,
    **kwargs: Any,
) -> None:
    """`enqueue` from the event loop without a thread: on Dramatiq's Redis broker, its own
    dispatch script through the process's asyncio Redis client (as RedisBroker.enqueue does
    it, middleware hooks included); any other broker in a thread."""
    broker = _broker
    if not isinstance(broker, RedisBroker):
        await asyncio.to_thread(
            enqueue, actor_name, *args, queue_name=queue_name, delay_ms=delay_ms, **kwargs
        )
        return
    actor = broker.actors.get(actor_name)
    if actor is not None and actor.queue_name != queue_name:
        raise ValueError(f"{actor_name} listens on {actor.queue_name!r}, not {queue_name!r}")
    message: Message[Any] = Message(
        queue_name=queue_name,
        actor_name=actor_name,
        args=args,
        kwargs=kwargs,
        options={"redis_message_id": str(uuid.uuid4())},
    )
    delay = delay_ms or None
    if delay is not None:
        eta = current_millis() + delay
        message = message.copy(queue_name=dq_name(queue_name), options={"eta": eta})
    if type(broker)._max_unpack_size_val is None:  # read from Redis once per process
        await asyncio.to_thread(broker._max_unpack_size)
    broker.emit_before("enqueue", message, delay)
    await _dispatch_script(broker)(
        keys=[broker.namespace],
        args=[
            "enqueue",
            current_millis(),
            message.queue_name,
            broker.broker_id,
            broker.heartbeat_timeout,
            broker.dead_message_ttl,
            broker._should_do_maintenance("enqueue"),
            broker._max_unpack_size(),
            message.options["redis_message_id"],
            message.encode(),
        ],
    )
    broker.emit_after("enqueue", message, delay)


def _dispatch_script(broker: RedisBroker) -> Any:
    """The broker's dispatch script registered on the current asyncio Redis client."""
    global _dispatch
    client = get_redis()
    if _dispatch is None or _dispatch[0] is not client:
        _dispatch = (client, client.register_script(broker.scripts["dispatch"].script))
    return _dispatch[1]
