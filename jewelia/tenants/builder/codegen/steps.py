"""What both generators read from a normalised definition: steps, their containers, a one-line
summary of each, and the literals emitted for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

POLICY_KEYS = ("id", "type", "if", "onError", "retry")
NOT_EXPORTED: tuple[str, ...] = ()  # step types the export cannot perform at all


def policy(step: dict[str, Any]) -> dict[str, Any]:
    """The step's id, type, condition, error route and retry policy (what the loop needs)."""
    out = {k: step[k] for k in POLICY_KEYS if k in step}
    if out.get("onError") == "stop":
        del out["onError"]  # the default
    if (out.get("retry") or {}).get("attempts", 1) == 1:
        out.pop("retry", None)  # one attempt: the policy's other fields say nothing
    return out


def children(step: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """The step lists inside a container."""
    config = step.get("config") or {}
    if step.get("type") == "for_each":
        yield config.get("actions") or []
    elif step.get("type") == "branch":
        for branch in config.get("branches") or []:
            yield branch.get("actions") or []
        yield config.get("else") or []


def walk(steps: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every step, containers before their contents (document order)."""
    for step in steps:
        yield step
        for inner in children(step):
            yield from walk(inner)


def summary(step: dict[str, Any]) -> str:
    """One line saying what the step does."""
    kind, config = step.get("type"), step.get("config") or {}
    if kind == "http_request":
        text = f"sends {config.get('method') or 'GET'} {config.get('url')}"
    elif kind == "transform":
        text = f"computes `{_short(config.get('output'))}` (JSONata)"
    elif kind == "database":
        text = f"{config.get('operation')}s {config.get('resource')} through the API"
    elif kind == "notification":
        text = f"sends a {config.get('channel')} notification"
        text += "" if config.get("channel") == "slack" else " (printed: see the README)"
    elif kind == "file":
        text = f"{config.get('operation')}s the {config.get('format')} file {config.get('name')}"
        text += " (locally: see the README)"
    elif kind == "delay":
        text = f"waits {config.get('seconds')} s"
    elif kind == "for_each":
        items = config.get("items")
        text = f"repeats its steps for each of `{_short(items)}`"
    elif kind == "branch":
        count = len(config.get("branches") or [])
        text = f"runs the first of {count} branches whose condition holds"
        text += " (else the else steps)" if config.get("else") else ""
    elif kind in NOT_EXPORTED:
        text = f"a {kind} step: not available through the public API (fails when reached)"
    else:
        text = f"a {kind} step"
    if step.get("if") is not None:
        text += f", only if `{_short(step['if'])}`"
    if step.get("onError") == "continue":
        text += "; a failure does not stop the run"
    attempts = (step.get("retry") or {}).get("attempts", 1)
    if isinstance(attempts, int) and attempts > 1:
        text += f"; up to {attempts} attempts"
    return text


def _short(value: Any, limit: int = 70) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
