"""How deeply a JSON text nests, counted before it is decoded.

The decoders (msgspec, the standard json module) recurse once per level and fail with a
RecursionError on a few thousand `[`: a 500. Texts are checked here first and refused as bad
input. The count is cheap: most bodies hold fewer brackets than the limit and stop at two
`bytes.count` calls; the rest drop escapes and strings, then sum the brackets left, all in C.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_STEP = [0] * 256
for _open in b"[{":
    _STEP[_open] = 1
for _close in b"]}":
    _STEP[_close] = -1


class TooDeep(ValueError):
    """JSON nested more than MAX_DEPTH levels (a ValueError, like any undecodable JSON)."""


def too_deep(data: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than `limit` levels (brackets in strings ignored)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    # Escaped backslashes, then escaped quotes: what remains of each string is "...".
    raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return len(brackets) > limit and max(accumulate(map(_STEP.__getitem__, brackets))) > limit


def depth_message(limit: int = MAX_DEPTH) -> str:
    """The message a client sees for too deep a text."""
    return f"JSON nested too deeply (at most {limit} levels of arrays and objects)"


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads, refusing too deep a text with TooDeep instead of crashing."""
    if too_deep(text):
        raise TooDeep(depth_message())
    return json.loads(text, **kwargs)
