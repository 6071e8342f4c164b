"""The builder's expression layer: conditions and mappings in JSONata, text in `{{ }}`.

    evaluate(expression, context) -> Any        a JSONata expression's value (None: undefined)
    prepare(context) -> PreparedContext         a context encoded once, for several evaluate()
    render(template, context) -> str            a `{{ }}` text template, rendered
    render_value(value, context) -> Any         a JSON value with its template strings rendered
    check_expression(expression) -> str | None  None when it parses, else a short message
    check_template(template) -> str | None      the same for a template
    plain(expression) -> bool                   evaluated in this process (see below)
    inline_only()                               a block whose evaluations and renders must not
                                                block: NeedsWorker instead of a worker or Jinja
    ExpressionError(message, code)              code: EXPRESSION_INVALID, EXPRESSION_TIMEOUT
                                                or EXPRESSION_TOO_LARGE; `.message`, `.code`

The context is the flow's: `{"trigger", "steps": {id: {"output"}}, "run", "item", "index"}`.

JSONata: jsonatapy (PyPI, MIT; github txjmb/jsonata-core), a Rust implementation with a PyO3
binding, chosen over jsonata-python (Apache-2.0, rayokota/jsonata-python, a pure-Python port of
jsonata-java). Both are the real projects. jsonatapy reports the whole official jsonata-js
suite passing (1,686 of 1,686 cases for 2.2.x); jsonata-python runs the same suite with a
dozen documented overrides. Measured here on the same condition and mapping: a condition
~4 µs in jsonatapy against ~0.55 ms in jsonata-python, a 4-field mapping ~0.15 ms against
~5 ms, a compile ~40 µs against ~2 ms: jsonata-python alone would spend the engine's whole
per-step budget (1 ms) on one condition. jsonatapy also has guardrails per evaluation
(timeout, stack depth, sequence length) where jsonata-python has a timebox callback.

Neither library bounds memory, and neither can be interrupted inside one builtin:
`$pad("", 3e8)` ran 4 s past a 100 ms timeout in jsonatapy (7.5 s in jsonata-python),
`$join([1..1000].($$.big))` built 3 GB, and a Rust allocation failure aborts the whole
process. So JSONata runs in a small pool of worker processes (jsonata_worker.py, `python -I`,
only jsonatapy and msgspec imported) started on first use, one request at a time each:
  - the worker caps its own address space (`worker_memory` above what it had at start, with
    mimalloc's arena reservation made small so the cap is real); an expression that asks for
    more makes the worker die, and the caller gets EXPRESSION_TOO_LARGE;
  - jsonatapy's own guardrails stop the usual runaways cleanly inside the worker: timeout
    (EXPRESSION_TIMEOUT), recursion depth and sequence length (EXPRESSION_TOO_LARGE);
  - the caller waits at most twice the timeout (plus 0.25 s, plus time to parse a context it
    sends), then kills the worker (EXPRESSION_TIMEOUT); a new worker replaces any that died;
  - the result's JSON is refused past `max_output` characters, the expression past
    `max_expression_length` characters or `max_nesting` levels of brackets, the context past
    `max_context` bytes of JSON; `$eval` is refused (no expression built from data).
The context goes to a worker as JSON (msgspec) with its SHA-256; the worker parses it once
(jsonatapy's JsonataData, before the expression's clock starts) and keeps it under that digest
(`worker_cache` bytes of JSON, least recently used out), and the pool hands a call to an idle
worker that already holds its context, so a step's several expressions over one context parse
it once. What stays per call: encoding and hashing the context here (~0.1 ms for 10 KB, a few
ms per MB) and the round trip (~0.1 ms): a condition's p50 ~0.1 ms, a mapping's ~0.2 ms
(bench/builder_expressions.py). Syntax is checked in this process (jsonatapy's parser, after
the nesting bound) and cached, so a flow's expressions are parsed once per process and once
per worker.

Plain expressions run here, not in a worker. Most of a flow's expressions are conditions and
field mappings such as `trigger.amount > 0` or `trigger.name`, where the worker's round trip
(and the thread an async caller waits in) costs ~100 times the evaluation (a few µs). An
expression is plain (`plain()`) when it is at most 200 characters and, outside string literals
and backtick names, holds only names, numbers, `.`, `(`, `)`, comparisons (= != < <= > >=),
`and`/`or`/`in`, `+ -`, `? :` and at most 8 `&`: no `$` (no function, variable, `$$` or
`$eval`), no `..`, and none of `[ ] { } * / % ~ @ # ^ | ; ,`. Over a context of at most 32 KB
of JSON it is evaluated in this process by the same code as in the worker
(jsonata_worker.evaluate: jsonatapy's recursion and sequence guardrails, the `max_output` check)
under a 10 ms time budget. Why such an expression cannot run away:
  - nothing in it loops or builds: no function can be called or defined (a `(` after a value
    invokes it, and no JSON value is a function), no range, no array or object constructor, no
    wildcard, descendant, parent or sort operator, no regex;
  - names are read relative to the current item (no `$$` or `$`), so a path visits each node
    of the context at most once per step: no cross products, every sequence is at most the
    context's nodes (and jsonatapy's sequence bound still applies);
  - every value is a node of the context, a number, a boolean, or a string joined by `&` from
    at most 9 parts, each a node's text or a literal of the expression: a result is at most
    about (#& + 1) times the context plus the expression's literals once per node (~3 MB for
    the worst 200 characters over 32 KB), under the `max_output` check;
  - time is at most the expression's operators times the context's nodes (the worst 200
    characters over 32 KB take ~0.1 s); the 10 ms budget stops it earlier, and an expression
    that needs more is sent to a worker with its full timeout, as if it were not plain.
Everything else (functions, constructors, larger contexts) goes to the worker pool.

Templates: templating.py (Jinja's ImmutableSandboxedEnvironment, narrowed and bounded, in
this process; StrictUndefined). Limits are `LIMITS`, read from the environment
(JEWELIA_EXPRESSION_TIMEOUT_MS, JEWELIA_EXPRESSION_WORKERS) and changed with `configure()`.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import select
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonatapy
import msgspec
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from jewelia.tenants.builder import jsonata_worker, templating

EXPRESSION_INVALID = "EXPRESSION_INVALID"
EXPRESSION_TIMEOUT = "EXPRESSION_TIMEOUT"
EXPRESSION_TOO_LARGE = "EXPRESSION_TOO_LARGE"
CODES = frozenset({EXPRESSION_INVALID, EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE})


class ExpressionError(Exception):
    """An expression or template that is invalid, or that passed one of its bounds."""

    def __init__(self, message: str, code: str = EXPRESSION_INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code in CODES else EXPRESSION_INVALID

    def __reduce__(self) -> tuple[Any, ...]:  # pickled whole (a worker's result, a log)
        return (type(self), (self.message, self.code))


@dataclass(frozen=True)
class Limits:
    """The bounds of one evaluation or render."""

    # Wall-clock time, as jsonatapy measures it: on a busy machine a worker can wait that long
    # for a core (a 100 ms limit failed a 0.03 ms mapping once at load 10 on 2 cores), so the
    # default leaves room; a runaway costs at most this much of one worker's time.
    timeout_ms: int = 1000
    max_expression_length: int = 10_000  # characters of JSONata
    max_template_length: int = 100_000  # characters of template
    max_nesting: int = 100  # brackets inside brackets, in an expression
    max_output: int = 1_000_000  # characters: a result's JSON, a rendered text, any value
    max_context: int = 16_000_000  # bytes of the context's JSON (parsed: ~14x that)
    max_recursion: int = 300  # JSONata evaluation stack depth
    max_sequence: int = 100_000  # items in one JSONata sequence
    max_loop_items: int = 10_000  # items in one template loop or range()
    max_template_steps: int = 200_000  # loop iterations, lookups, calls, filters per render
    worker_memory: int = 384 * 1024 * 1024  # bytes a JSONata worker may add to its start size
    worker_cache: int = 4 * 1024 * 1024  # bytes of context JSON a worker keeps parsed
    workers: int = 2  # JSONata worker processes per application process, started on demand


def _from_environment() -> Limits:
    return Limits(
        timeout_ms=int(os.environ.get("JEWELIA_EXPRESSION_TIMEOUT_MS", "1000")),
        workers=int(os.environ.get("JEWELIA_EXPRESSION_WORKERS", "2")),
    )


LIMITS = _from_environment()


def configure(**changes: Any) -> Limits:
    """Change the limits (fields of Limits). Worker processes restart when their own limits
    (workers, worker_memory, worker_cache) change; the others apply from the next call."""
    global LIMITS
    before, LIMITS = LIMITS, replace(LIMITS, **changes)
    _syntax.cache_clear()  # the length and nesting bounds are part of what is cached
    _template.cache_clear()
    if any(getattr(before, f) != getattr(LIMITS, f) for f in _POOL_FIELDS):
        _shutdown()
    return LIMITS


_POOL_FIELDS = ("workers", "worker_memory", "worker_cache")


# --- JSONata: syntax, checked in this process -----------------------------------------------

_JSONATA_CODE = re.compile(r"\b([A-Z]\d{4}): ")


def _readable(message: str) -> str:
    """jsonatapy's "Parse error: S0207: Unexpected end of expression" as
    "Unexpected end of expression (S0207)"."""
    found = list(_JSONATA_CODE.finditer(message))
    if not found:
        return message
    last = found[-1]
    return f"{message[last.end() :].strip()} ({last.group(1)})"


def _nesting(expression: str) -> int:
    """The deepest nesting of ( [ { outside strings and comments."""
    depth = deepest = 0
    quote = ""
    i, n = 0, len(expression)
    while i < n:
        c = expression[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c == "/" and expression.startswith("/*", i):
            end = expression.find("*/", i + 2)
            i = n if end < 0 else end + 1
        elif c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth -= 1
        i += 1
    return deepest


@lru_cache(maxsize=4096)
def _syntax(expression: str) -> tuple[str, str] | None:
    """(code, message) when the expression cannot be evaluated as written, else None."""
    limits = LIMITS
    if len(expression) > limits.max_expression_length:
        return EXPRESSION_TOO_LARGE, (
            f"the expression is {len(expression):,} characters long, over the limit of"
            f" {limits.max_expression_length:,}"
        )
    if _nesting(expression) > limits.max_nesting:
        return EXPRESSION_TOO_LARGE, (
            f"the expression nests brackets more than {limits.max_nesting} levels deep"
        )
    if not expression.strip():
        return EXPRESSION_INVALID, "the expression is empty"
    try:
        jsonatapy.compile(expression)
    except BaseException as exc:  # ValueError; a Rust panic arrives as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        message = str(exc) or type(exc).__name__
        code = EXPRESSION_TOO_LARGE if "U1002" in message else EXPRESSION_INVALID
        return code, _readable(message)
    return None


def check_expression(expression: str) -> str | None:
    """None when the JSONata expression parses (and is within the length and nesting
    bounds), else a short message such as "Unexpected end of expression (S0207)"."""
    if not isinstance(expression, str):
        return "the expression must be a string"
    problem = _syntax(expression)
    return None if problem is None else problem[1]


# --- JSONata: plain expressions, evaluated in this process ----------------------------------

INLINE_MAX_LENGTH = 200  # characters of a plain expression
INLINE_MAX_CONTEXT = 32 * 1024  # bytes of context JSON a plain expression is evaluated over here
INLINE_MAX_JOINS = 8  # `&` in a plain expression
INLINE_BUDGET_MS = 10  # past this, a plain expression is given to a worker and its full timeout
_PLAIN_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t\r\n.()=<>+-?:"
)


@lru_cache(maxsize=4096)
def plain(expression: str) -> bool:
    """True when the expression is evaluated in this process (see the module doc): short, and
    outside literals only names, numbers, `. ( ) = != < <= > >= + - ? :` and a few `&`."""
    if len(expression) > INLINE_MAX_LENGTH:
        return False
    joins = 0
    i, n = 0, len(expression)
    while i < n:
        c = expression[i]
        if c in "\"'":  # a string literal, its escapes skipped
            i += 1
            while i < n and expression[i] != c:
                i += 2 if expression[i] == "\\" else 1
            if i >= n:
                return False
        elif c == "`":  # a name in backticks (no escapes)
            i = expression.find("`", i + 1)
            if i < 0:
                return False
        elif c == "!":
            if not expression.startswith("!=", i):
                return False
        elif c == "&":
            joins += 1
            if joins > INLINE_MAX_JOINS:
                return False
        elif c not in _PLAIN_CHARACTERS:
            return False
        elif c == "." and expression[i + 1 : i + 2] == ".":  # a range, `1..3`
            return False
        i += 1
    return True


class NeedsWorker(Exception):
    """Inside `inline_only()`: this evaluation (or render) cannot be done here at once; run
    the whole call again in a thread."""


_INLINE_ONLY: ContextVar[bool] = ContextVar("expressions_inline_only", default=False)


@contextmanager
def inline_only() -> Iterator[None]:
    """A block that must not block: a plain expression over a small context is evaluated as
    usual, while an evaluation that needs a worker, or a `{{ }}` template with tags, raises
    NeedsWorker instead (the caller then runs the call in a thread)."""
    token = _INLINE_ONLY.set(True)
    try:
        yield
    finally:
        _INLINE_ONLY.reset(token)


def _inline(expression: str, prepared: PreparedContext) -> list[Any] | None:
    """The worker's answer for a plain expression, computed here; None when the context is
    too large for that or the evaluation took longer than INLINE_BUDGET_MS."""
    if len(prepared.payload) > INLINE_MAX_CONTEXT or not plain(expression):
        return None
    limits = LIMITS
    budget = min(limits.timeout_ms, INLINE_BUDGET_MS)
    # fresh caches each call: jsonatapy's objects must not cross threads, and compiling 200
    # characters takes ~2 µs
    answer = jsonata_worker.evaluate(
        OrderedDict(),
        jsonata_worker.Contexts(0),
        [
            expression,
            prepared.digest,
            prepared.payload,
            budget,
            limits.max_recursion,
            limits.max_sequence,
            limits.max_output,
        ],
    )
    if answer[0] == "error" and answer[1] == EXPRESSION_TIMEOUT and budget < limits.timeout_ms:
        return None
    return answer


# --- JSONata: evaluated in worker processes -------------------------------------------------

_WORKER_SCRIPT = str(Path(__file__).with_name("jsonata_worker.py"))
_HEADER = struct.Struct(">I")
_STARTUP_SECONDS = 20.0
_BUSY_SECONDS = 30.0
_ENCODER = msgspec.json.Encoder(decimal_format="number", enc_hook=str)


class _Died(Exception):
    """The worker process ended (or its pipe broke)."""


class _Late(Exception):
    """The worker did not answer by the deadline."""


class _Worker:
    """One worker process, its two pipes, and the digests of the contexts it holds."""

    def __init__(self, memory: int, cache: int) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-I", _WORKER_SCRIPT, str(memory), str(cache)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            close_fds=True,
            start_new_session=True,  # a Ctrl-C to the application does not reach it
            env={"MIMALLOC_ARENA_RESERVE": "16M", "RUST_BACKTRACE": "0", "LC_ALL": "C.UTF-8"},
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin.fileno()
        self._out = self.process.stdout.fileno()
        self._poll = select.poll()
        self._poll.register(self._out, select.POLLIN)
        self._cache = cache
        self._known: OrderedDict[bytes, int] = OrderedDict()  # the worker's Contexts, mirrored
        self._known_size = 0
        if self.receive(time.monotonic() + _STARTUP_SECONDS)[0] != "ready":
            raise _Died("the worker did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def knows(self, digest: bytes) -> bool:
        return digest in self._known

    def remember(self, digest: bytes, size: int) -> None:
        """Mirror jsonata_worker.Contexts.put (a wrong guess costs one "missing" answer)."""
        if size > self._cache:
            self._known.clear()
            self._known_size = 0
            return
        self._known[digest] = size
        self._known_size += size
        while self._known_size > self._cache:
            self._known_size -= self._known.popitem(last=False)[1]

    def forget(self, digest: bytes) -> None:
        self._known_size -= self._known.pop(digest, 0)

    def send(self, message: list[Any]) -> None:
        body = msgspec.msgpack.encode(message)
        data = memoryview(_HEADER.pack(len(body)) + body)
        try:
            while data:
                data = data[os.write(self._in, data) :]
        except OSError as exc:  # BrokenPipeError: it is gone
            raise _Died(str(exc)) from exc

    def receive(self, deadline: float) -> list[Any]:
        header = self._read(_HEADER.size, deadline)
        answer: list[Any] = msgspec.msgpack.decode(self._read(_HEADER.unpack(header)[0], deadline))
        return answer

    def _read(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            wait = deadline - time.monotonic()
            if wait <= 0 or not self._poll.poll(max(1, int(wait * 1000))):
                if time.monotonic() >= deadline:
                    raise _Late()
                continue
            chunk = os.read(self._out, size - len(data))
            if not chunk:
                raise _Died("the worker's pipe closed")
            data += chunk
        return bytes(data)

    def ask(self, expression: str, digest: bytes, payload: bytes, limits: Limits) -> list[Any]:
        """Evaluate on this worker: the context's JSON is sent only if the worker lacks it."""
        for resend in (False, True):
            send = resend or not self.knows(digest)
            self.send(
                [
                    expression,
                    digest,
                    payload if send else None,
                    limits.timeout_ms,
                    limits.max_recursion,
                    limits.max_sequence,
                    limits.max_output,
                ]
            )
            # twice the timeout, a margin for a loaded machine, time to parse new context JSON
            wait = 2 * limits.timeout_ms / 1000 + 0.25 + (len(payload) / 5e6 if send else 0)
            answer = self.receive(time.monotonic() + wait)
            if answer[0] != "missing":
                if send:
                    self.remember(digest, len(payload))
                return answer
            self.forget(digest)
        raise _Died("the worker lost a context it was just sent")  # pragma: no cover

    def close(self) -> None:
        if self.alive():
            self.process.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL not yet delivered
            pass


class _Pool:
    """Up to `size` workers for this process; a caller takes an idle one (one that already
    holds its context if there is one) or starts one."""

    def __init__(self, limits: Limits) -> None:
        self.pid = os.getpid()
        self._limits = limits
        self._size = max(1, limits.workers)
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()

    def _acquire(self, digest: bytes) -> _Worker:
        with self._cond:
            while True:
                while self._idle:
                    at = next(
                        (i for i, w in enumerate(self._idle) if w.knows(digest)),
                        len(self._idle) - 1,
                    )
                    worker = self._idle.pop(at)
                    if worker.alive():
                        return worker
                    worker.close()
                    self._count -= 1
                if self._count < self._size:
                    self._count += 1
                    break
                if not self._cond.wait(timeout=_BUSY_SECONDS):
                    raise ExpressionError(
                        "every expression worker stayed busy; try again", EXPRESSION_TIMEOUT
                    )
        try:
            return _Worker(self._limits.worker_memory, self._limits.worker_cache)
        except BaseException as exc:
            self._forget(None)
            raise RuntimeError(f"could not start a JSONata worker: {exc}") from exc

    def _forget(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.close()
        with self._cond:
            self._count -= 1
            self._cond.notify()

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def run(self, expression: str, digest: bytes, payload: bytes) -> list[Any]:
        """One evaluation on a worker, within its deadline; a worker that died while idle is
        replaced once."""
        limits = LIMITS  # the current ones: a timeout changed by configure() applies at once
        for attempt in (1, 2):
            worker = self._acquire(digest)
            try:
                answer = worker.ask(expression, digest, payload, limits)
            except _Late:
                self._forget(worker)
                raise ExpressionError(
                    f"the expression ran longer than {limits.timeout_ms} ms and was stopped",
                    EXPRESSION_TIMEOUT,
                ) from None
            except _Died as exc:
                self._forget(worker)
                if exc.args and "Broken pipe" in str(exc.args[0]) and attempt == 1:
                    continue  # it had died before it read the request
                raise ExpressionError(
                    "the expression was stopped: it needed more memory or a deeper stack"
                    f" than allowed ({limits.worker_memory // (1024 * 1024)} MB)",
                    EXPRESSION_TOO_LARGE,
                ) from None
            except BaseException:  # interrupted mid-answer: the worker's state is unknown
                self._forget(worker)
                raise
            self._release(worker)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.close()


_POOL: _Pool | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    global _POOL
    pool = _POOL
    if pool is not None and pool.pid == os.getpid():
        return pool
    with _POOL_LOCK:
        if _POOL is None or _POOL.pid != os.getpid():  # a forked child starts its own
            _POOL = _Pool(LIMITS)
        return _POOL


def _shutdown() -> None:
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None and pool.pid == os.getpid():
        pool.close()


atexit.register(_shutdown)


def warm_up() -> None:
    """Start one JSONata worker now (a process that will evaluate can call this at start, so
    its first evaluation does not wait ~0.2 s for the worker's interpreter)."""
    empty = prepare({})
    _pool().run("true", empty.digest, empty.payload)  # not `evaluate`: "true" is plain


@dataclass(frozen=True)
class PreparedContext:
    """A context encoded once for several evaluations (see prepare)."""

    payload: bytes  # its JSON
    digest: bytes  # SHA-256 of the JSON: the key the workers keep it under


def prepare(context: dict[str, Any]) -> PreparedContext:
    """Encode a context once, for several `evaluate` calls over the same unchanged context (a
    step's condition and its mappings): a dict passed to `evaluate` is encoded and hashed on
    every call (~0.5 ms per 100 KB). A change to the dict afterwards is not seen: prepare it
    again after adding a step's output."""
    try:
        payload = _ENCODER.encode(context)
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # a cycle
        raise ExpressionError(f"the context is not JSON: {exc}", EXPRESSION_INVALID) from exc
    if len(payload) > LIMITS.max_context:
        raise ExpressionError(
            f"the context is {len(payload):,} bytes of JSON, over the limit of"
            f" {LIMITS.max_context:,}",
            EXPRESSION_TOO_LARGE,
        )
    # the workers keep contexts by this digest: a cryptographic hash, so no two contexts share
    # one (SHA-256 with the CPU's SHA instructions: ~1 ms per MB)
    return PreparedContext(payload, hashlib.sha256(payload).digest())


def evaluate(expression: str, context: dict[str, Any] | PreparedContext) -> Any:
    """The value of a JSONata expression over the context (None when it is undefined or null).

    Raises ExpressionError: EXPRESSION_INVALID (syntax, or an error while evaluating such as
    adding a string to a number), EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE. A plain expression
    over a small context is evaluated here, any other on a worker. Blocking: from async code,
    call it in a thread, or under inline_only()."""
    if not isinstance(expression, str):
        raise ExpressionError("the expression must be a string", EXPRESSION_INVALID)
    problem = _syntax(expression)
    if problem is not None:
        raise ExpressionError(problem[1], problem[0])
    if _INLINE_ONLY.get() and not plain(expression):
        raise NeedsWorker  # before encoding the context: the thread does that
    prepared = context if isinstance(context, PreparedContext) else prepare(context)
    answer = _inline(expression, prepared)
    if answer is None:
        if _INLINE_ONLY.get():
            raise NeedsWorker
        answer = _pool().run(expression, prepared.digest, prepared.payload)
    if answer[0] == "ok":
        try:
            return msgspec.json.decode(answer[1])
        except msgspec.DecodeError as exc:  # pragma: no cover - jsonatapy writes JSON
            raise ExpressionError(f"the result is not JSON: {exc}", EXPRESSION_INVALID) from exc
    raise ExpressionError(_readable(answer[2]), answer[1])


# --- templates ------------------------------------------------------------------------------

_ENVIRONMENT = templating.TemplateSandbox()


@lru_cache(maxsize=4096)
def _template(source: str) -> Any:
    """The compiled template, or (code, message) when it cannot be used (cached alike)."""
    if len(source) > LIMITS.max_template_length:
        return EXPRESSION_TOO_LARGE, (
            f"the template is {len(source):,} characters long, over the limit of"
            f" {LIMITS.max_template_length:,}"
        )
    try:
        return _ENVIRONMENT.from_string(source)
    except TemplateSyntaxError as exc:
        return EXPRESSION_INVALID, f"line {exc.lineno}: {exc.message}"
    except (RecursionError, MemoryError):
        return EXPRESSION_TOO_LARGE, "the template is nested too deeply"
    except templating.TemplateLimit as exc:
        return exc.kind, exc.message
    except Exception as exc:  # Python's own compiler: "too many nested parentheses" …
        return EXPRESSION_INVALID, f"the template cannot be compiled: {exc}"


def check_template(template: str) -> str | None:
    """None when the `{{ }}` template compiles (and is within the length bound), else a short
    message such as "line 1: unexpected '}'"."""
    if not isinstance(template, str):
        return "the template must be a string"
    if "{" not in template:
        return None if len(template) <= LIMITS.max_template_length else "the template is too long"
    compiled = _template(template)
    return compiled[1] if isinstance(compiled, tuple) else None


def _bounds() -> templating.Bounds:
    limits = LIMITS
    return templating.Bounds(
        timeout_ms=limits.timeout_ms,
        max_steps=limits.max_template_steps,
        max_loop_items=limits.max_loop_items,
        max_output=limits.max_output,
    )


def render(template: str, context: dict[str, Any]) -> str:
    """A `{{ }}` template rendered over the context, as plain text (no escaping).

    Raises ExpressionError: EXPRESSION_INVALID (syntax, an undefined name or key, anything the
    sandbox refuses, an error while rendering), EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE."""
    if not isinstance(template, str):
        raise ExpressionError("the template must be a string", EXPRESSION_INVALID)
    if "{" not in template:  # no tag can be in it
        if len(template) > LIMITS.max_template_length:
            raise ExpressionError("the template is too long", EXPRESSION_TOO_LARGE)
        return template
    if _INLINE_ONLY.get():
        raise NeedsWorker
    compiled = _template(template)
    if isinstance(compiled, tuple):
        raise ExpressionError(compiled[1], compiled[0])
    try:
        return templating.render_bounded(_ENVIRONMENT, compiled, context, _bounds())
    except templating.TemplateLimit as exc:
        raise ExpressionError(exc.message, exc.kind) from None
    except UndefinedError as exc:
        raise ExpressionError(str(exc.message or exc), EXPRESSION_INVALID) from None
    except SecurityError as exc:
        raise ExpressionError(f"not allowed: {exc}", EXPRESSION_INVALID) from None
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise ExpressionError(
            f"the template needed too much: {type(exc).__name__}", EXPRESSION_TOO_LARGE
        ) from None
    except Exception as exc:
        raise ExpressionError(f"{type(exc).__name__}: {exc}", EXPRESSION_INVALID) from None


_TAG = re.compile(r"\{[{%#]")


def render_value(value: Any, context: dict[str, Any]) -> Any:
    """A JSON value with every string that holds a tag (`{{`, `{%`, `{#`) rendered as a
    template; keys, numbers and other strings are kept as they are."""
    if isinstance(value, str):
        return render(value, context) if _TAG.search(value) else value
    if isinstance(value, list):
        return [render_value(item, context) for item in value]
    if isinstance(value, dict):
        return {key: render_value(item, context) for key, item in value.items()}
    return value
