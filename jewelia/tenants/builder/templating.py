"""`{{ }}` text templates for the builder, in a bounded Jinja sandbox.

Used through jewelia.tenants.builder.expressions (render, render_value, check_template); this
module holds the environment. Templates are Jinja2 (>= 3.1.6) in an
`ImmutableSandboxedEnvironment` subclass, autoescape off (the output is plain text: an HTTP
body, a header, an email), and `StrictUndefined` (FlowUndefined): a name or key that does not
exist is an error that names it (`'dict object' has no attribute 'emial'`), so a typo fails
the step instead of sending an empty field; write `{{ x | default('') }}` for a value that may
be absent. The one leniency: a missing value is false in a test, so `{% if x.phone %}` works.

What a template may use, beyond the sandbox's own refusals (underscored attributes, the
internals of functions, classes and frames, mutating lists and dicts):
- data: the context's keys (`trigger`, `steps`, `run`, `item`, `index`); on a dict a key wins
  over a method of the same name (`trigger.items` is the payload's `items`);
- a short list of string, dict and list methods (`upper`, `split`, `get`, …; no `format`,
  `replace`, `ljust`, `join` …: their filter forms are there, bounded), `loop.*` in loops;
- the filters in `FILTERS` (no `attr`, `format`, `center`, `indent`, `wordwrap`, `batch`,
  `slice`, `xmlattr`, `urlize`, `random`, `pprint`); the standard tests;
- `range` as the only global (no `lipsum`, `cycler`, `joiner`, `namespace`, `dict`);
- `{% if %}`, `{% for %}` (not `recursive`), `{% set x = … %}`, `{% with %}`, comments. Not
  macros, call blocks, block `set`, `{% filter %}` blocks, extends, include or import.

Bounds, per render (`Bounds`): the template's length; a deadline and a step budget, checked
at every loop iteration, attribute or item access, call, operator, filter and output chunk; at
most `max_loop_items` items in one loop or one `range`; every value a template builds (by `~`,
`+`, `*`, a filter) and every `{{ }}` output is at most `max_output` characters, checked
before the large thing is built where it could be (join, `*`, replace), and the whole output
too, as it streams. `**` is limited to results of `max_int_bits` bits, `%` formatting of
strings is refused. Loop bodies cannot accumulate (Jinja scopes `set` to one iteration and
`namespace` is gone), so no value can grow by repetition.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, nodes, pass_context
from jinja2.exceptions import TemplateSyntaxError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer


class TemplateLimit(Exception):
    """A bound was passed, or a refused operation tried, while rendering; `kind` is the
    expression error code (EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE, EXPRESSION_INVALID)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


INVALID, TIMEOUT, TOO_LARGE = "EXPRESSION_INVALID", "EXPRESSION_TIMEOUT", "EXPRESSION_TOO_LARGE"


@dataclass
class Bounds:
    """The limits of one render."""

    timeout_ms: int = 100
    max_steps: int = 200_000
    max_loop_items: int = 10_000
    max_output: int = 1_000_000
    max_int_bits: int = 4096


@dataclass
class _Budget:
    bounds: Bounds
    deadline: float
    steps: int


_BUDGET: ContextVar[_Budget | None] = ContextVar("jewelia_template_budget", default=None)


def _bounds() -> Bounds:
    budget = _BUDGET.get()
    return budget.bounds if budget is not None else Bounds()


def tick() -> None:
    """One unit of template work: refuse it past the render's step budget or deadline."""
    budget = _BUDGET.get()
    if budget is None:  # compile-time constant folding: bounded by the template's length
        return
    budget.steps -= 1
    if budget.steps < 0:
        raise TemplateLimit(
            f"the template did more than {budget.bounds.max_steps:,} steps of work", TIMEOUT
        )
    if time.monotonic() > budget.deadline:
        raise TemplateLimit(
            f"the template took longer than {budget.bounds.timeout_ms} ms to render", TIMEOUT
        )


def size_of(value: Any, limit: int) -> int:
    """Roughly how many characters `str(value)` or its JSON would have; stops past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += max(1, item.bit_length() * 3 // 10 + 1)
        else:
            total += 8
    return total


def check_size(value: Any, what: str = "a value") -> Any:
    limit = _bounds().max_output
    if size_of(value, limit) > limit:
        raise TemplateLimit(f"{what} would be over the limit of {limit:,} characters", TOO_LARGE)
    return value


def bounded_range(*args: int) -> range:
    """`range`, refused past max_loop_items numbers."""
    tick()
    numbers = range(*args)
    limit = _bounds().max_loop_items
    if len(numbers) > limit:
        raise TemplateLimit(
            f"range() of {len(numbers):,} numbers is over the limit of {limit:,}", TOO_LARGE
        )
    return numbers


# --- filters: a chosen set, each bounded ----------------------------------------------------

_PLAIN_FILTERS = (
    "abs capitalize count d default dictsort e escape filesizeformat first float groupby int"
    " items last length list lower map max min reject rejectattr reverse round select"
    " selectattr sort string striptags sum title trim truncate unique upper wordcount"
).split()


def _checked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A Jinja filter whose result is size-checked, with the filter's own calling convention
    (pass_environment / pass_eval_context markers are kept)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tick()
        return check_size(function(*args, **kwargs), f"the result of |{name}")

    return _same_convention(wrapper, function)


def _same_convention(wrapper: Callable[..., Any], function: Callable[..., Any]) -> Any:
    """Give the wrapper the filter's pass_context / pass_environment marker, if any."""
    marker = getattr(function, "jinja_pass_arg", None)
    if marker is not None:
        wrapper.jinja_pass_arg = marker  # type: ignore[attr-defined]
    return wrapper


@pass_context
def _join(context: Context, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    tick()
    items = list(value)
    if attribute is not None:
        getter = make_attrgetter(context.environment, attribute)
        items = [getter(item) for item in items]
    limit = _bounds().max_output
    total = len(d) * max(0, len(items) - 1)
    for item in items:
        total += size_of(item, limit)
        if total > limit:
            raise TemplateLimit(f"|join would be over the limit of {limit:,} characters", TOO_LARGE)
    return d.join(str(item) for item in items)


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    tick()
    text, old, new = str(value), str(old), str(new)
    hits = text.count(old) if count is None else min(max(count, 0), text.count(old))
    limit = _bounds().max_output
    if len(text) + hits * max(0, len(new) - len(old)) > limit:
        raise TemplateLimit(f"|replace would be over the limit of {limit:,} characters", TOO_LARGE)
    return text.replace(old, new, -1 if count is None else count)


def _serialising(name: str) -> Callable[..., Any]:
    """tojson and urlencode: the input is size-checked before it is serialised."""
    function = JINJA_FILTERS[name]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tick()
        value = args[1] if name == "tojson" else args[0]  # tojson takes the eval context first
        check_size(value, f"the input of |{name}")
        if name == "tojson":
            indent = kwargs.get("indent", args[2] if len(args) > 2 else None)
            if indent is not None and not 0 <= int(indent) <= 8:
                raise TemplateLimit("|tojson indent must be 0 to 8", TOO_LARGE)
        return check_size(function(*args, **kwargs), f"the result of |{name}")

    return _same_convention(wrapper, function)


@pass_context
def _loop_items(context: Context, value: Any) -> Iterator[Any]:
    """What every `{% for %}` iterates: its items, counted against the render's budget."""
    limit = _bounds().max_loop_items
    try:
        size = len(value)
    except TypeError:
        size = None
    if size is not None and size > limit:
        raise TemplateLimit(f"a loop over {size:,} items is over the limit of {limit:,}", TOO_LARGE)
    for n, item in enumerate(value):
        if n >= limit:
            raise TemplateLimit(f"a loop went past the limit of {limit:,} items", TOO_LARGE)
        tick()
        yield item


@pass_context
def _concat(context: Context, parts: list[Any]) -> str:
    """The `~` operator, size-checked before the string is built."""
    tick()
    limit = _bounds().max_output
    total = 0
    for part in parts:
        total += size_of(part, limit)
        if total > limit:
            raise TemplateLimit(f"~ would make over {limit:,} characters", TOO_LARGE)
    return "".join(str(part) for part in parts)


LOOP_FILTER, CONCAT_FILTER = "_jewelia_loop", "_jewelia_concat"


def _filters() -> dict[str, Callable[..., Any]]:
    out = {name: _checked(name, JINJA_FILTERS[name]) for name in _PLAIN_FILTERS}
    out.update(
        join=_join,
        replace=_checked("replace", _replace),
        tojson=_serialising("tojson"),
        urlencode=_serialising("urlencode"),
    )
    out[LOOP_FILTER] = _loop_items
    out[CONCAT_FILTER] = _concat
    return out


FILTERS = _filters()

# --- attributes and methods -----------------------------------------------------------------

_STR_METHODS = frozenset(
    "capitalize casefold count endswith find index isalnum isalpha isdigit islower isnumeric"
    " isspace istitle isupper lower lstrip removeprefix removesuffix rfind rindex rsplit rstrip"
    " split splitlines startswith strip swapcase title upper".split()
)
_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
_SEQUENCE_METHODS = frozenset({"count", "index"})
_LOOP_ATTRIBUTES = frozenset(
    "changed cycle depth depth0 first index index0 last length nextitem previtem revindex"
    " revindex0".split()
)
_GROUP_ATTRIBUTES = frozenset({"grouper", "list"})


def _allowed(obj: Any, attr: str) -> bool:
    if isinstance(obj, str):
        return attr in _STR_METHODS
    if isinstance(obj, Mapping):
        return attr in _MAPPING_METHODS
    if isinstance(obj, LoopContext):
        return attr in _LOOP_ATTRIBUTES
    if isinstance(obj, tuple) and type(obj).__name__ == "_GroupTuple":
        return attr in _GROUP_ATTRIBUTES
    if isinstance(obj, list | tuple):
        return attr in _SEQUENCE_METHODS
    return False


# --- the template's syntax tree: loops counted, concatenation checked, some statements refused

_REFUSED = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.AssignBlock: "block set ({% set x %}…{% endset %})",
    nodes.FilterBlock: "filter blocks",
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
}


class _Guard(NodeTransformer):
    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        for kind, what in _REFUSED.items():
            if isinstance(node, kind):
                raise TemplateSyntaxError(
                    f"{what} are not available in flow templates", node.lineno
                )
        if isinstance(node, nodes.For) and node.recursive:
            raise TemplateSyntaxError("recursive loops are not available", node.lineno)
        visited = super().generic_visit(node, *args, **kwargs)
        if isinstance(visited, nodes.For):
            visited.iter = _filter(visited.iter, LOOP_FILTER, visited.lineno)
        elif isinstance(visited, nodes.Concat):
            parts = nodes.List(visited.nodes, lineno=visited.lineno)
            return _filter(parts, CONCAT_FILTER, visited.lineno)
        return visited


def _filter(node: nodes.Node, name: str, lineno: int) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=lineno)


# --- the environment ------------------------------------------------------------------------


class FlowUndefined(StrictUndefined):
    """StrictUndefined, except that it is false in a test: `{% if trigger.customer.phone %}`
    works when the phone is absent (as JSONata's undefined is falsy); printing it, comparing
    it, iterating it or looking inside it (`trigger.ordr.total`) is still an error."""

    def __bool__(self) -> bool:  # type: ignore[override]  # StrictUndefined's raises
        return False


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed and bounded as the module docstring says."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=False,
            undefined=FlowUndefined,
            keep_trailing_newline=True,
            finalize=self._finalize,
            cache_size=0,
            auto_reload=False,
        )
        self.globals.clear()
        self.globals["range"] = bounded_range
        self.filters = dict(FILTERS)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded: nodes.Template = _Guard().visit(tree)
        return guarded

    @staticmethod
    def _finalize(value: Any) -> Any:
        tick()
        return check_size(value, "a {{ }} value")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return super().is_safe_attribute(obj, attr, value) and _allowed(obj, attr)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not on the allowed list; refuse it like any other method

    def getattr(self, obj: Any, attribute: str) -> Any:
        tick()
        if isinstance(obj, Mapping):  # data first: a JSON key wins over a dict method
            try:
                return obj[attribute]
            except (KeyError, TypeError):
                pass
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        tick()
        return check_size(super().call(__context, __obj, *args, **kwargs), "a call's result")

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        tick()
        bounds = _bounds()
        if operator == "%" and isinstance(left, str):
            raise TemplateLimit("% formatting of strings is not available; use filters", INVALID)
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and max(1, abs(left).bit_length()) * right > bounds.max_int_bits:
                raise TemplateLimit(
                    f"** would make a number over {bounds.max_int_bits} bits", TOO_LARGE
                )
        if operator == "*":
            _check_product(left, right, bounds)
        if operator == "+" and not isinstance(left, int | float):
            check_size([left, right], "+")
        return super().call_binop(context, operator, left, right)


def _check_product(left: Any, right: Any, bounds: Bounds) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            if len(seq) * times > bounds.max_output:
                raise TemplateLimit(
                    f"* would make over {bounds.max_output:,} characters or items", TOO_LARGE
                )
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > bounds.max_int_bits:
            raise TemplateLimit(f"* would make a number over {bounds.max_int_bits} bits", TOO_LARGE)


def render_bounded(
    environment: TemplateSandbox, template: Any, context: dict[str, Any], bounds: Bounds
) -> str:
    """Render a compiled template within `bounds`, streaming and measuring its output."""
    token = _BUDGET.set(
        _Budget(bounds, time.monotonic() + bounds.timeout_ms / 1000, bounds.max_steps)
    )
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > bounds.max_output:
                raise TemplateLimit(
                    f"the text would be over the limit of {bounds.max_output:,} characters",
                    TOO_LARGE,
                )
            tick()
            out.append(chunk)
        return "".join(out)
    finally:
        _BUDGET.reset(token)
