"""The engine's use of the expression language (jewelia.tenants.builder.expressions): JSONata
expressions and `{{ }}` templates, their failures turned into step errors.

These calls block (a JSONata evaluation is a round trip to a sandboxed worker process, a
template renders under a deadline), so they run off the event loop (`in_thread`) and one slow
expression never stalls the other runs and heartbeats of the worker process. The exception is
a plain expression (expressions.plain: a condition or a field mapping over a small context),
evaluated in this process in microseconds: `call` (alias `in_thread`) runs a call here when all
it evaluates is such expressions, and in a thread otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from jewelia.tenants.builder import expressions
from jewelia.tenants.builder.engine.base import StepError

T = TypeVar("T")


def _failed(exc: expressions.ExpressionError) -> StepError:
    return StepError(exc.message, exc.code.lower())


def prepared(context: dict[str, Any]) -> expressions.PreparedContext:
    """The context encoded once, for several evaluations over it (StepError if it cannot be)."""
    try:
        return expressions.prepare(context)
    except expressions.ExpressionError as exc:
        raise _failed(exc) from exc


def evaluate(expression: str, context: dict[str, Any] | expressions.PreparedContext) -> Any:
    """The value of a JSONata expression (None when undefined), or StepError."""
    try:
        return expressions.evaluate(expression, context)
    except expressions.ExpressionError as exc:
        raise _failed(exc) from exc


def render_template(template: str, context: dict[str, Any]) -> str:
    """A `{{ }}` template rendered to text, or StepError."""
    try:
        return expressions.render(template, context)
    except expressions.ExpressionError as exc:
        raise _failed(exc) from exc


def render_value(value: Any, context: dict[str, Any]) -> Any:
    """A JSON value whose strings holding `{{ }}` are rendered as templates, or StepError."""
    try:
        return expressions.render_value(value, context)
    except expressions.ExpressionError as exc:
        raise _failed(exc) from exc


def truthy(value: Any) -> bool:
    """JSONata's boolean cast: empty strings, arrays and objects, zero, null and undefined are
    false; an array is true when one of its members is."""
    if isinstance(value, list):
        return any(truthy(v) for v in value)
    return bool(value)


async def call(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking expression call here when it evaluates only plain expressions over a
    small context and renders no template (each a few µs), else in a thread. The call is
    started again in the thread, so it must have no effect besides its result (a condition,
    an action's `prepare`)."""
    try:
        with expressions.inline_only():
            return function(*args)
    except expressions.NeedsWorker:
        return await asyncio.to_thread(function, *args)


# The actions' name for it (a transform's output, a file step's rows): the same rule.
in_thread = call
