"""The builder's expression layer: JSONata conditions and mappings over a flow's context,
`{{ }}` templates in the bounded Jinja sandbox, and hostile input failing safely with its code.

Real parts: the real jsonatapy in the real worker processes, the real Jinja sandbox. No timed
assertions: the bounds are the module's, these tests check which code a runaway ends with and
that the process (and the pool) carries on."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from jewelia.tenants.builder import expressions
from jewelia.tenants.builder.expressions import (
    EXPRESSION_INVALID,
    EXPRESSION_TIMEOUT,
    EXPRESSION_TOO_LARGE,
    ExpressionError,
    check_expression,
    check_template,
    evaluate,
    render,
    render_value,
)

RUNAWAY = {EXPRESSION_TIMEOUT, EXPRESSION_TOO_LARGE}


@contextmanager
def short_timeout(ms: int = 100) -> Iterator[None]:
    """Hostile input runs under a short time limit (so runaways end sooner); everything
    checked afterwards runs under the default, which leaves room for a busy machine."""
    original = expressions.LIMITS
    expressions.configure(timeout_ms=ms)
    try:
        yield
    finally:
        expressions.configure(**original.__dict__)


@pytest.fixture
def context() -> dict[str, Any]:
    return {
        "trigger": {
            "customer": {
                "full_name": "Ada Lovelace",
                "email": "ada@example.com",
                "tags": ["vip", "gold"],
                "items": ["a JSON key named like a dict method"],
            },
            "order": {
                "number": "ORD-1042",
                "status": "paid",
                "total": 1250.5,
                "lines": [
                    {"sku": "RING-1", "qty": 2, "price": 400},
                    {"sku": "CHAIN-7", "qty": 1, "price": 450.5},
                ],
            },
        },
        "steps": {
            "fetch_rates": {"output": {"status": 200, "body": {"rate": 1.1, "currency": "USD"}}},
            "find_customer": {"output": {"id": "c_1", "found": True}},
        },
        "run": {"id": "run_1", "flow_id": "flow_1", "version": 3, "started_at": "2026-12-01"},
        "item": {"sku": "RING-1", "qty": 2},
        "index": 0,
    }


def fails(code: str | set[str], function: Any, *args: Any) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        function(*args)
    codes = {code} if isinstance(code, str) else code
    assert caught.value.code in codes, (caught.value.code, caught.value.message)
    assert caught.value.message and caught.value.args[0] == caught.value.message
    return caught.value


# --- JSONata: normal use --------------------------------------------------------------------


def test_conditions_on_the_trigger_payload(context: dict[str, Any]) -> None:
    assert evaluate('trigger.order.status = "paid" and trigger.order.total > 1000', context)
    assert evaluate('"vip" in trigger.customer.tags', context) is True
    assert evaluate("trigger.order.total > 5000", context) is False
    assert evaluate("$exists(trigger.customer.phone)", context) is False
    assert evaluate("trigger.customer.phone", context) is None  # undefined


def test_mappings_from_step_outputs(context: dict[str, Any]) -> None:
    mapped = evaluate(
        """{
          "name": $uppercase(trigger.customer.full_name),
          "first": $substringBefore(trigger.customer.full_name, " "),
          "total": $sum(trigger.order.lines.(qty * price)),
          "skus": $join(trigger.order.lines.sku, ", "),
          "converted": $map(trigger.order.lines, function($l) {
              $round($l.price * steps.fetch_rates.output.body.rate, 2)
          }),
          "customer": steps.find_customer.output.id,
          "greeting": "Dear " & trigger.customer.full_name & " (" & run.id & ")"
        }""",
        context,
    )
    assert mapped == {
        "name": "ADA LOVELACE",
        "first": "Ada",
        "total": 1250.5,
        "skus": "RING-1, CHAIN-7",
        "converted": [440, 495.55],
        "customer": "c_1",
        "greeting": "Dear Ada Lovelace (run_1)",
    }
    assert evaluate("item.qty * 10 + index", context) == 20
    assert evaluate("trigger.order.lines[price > 420].sku", context) == "CHAIN-7"
    assert evaluate("$count(trigger.order.lines)", context) == 2


def test_context_values_that_are_not_plain_json(context: dict[str, Any]) -> None:
    run_id = uuid.uuid4()
    context["run"] = {"id": run_id, "started_at": dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)}
    context["trigger"]["price"] = Decimal("1999.90")
    assert evaluate("run.id", context) == str(run_id)
    assert evaluate("run.started_at", context).startswith("2026-12-01T09:30:00")
    assert evaluate("trigger.price * 2", context) == pytest.approx(3999.8)


def test_evaluation_errors_are_invalid_with_a_readable_message(context: dict[str, Any]) -> None:
    error = fails(EXPRESSION_INVALID, evaluate, 'trigger.order.total + "x"', context)
    assert "must evaluate to a number" in error.message
    fails(EXPRESSION_INVALID, evaluate, '$error("no stock")', context)
    fails(EXPRESSION_INVALID, evaluate, "$nosuchfunction(1)", context)


def test_expression_errors_carry_their_code() -> None:
    error = ExpressionError("too big", EXPRESSION_TOO_LARGE)
    assert (error.message, error.code, str(error)) == ("too big", EXPRESSION_TOO_LARGE, "too big")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.code) == ("too big", EXPRESSION_TOO_LARGE)
    assert ExpressionError("odd", "SOMETHING_ELSE").code == EXPRESSION_INVALID


def test_check_expression_gives_a_short_message_for_syntax_errors() -> None:
    assert check_expression('trigger.order.total > 1000 and $contains(trigger.x, "a")') is None
    assert check_expression("trigger.order.total >") == "Unexpected end of expression (S0207)"
    assert "S0101" in (check_expression('"not closed') or "")
    assert check_expression("") == "the expression is empty"
    assert check_expression(42) == "the expression must be a string"  # type: ignore[arg-type]
    error = fails(EXPRESSION_INVALID, evaluate, "trigger.order.total >", {})
    assert error.message == "Unexpected end of expression (S0207)"


def test_expressions_are_parsed_once() -> None:
    expression = f'"cached {uuid.uuid4().hex}" & trigger.x'
    before = expressions._syntax.cache_info()
    for _ in range(5):
        assert evaluate(expression, {"trigger": {"x": "!"}}).endswith("!")
    after = expressions._syntax.cache_info()
    assert after.misses == before.misses + 1
    assert after.hits >= before.hits + 4


# --- JSONata: hostile input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "codes"),
    [
        # runaway recursion: tail calls run until the timeout, others until the depth bound
        ("($f := function($x){ $f($x) }; $f(1))", EXPRESSION_TIMEOUT),
        ("($f := function($x){ $x + $f($x) }; $f(1))", EXPRESSION_TOO_LARGE),
        ("($f := function($n){ $f($n + 1) + $f($n + 2) }; $f(0))", RUNAWAY),
        # huge ranges and sequences
        ("[1..10000000]", EXPRESSION_TOO_LARGE),
        ("$count([1..10000000])", EXPRESSION_TOO_LARGE),
        ("$sum([1..100000000])", EXPRESSION_TOO_LARGE),
        ("$string([1..10000000])", EXPRESSION_TOO_LARGE),
        # huge strings: one builtin asked for gigabytes, doubling loops, repeated big values
        ('$pad("", 1e9)', EXPRESSION_TOO_LARGE),
        ('$length($pad("", 1e8))', RUNAWAY),
        ('($d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("xy", 40))', RUNAWAY),
        ("$length($join([1..2000].($$.big)))", RUNAWAY),
        ("$string([1..2000].{'a': $$.big})", RUNAWAY),
        ('$replace(big, "x", big)', RUNAWAY),
        # a result too large to hand back
        ("big & big & big & big & big & big", EXPRESSION_TOO_LARGE),
        # expressions too long or too deep to parse
        ("(" * 150 + "1" + ")" * 150, EXPRESSION_TOO_LARGE),
        ("[" * 101 + "1" + "]" * 101, EXPRESSION_TOO_LARGE),
        ("-" * 5000 + "1", EXPRESSION_TOO_LARGE),
        ("1" + " + 1" * 3000, EXPRESSION_TOO_LARGE),
        # no expression built from data
        ('$eval("1 + 1")', EXPRESSION_INVALID),
    ],
)
def test_hostile_expressions_fail_within_their_bounds(expression: str, codes: Any) -> None:
    context = {"big": "x" * 200_000}
    with short_timeout():
        fails(codes, evaluate, expression, context)
    assert evaluate("$sum([1, 2, 3])", {}) == 6  # the next evaluation is served


def test_the_process_and_the_pool_survive_hostile_expressions() -> None:
    pid = os.getpid()
    with short_timeout():
        for expression in ('$pad("", 1e9)', '$length($pad("", 1e8))', "[1..10000000]"):
            with pytest.raises(ExpressionError):
                evaluate(expression, {})
    assert os.getpid() == pid
    pool = expressions._pool()
    assert pool._count <= expressions.LIMITS.workers
    assert all(worker.alive() for worker in pool._idle)
    assert evaluate('$join(["still", "here"], " ")', {}) == "still here"


def digest_of(context: dict[str, Any]) -> bytes:
    return hashlib.sha256(expressions.prepare(context).payload).digest()


def test_a_worker_parses_a_context_once_and_never_mixes_two() -> None:
    first = {"trigger": {"n": 1, "tag": uuid.uuid4().hex}}
    second = {"trigger": {"n": 2, "tag": uuid.uuid4().hex}}
    assert [evaluate(e, first) for e in ("trigger.n", "trigger.n * 10", "trigger.tag")] == [
        1,
        10,
        first["trigger"]["tag"],
    ]
    assert any(w.knows(digest_of(first)) for w in expressions._pool()._idle)
    assert evaluate("trigger.n", second) == 2
    assert evaluate("trigger.tag", second) == second["trigger"]["tag"]
    assert evaluate("trigger.tag", first) == first["trigger"]["tag"]


def test_a_prepared_context_is_encoded_once(context: dict[str, Any]) -> None:
    prepared = expressions.prepare(context)
    assert prepared.digest == digest_of(context)
    assert evaluate("trigger.order.number", prepared) == "ORD-1042"
    assert evaluate("$count(trigger.order.lines)", prepared) == 2
    context["trigger"]["order"]["number"] = "changed"  # a later change is not seen
    assert evaluate("trigger.order.number", prepared) == "ORD-1042"
    assert evaluate("trigger.order.number", context) == "changed"
    looped: list[Any] = []
    looped.append(looped)
    fails(EXPRESSION_INVALID, expressions.prepare, {"x": looped})


def test_a_context_the_worker_no_longer_holds_is_sent_again() -> None:
    context = {"trigger": {"n": uuid.uuid4().int % 1000}}
    assert evaluate("1", {}) == 1
    for worker in expressions._pool()._idle:  # each believes it holds a context it never got
        worker.remember(digest_of(context), 100)
    assert evaluate("trigger.n + 1", context) == context["trigger"]["n"] + 1


def test_contexts_larger_than_the_worker_cache_are_used_once() -> None:
    original = expressions.LIMITS
    try:
        expressions.configure(worker_cache=64)
        for n in range(5):
            context = {"trigger": {"n": n, "pad": "p" * 100}}
            assert evaluate("trigger.n", context) == n
            assert not any(w.knows(digest_of(context)) for w in expressions._pool()._idle)
    finally:
        expressions.configure(**original.__dict__)


def test_evaluations_from_many_threads_share_the_pool() -> None:
    def work(n: int) -> list[Any]:
        return [evaluate("n * 2 + i", {"n": n, "i": i}) for i in range(50)]

    with ThreadPoolExecutor(max_workers=8) as executor:
        results = list(executor.map(work, range(16)))
    assert results == [[n * 2 + i for i in range(50)] for n in range(16)]
    assert expressions._pool()._count <= expressions.LIMITS.workers


def test_a_context_too_large_or_not_json_is_refused() -> None:
    fails(EXPRESSION_TOO_LARGE, evaluate, "1", {"x": "y" * (expressions.LIMITS.max_context + 1)})
    looped: list[Any] = []
    looped.append(looped)
    fails(EXPRESSION_INVALID, evaluate, "1", {"x": looped})


def test_limits_can_be_changed() -> None:
    original = expressions.LIMITS
    try:
        expressions.configure(max_sequence=10, max_output=50)
        assert evaluate("$count([1..10])", {}) == 10
        fails(EXPRESSION_TOO_LARGE, evaluate, "[1..11]", {})
        fails(EXPRESSION_TOO_LARGE, evaluate, '$pad("", 60, "x")', {})
        fails(EXPRESSION_TOO_LARGE, render, "{{ 'x' * 60 }}", {})
    finally:
        expressions.configure(**original.__dict__)
    assert evaluate("$count([1..11])", {}) == 11


# --- templates: normal use ------------------------------------------------------------------


def test_render_text_from_the_context(context: dict[str, Any]) -> None:
    assert render("Hello {{ trigger.customer.full_name }}!", context) == "Hello Ada Lovelace!"
    assert render("no tags at all", context) == "no tags at all"
    text = render(
        "Order {{ trigger.order.number }} for {{ trigger.customer.full_name | upper }}:\n"
        "{% for line in trigger.order.lines %}"
        "{{ loop.index }}. {{ line.sku }} x{{ line.qty }} = {{ line.qty * line.price }}\n"
        "{% endfor %}"
        "Total {{ trigger.order.lines | map(attribute='price') | sum }}"
        " {{ steps.fetch_rates.output.body.currency }}"
        "{% if trigger.order.total > 1000 %} (large){% endif %}\n",
        context,
    )
    assert text == (
        "Order ORD-1042 for ADA LOVELACE:\n1. RING-1 x2 = 800\n2. CHAIN-7 x1 = 450.5\n"
        "Total 850.5 USD (large)\n"
    )
    assert render("{{ trigger.customer.phone | default('none') }}", context) == "none"
    assert render("{{ trigger.customer.full_name.split()[0].lower() }}", context) == "ada"
    assert render("{{ trigger.customer.tags | join(', ') }}", context) == "vip, gold"
    assert render("{{ trigger.customer['email'] }}", context) == "ada@example.com"
    assert render("{{ trigger.customer.items[0] }}", context).startswith("a JSON key")
    assert render("{{ item | tojson }}", context) == '{"qty": 2, "sku": "RING-1"}'
    assert render("{{ '<b>' ~ run.id ~ '</b>' }}", context) == "<b>run_1</b>"  # no escaping
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}", context) == "012"


def test_undefined_names_are_errors_that_name_them(context: dict[str, Any]) -> None:
    error = fails(EXPRESSION_INVALID, render, "{{ trigger.customer.emial }}", context)
    assert "emial" in error.message
    error = fails(EXPRESSION_INVALID, render, "{{ trgger.customer }}", context)
    assert "'trgger' is undefined" in error.message


def test_a_missing_value_is_false_in_a_test_but_not_printable(context: dict[str, Any]) -> None:
    template = "{% if trigger.customer.phone %}call{% else %}mail{% endif %}"
    assert render(template, context) == "mail"
    fails(EXPRESSION_INVALID, render, "{% if trigger.ordr.total %}x{% endif %}", context)
    fails(EXPRESSION_INVALID, render, "{% if trigger.customer.phone == 1 %}x{% endif %}", context)
    fails(EXPRESSION_INVALID, render, "{% for x in trigger.customer.phone %}{% endfor %}", context)


def test_render_value_renders_every_template_string(context: dict[str, Any]) -> None:
    body = {
        "customer": {"name": "{{ trigger.customer.full_name }}", "tags": ["{{ index }}", 3]},
        "note": "plain text, {braces} kept",
        "count": 2,
        "flag": None,
        "{{ keys are not rendered }}": True,
    }
    assert render_value(body, context) == {
        "customer": {"name": "Ada Lovelace", "tags": ["0", 3]},
        "note": "plain text, {braces} kept",
        "count": 2,
        "flag": None,
        "{{ keys are not rendered }}": True,
    }
    assert render_value("{{ run.version }}", context) == "3"
    fails(EXPRESSION_INVALID, render_value, {"a": ["{{ nope }}"]}, context)


def test_check_template() -> None:
    assert check_template("Dear {{ trigger.customer.full_name | title }}") is None
    assert check_template("plain") is None
    assert check_template("{{ a }") == "line 1: unexpected '}'"
    assert "macros are not available" in (check_template("{% macro m() %}{% endmacro %}") or "")
    assert "No filter named 'attr'" in (check_template("{{ x | attr('y') }}") or "")


def test_templates_are_compiled_once() -> None:
    source = "{{ x }}" + uuid.uuid4().hex
    assert render(source, {"x": 1}) == render(source, {"x": 1})
    assert expressions._template(source) is expressions._template(source)


# --- templates: hostile input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "code"),
    [
        # known escape payloads (server-side template injection)
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", EXPRESSION_INVALID),
        ("{{ ''['__class__'] }}", EXPRESSION_INVALID),
        ("{{ cycler.__init__.__globals__.os }}", EXPRESSION_INVALID),
        ("{{ joiner.__init__.__globals__ }}", EXPRESSION_INVALID),
        ("{{ namespace.__init__.__globals__ }}", EXPRESSION_INVALID),
        ("{{ self._TemplateReference__context }}", EXPRESSION_INVALID),
        ("{{ self.__init__.__globals__ }}", EXPRESSION_INVALID),
        ("{{ lipsum.__globals__ }}", EXPRESSION_INVALID),
        ("{{ lipsum(n=100000) }}", EXPRESSION_INVALID),
        ("{{ request }}", EXPRESSION_INVALID),
        ("{{ request.application.__globals__.__builtins__ }}", EXPRESSION_INVALID),
        ("{{ config }}", EXPRESSION_INVALID),
        ("{{ config.items() }}", EXPRESSION_INVALID),
        ("{{ trigger.__class__ }}", EXPRESSION_INVALID),
        ("{{ trigger.customer | attr('__class__') }}", EXPRESSION_INVALID),
        ("{{ range.__self__ }}", EXPRESSION_INVALID),
        ("{{ run.id.__len__() }}", EXPRESSION_INVALID),
        ("{{ '{0.__class__}'.format(run) }}", EXPRESSION_INVALID),
        ("{{ run.id.format_map(run) }}", EXPRESSION_INVALID),
        ("{{ trigger.tags.append(1) }}", EXPRESSION_INVALID),
        ("{{ '%s' % trigger }}", EXPRESSION_INVALID),
        ("{% include '/etc/passwd' %}", EXPRESSION_INVALID),
        ("{% extends 'base.html' %}", EXPRESSION_INVALID),
        ("{% import 'x' as y %}", EXPRESSION_INVALID),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", EXPRESSION_INVALID),
        ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", EXPRESSION_INVALID),
        # loops, ranges and sizes
        ("{% for i in range(10**9) %}{% endfor %}", EXPRESSION_TOO_LARGE),
        ("{% for i in range(10**9) %}x{% endfor %}", EXPRESSION_TOO_LARGE),
        ("{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}", RUNAWAY),
        ("{% for c in trigger.text %}{% endfor %}", EXPRESSION_TOO_LARGE),
        ("{{ 'x' * 10**9 }}", EXPRESSION_TOO_LARGE),
        ("{{ [1] * 10**9 }}", EXPRESSION_TOO_LARGE),
        ("{{ 10**100000 }}", EXPRESSION_TOO_LARGE),
        ("{% set a = 2**4000 %}{{ a * a * a }}", EXPRESSION_TOO_LARGE),
        ("{{ trigger.text ~ trigger.text }}", EXPRESSION_TOO_LARGE),
        ("{{ trigger.text + trigger.text }}", EXPRESSION_TOO_LARGE),
        ("{{ [trigger.text, trigger.text] | join }}", EXPRESSION_TOO_LARGE),
        ("{{ [trigger.text, trigger.text] }}", EXPRESSION_TOO_LARGE),
        ("{{ [trigger.text, trigger.text] | string }}", EXPRESSION_TOO_LARGE),
        ("{{ [trigger.text, trigger.text] | tojson }}", EXPRESSION_TOO_LARGE),
        ("{{ trigger.text | replace('x', 'yy') }}", EXPRESSION_TOO_LARGE),
        ("{{ 'abc' | replace('', trigger.text) }}", EXPRESSION_TOO_LARGE),
        ("{{ trigger.text | list }}", EXPRESSION_TOO_LARGE),
        ("{{ 'x' | center(10**9) }}", EXPRESSION_INVALID),
        ("{{ 'x' | indent(10**9) }}", EXPRESSION_INVALID),
        ("{{ [1] | batch(10**9, 'x') | list }}", EXPRESSION_INVALID),
        ("{{ '%0999999999d' | format(1) }}", EXPRESSION_INVALID),
        ("{{ {'a': 1} | tojson(indent=10**9) }}", EXPRESSION_TOO_LARGE),
        ("{% for i in range(10000) %}{{ trigger.text[:1000] }}{% endfor %}", RUNAWAY),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
            "{% endfor %}{{ ns.s }}",
            EXPRESSION_INVALID,
        ),
        (
            "{% set s %}{% for i in range(10000) %}{{ trigger.text }}{% endfor %}{% endset %}",
            EXPRESSION_INVALID,
        ),
        ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", EXPRESSION_TOO_LARGE),
        ("x" * 100_001 + "{{ 1 }}", EXPRESSION_TOO_LARGE),
    ],
)
def test_hostile_templates_fail_safely(template: str, code: Any) -> None:
    context = {"trigger": {"text": "x" * 600_000, "tags": ["a"]}, "run": {"id": "r"}}
    with short_timeout():
        fails(code, render, template, context)
    assert render("{{ run.id }} ok", context) == "r ok"


# --- plain expressions, evaluated in this process -------------------------------------------


def in_worker(expression: str, context: dict[str, Any]) -> Any:
    """The worker's answer, decoded as evaluate() decodes it (the inline path skipped)."""
    prepared = expressions.prepare(context)
    answer = expressions._pool().run(expression, prepared.digest, prepared.payload)
    if answer[0] == "ok":
        return ("ok", expressions.msgspec.json.decode(answer[1]))
    return ("error", answer[1], expressions._readable(answer[2]))


def here(expression: str, context: dict[str, Any]) -> Any:
    prepared = expressions.prepare(context)
    answer = expressions._inline(expression, prepared)
    assert answer is not None, expression
    if answer[0] == "ok":
        return ("ok", expressions.msgspec.json.decode(answer[1]))
    return ("error", answer[1], expressions._readable(answer[2]))


PLAIN = [
    "trigger.order.total > 1000",
    'trigger.order.status = "paid" and trigger.order.total > 1000',
    "trigger.order.total >= 1250.5 or trigger.nope",
    "trigger.order.total != 1250.5",
    "trigger.order.total <= 3 ? 'small' : 'large'",
    '"vip" in trigger.customer.tags',
    "trigger.customer.full_name",
    "trigger.customer.phone",
    "trigger.order.lines.sku",
    "trigger.order.lines.(qty + price)",
    "trigger.order.lines.price - 1",
    "-trigger.order.total + 1e3",
    '"Dear " & trigger.customer.full_name & " (" & run.id & ")"',
    "trigger.customer.tags & trigger.order",
    "`trigger`.customer.`email`",
    "steps.fetch_rates.output.body.rate > 1 and steps.find_customer.output.found",
    "item.qty + index",
    "trigger.customer.full_name + 1",
    "trigger.order.lines < 3",
    "trigger.customer(1)",
    '\'a;b[c]{d}$e,f*g\' & "h\\"i"',
    "trigger.nope ?: 'fallback'",
    "trigger.nope ?? 'fallback'",
    "(trigger.order.total > 5) = (1 < 2)",
]


@pytest.mark.parametrize("expression", PLAIN)
def test_plain_expressions_give_the_workers_results_here(
    expression: str, context: dict[str, Any]
) -> None:
    assert expressions.plain(expression)
    assert here(expression, context) == in_worker(expression, context)


@pytest.mark.parametrize(
    "expression",
    [
        "$uppercase(trigger.customer.full_name)",
        "$$.trigger",
        "$eval('1')",
        "trigger.order.lines[0]",
        "{'a': 1}",
        "trigger.order.lines.(qty * price)",
        "trigger.total / 2",
        "trigger.total % 2",
        "trigger.**.sku",
        "trigger.order.lines.%.number",
        "1..3",
        "1 .. 3",
        "trigger ~> $string()",
        "trigger.order.lines^(price)",
        "trigger.order.lines@$l",
        "trigger.order.lines#$i",
        "trigger.order | $ | {} |",
        "(1; 2)",
        "a, b",
        "trigger.a = /x/",
        "trigger.a /* comment */",
        "trigger.x ! trigger.y",
        "λ",
        "a" + " & a" * 9,
        "trigger.x = " + "1" * 200,
        "'unterminated",
        "`unterminated",
    ],
)
def test_anything_else_is_not_plain(expression: str) -> None:
    assert not expressions.plain(expression)
    assert expressions.plain("a" + " & a" * 8)


def test_plain_expressions_are_not_sent_to_a_worker(context: dict[str, Any]) -> None:
    with expressions.inline_only():  # a worker call would raise NeedsWorker
        assert evaluate("trigger.order.total > 1000", context) is True
        assert evaluate("trigger.customer.full_name", context) == "Ada Lovelace"
        fails(EXPRESSION_INVALID, evaluate, "trigger.order.total + 'x'", context)
        fails(EXPRESSION_INVALID, evaluate, "trigger.order.total >", context)
        assert render("no tags", context) == "no tags"
        with pytest.raises(expressions.NeedsWorker):
            evaluate("$count(trigger.order.lines)", context)
        with pytest.raises(expressions.NeedsWorker):
            render("{{ trigger.order.number }}", context)
        big = {"trigger": {"text": "x" * expressions.INLINE_MAX_CONTEXT}}
        with pytest.raises(expressions.NeedsWorker):  # the context is over 32 KB
            evaluate("trigger.text", big)
    assert evaluate("trigger.text", big) == big["trigger"]["text"]


def test_hostile_plain_expressions_stay_bounded() -> None:
    items = {"trigger": {"x": [0] * 15_000}}
    slow = "trigger.x.(" + "+".join(["1"] * 90) + ")"  # ~0.1 s of work: given to a worker
    assert expressions.plain(slow)
    assert expressions._inline(slow, expressions.prepare(items)) is None
    assert evaluate(slow, items) == [90] * 15_000
    wide = "trigger.x.(" + "&".join(['"xxxxxxxxxxxxxxxxxx"'] * 9) + ")"
    assert expressions.plain(wide)
    original = expressions.LIMITS
    try:
        expressions.configure(max_output=100_000)
        with expressions.inline_only():
            fails({EXPRESSION_TOO_LARGE}, evaluate, wide, {"trigger": {"x": [0] * 1000}})
        expressions.configure(timeout_ms=5)  # shorter than the inline budget: a real timeout
        with expressions.inline_only():
            fails(EXPRESSION_TIMEOUT, evaluate, slow, items)
    finally:
        expressions.configure(**original.__dict__)
    deep: Any = 0
    for _ in range(400):
        deep = {"a": [deep]}
    nested = {"trigger": {"x": deep}}
    for expression in ("trigger.x & ''", "trigger.x = trigger.x", "trigger.x in trigger.x.a"):
        assert here(expression, nested) == in_worker(expression, nested)


def test_the_inline_path_serves_many_threads() -> None:
    def work(n: int) -> list[Any]:
        return [evaluate("n + i", {"n": n, "i": i}) for i in range(200)]

    with ThreadPoolExecutor(max_workers=8) as executor:
        results = list(executor.map(work, range(16)))
    assert results == [[n + i for i in range(200)] for n in range(16)]
