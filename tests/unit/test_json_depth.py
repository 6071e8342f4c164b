"""The nesting count done before any JSON is decoded."""

from __future__ import annotations

import json

import pytest

from jewelia.core import json_depth
from jewelia.core.json_depth import MAX_DEPTH, too_deep


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_counts_arrays_and_objects() -> None:
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert too_deep(b'{"a":' * 10_000 + b"1" + b"}" * 10_000)
    assert too_deep('{"a": ' + "[" * 100 + "]" * 100 + "}")


def test_brackets_in_strings_do_not_count() -> None:
    for text in ("[" * 500, '\\"' + "{" * 500, "\\\\" + "[" * 200, '"[[[' * 100):
        assert not too_deep(json.dumps({"note": text, "list": [[1], {"a": [2]}] * 200}))
    # An escaped backslash ends before the quote: the string closes, brackets after it count.
    assert too_deep(b'["\\\\", ' + nested(MAX_DEPTH) + b"]")


def test_wide_is_not_deep() -> None:
    assert not too_deep(json.dumps([{"a": [1, {"b": 2}]}] * 10_000))


def test_loads_refuses_as_a_value_error() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        json_depth.loads("[" * 10_000 + "]" * 10_000)
    assert json_depth.loads('{"a": [1]}') == {"a": [1]}
