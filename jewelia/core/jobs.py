"""The jobs port: services start background work by actor name, without importing the actor."""

from __future__ import annotations

from typing import Any

from dramatiq import Broker, Message

_broker: Broker | None = None


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
