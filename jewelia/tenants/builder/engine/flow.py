"""The shape of a definition as the engine reads it: steps with ids, containers and policies.

The builder's validation (definition.py) refuses bad definitions before they are saved; the
engine still reads defensively, so a run of an odd definition fails with a message instead of
crashing a worker.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from jewelia.tenants.builder.engine.base import RETRY_KINDS

CONTAINERS = ("branch", "for_each")
MAX_ITEMS = 1000


def _children(step: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The step lists inside a container step."""
    config = step.get("config") or {}
    if step.get("type") == "for_each":
        return [config.get("actions") or []]
    if step.get("type") == "branch":
        lists = [b.get("actions") or [] for b in config.get("branches") or []]
        return [*lists, config.get("else") or []]
    return []


def normalize(definition: dict[str, Any]) -> dict[str, Any]:
    """A copy of the definition in which every step has an id: `step_<n>`, n counting every
    step of the flow from 1 in depth-first document order (containers before their contents),
    for the steps that have none (as the builder's definition.normalise numbers them)."""
    flow = copy.deepcopy(definition) if isinstance(definition, dict) else {}
    flow.setdefault("actions", [])
    counter = 0

    def walk(steps: list[dict[str, Any]]) -> None:
        nonlocal counter
        for step in steps:
            if isinstance(step, dict):
                counter += 1
                if not isinstance(step.get("id"), str):
                    step["id"] = f"step_{counter}"
                for inner in _children(step):
                    walk(inner if isinstance(inner, list) else [])

    walk(flow["actions"] if isinstance(flow["actions"], list) else [])
    return flow


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 1
    backoff: str = "exponential"
    delay_seconds: float = 1.0
    retry_on: tuple[str, ...] = RETRY_KINDS

    @classmethod
    def of(cls, step: dict[str, Any]) -> RetryPolicy:
        given = step.get("retry") or {}
        if not isinstance(given, dict):
            return cls()
        attempts = given.get("attempts", 1)
        delay = given.get("delaySeconds", 1.0)
        return cls(
            attempts=max(1, min(int(attempts), 10)) if isinstance(attempts, int) else 1,
            backoff="fixed" if given.get("backoff") == "fixed" else "exponential",
            delay_seconds=max(0.1, min(float(delay), 3600.0))
            if isinstance(delay, int | float)
            else 1.0,
            retry_on=tuple(k for k in given.get("retryOn") or RETRY_KINDS if k in RETRY_KINDS),
        )

    def delay_after(self, attempt: int, jitter: float) -> float:
        """Seconds to wait after failed attempt `attempt` (from 1). Exponential back-off doubles
        per attempt with "equal jitter" (half fixed, half random: jitter in [0, 1)), capped at
        an hour; fixed waits delaySeconds."""
        if self.backoff == "fixed":
            return self.delay_seconds
        full = min(self.delay_seconds * 2 ** (attempt - 1), 3600.0)
        return full / 2 + full / 2 * jitter


def on_error(step: dict[str, Any]) -> str:
    return "continue" if step.get("onError") == "continue" else "stop"


def chain(definition: dict[str, Any], path: str) -> list[str]:
    """The step paths from the outermost container down to the step at `path` (the executor's
    paths: a for_each adds `<its path>.<index>.`, a branch adds nothing); [] if not found."""

    def walk(steps: Any, prefix: str) -> list[str]:
        for step in steps if isinstance(steps, list) else []:
            if not isinstance(step, dict) or not isinstance(step.get("id"), str):
                continue
            here = f"{prefix}{step['id']}"
            if here == path:
                return [here]
            config = step.get("config")
            config = config if isinstance(config, dict) else {}
            if step.get("type") == "branch":
                for inner in _children(step):
                    found = walk(inner, prefix)
                    if found:
                        return [here, *found]
            elif step.get("type") == "for_each" and path.startswith(f"{here}."):
                index = path[len(here) + 1 :].split(".", 1)[0]
                found = walk(config.get("actions"), f"{here}.{index}.")
                if found:
                    return [here, *found]
        return []

    return walk(definition.get("actions"), "")
