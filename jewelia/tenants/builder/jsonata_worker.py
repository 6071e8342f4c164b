"""The sandboxed process that evaluates JSONata for jewelia.tenants.builder.expressions.

Started by the expression pool as `python -I <this file> <memory> <cache>`: isolated mode, so
neither the script's folder nor the environment's PYTHON* variables reach sys.path, and
nothing of jewelia is imported here (only the standard library, msgspec and jsonatapy). Before
it reads its first request it caps its own address space (RLIMIT_AS: what it has after its
imports plus the memory budget; the caller sets MIMALLOC_ARENA_RESERVE small, else jsonatapy's
allocator reserves 1 GiB up front and allocations inside it escape the cap), its file sizes
and its open files, so an expression that asks for gigabytes makes this process fail an
allocation and die, never the application.

Protocol on stdin/stdout, one request at a time: a frame is a 4-byte big-endian length and a
msgpack body. The worker first writes a ready frame `["ready", pid]`. A request is
`[expression, digest, context_json or None, timeout_ms, max_depth, max_sequence, max_output]`:
the context's JSON comes with the first request that uses it and is kept, parsed, under its
digest (see Contexts); later requests send None, and the worker answers `["missing"]` if it no
longer has it (the caller then sends it again). Otherwise the answer is `["ok", result_json]`
(`null` for an undefined result) or `["error", code, message]` where code is one of
EXPRESSION_INVALID, EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE. End of stdin ends the worker.
Arguments: the memory budget in bytes, the context cache's budget in bytes of JSON.
"""

from __future__ import annotations

import os
import resource
import signal
import struct
import sys
from collections import OrderedDict
from typing import Any

import jsonatapy
import msgspec

HEADER = struct.Struct(">I")
COMPILED_CACHE = 512

# jsonatapy's guardrail codes (jsonata-js's numbering) and what they mean here.
GUARDRAIL_CODES = {
    "D1012": "EXPRESSION_TIMEOUT",  # ran longer than timeout_ms
    "D1011": "EXPRESSION_TOO_LARGE",  # recursion deeper than max_depth
    "D2014": "EXPRESSION_TOO_LARGE",  # a range over 10,000,000 items (jsonata-js's own bound)
    "D2015": "EXPRESSION_TOO_LARGE",  # a sequence longer than max_sequence
    "U1002": "EXPRESSION_TOO_LARGE",  # the parser's nesting limit
}


def _refuse_eval(*_args: Any) -> Any:
    raise ValueError("$eval is not available in flow expressions")


def _limit(which: int, value: int) -> None:
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):  # pragma: no cover - a platform without that limit
        pass


def _address_space() -> int:
    """This process's virtual size now (Linux), the base the memory budget is added to."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return 0


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _write(fd: int, message: Any) -> None:
    body = msgspec.msgpack.encode(message)
    view = memoryview(HEADER.pack(len(body)) + body)
    while view:
        view = view[os.write(fd, view) :]


def _code_of(message: str) -> str:
    head = message.split(":", 1)[0].strip()
    if head in GUARDRAIL_CODES:
        return GUARDRAIL_CODES[head]
    if "Stack overflow" in message or "nesting depth" in message:
        return "EXPRESSION_TOO_LARGE"
    return "EXPRESSION_INVALID"


class Contexts:
    """The contexts this worker has parsed (JsonataData), by the caller's digest of their JSON,
    least recently used first; at most `budget` bytes of JSON in all. A context larger than
    the budget empties the cache and is used once (its parsed form needs ~14x its JSON)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.items: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()
        self.size = 0

    def get(self, digest: bytes) -> Any:
        item = self.items.get(digest)
        if item is None:
            return None
        self.items.move_to_end(digest)
        return item[0]

    def put(self, digest: bytes, data: Any, size: int) -> None:
        if size > self.budget:
            self.items.clear()
            self.size = 0
            return
        self.items[digest] = (data, size)
        self.size += size
        while self.size > self.budget:
            self.size -= self.items.popitem(last=False)[1][1]


def _compiled(compiled: OrderedDict[str, Any], expression: str) -> Any:
    expr = compiled.pop(expression, None)
    if expr is None:
        expr = jsonatapy.compile(expression)
        expr.register_override("eval", _refuse_eval)
    compiled[expression] = expr
    if len(compiled) > COMPILED_CACHE:
        compiled.popitem(last=False)
    return expr


def evaluate(compiled: OrderedDict[str, Any], contexts: Contexts, request: list[Any]) -> list[Any]:
    """One request's answer. Also what expressions.py runs in its own process for a plain
    expression (fresh caches each call), so both give the same results and errors."""
    expression, digest, context_json, timeout_ms, max_depth, max_sequence, max_output = request
    try:
        expr = _compiled(compiled, expression)
        if context_json is None:
            data = contexts.get(digest)
            if data is None:
                return ["missing"]
        else:  # parsed before the expression's clock starts; the caller allows for its size
            data = jsonatapy.JsonataData.from_json(context_json.decode())
            contexts.put(digest, data, len(context_json))
        result = expr.evaluate_data_to_json(
            data,
            None,
            timeout=timeout_ms,
            max_stack_depth=max_depth,
            max_sequence_length=max_sequence,
        )
    except MemoryError:
        return ["error", "EXPRESSION_TOO_LARGE", "the expression needed more memory than allowed"]
    except BaseException as exc:  # jsonatapy raises ValueError; a Rust panic is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        message = str(exc) or type(exc).__name__
        return ["error", _code_of(message), message]
    if len(result) > max_output:
        return [
            "error",
            "EXPRESSION_TOO_LARGE",
            f"the result is {len(result):,} characters of JSON, over the limit of {max_output:,}",
        ]
    return ["ok", result]


def main() -> None:  # pragma: no cover - runs in the worker process
    memory = int(sys.argv[1]) if len(sys.argv) > 1 else 384 * 1024 * 1024
    cache = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * 1024 * 1024
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit(resource.RLIMIT_AS, _address_space() + memory)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_NOFILE, 16)
    _limit(resource.RLIMIT_CORE, 0)
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    compiled: OrderedDict[str, Any] = OrderedDict()
    contexts = Contexts(cache)
    _write(stdout, ["ready", os.getpid()])
    while True:
        header = _read_exact(stdin, HEADER.size)
        if header is None:
            return
        body = _read_exact(stdin, HEADER.unpack(header)[0])
        if body is None:
            return
        _write(stdout, evaluate(compiled, contexts, msgspec.msgpack.decode(body)))


if __name__ == "__main__":
    main()
