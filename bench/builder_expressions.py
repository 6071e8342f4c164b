"""Benchmark: what the builder's expression layer costs per evaluation.

    .venv/bin/python bench/builder_expressions.py              # ~20 s
    .venv/bin/python bench/builder_expressions.py --samples 20000

Target (issue 14): engine overhead per step p50 <= 1 ms, so an expression must cost well under
that: here p50 < 0.5 ms for each case. No database or Redis: the expression layer needs neither.

Cases, each on a flow context of ~1 KB of JSON (a trigger with a customer and an order of
three lines, two earlier steps' outputs, the run):
  - condition: `trigger.order.status = "paid" and trigger.order.total > 1000 and "vip" in
    trigger.customer.tags` through `expressions.evaluate` (the worker pool: the context
    encoded with msgspec, a pipe to a jsonatapy worker process and back);
  - mapping: an 8-field object (`$uppercase`, `$sum` over lines, `$join`, `$map` with a lambda,
    a step's output, string concatenation), the same way;
  - template: a 3-line email body with a filter, a loop and a condition through
    `expressions.render` (the bounded Jinja sandbox, in process).
Each expression and template is compiled once (the layer's caches), then `--samples` calls
are timed one by one after 500 untimed ones. For context (no target): the mapping over a ~100 KB
context (20 more steps' outputs; the worker holds it parsed after the first call, so what
grows is encoding and hashing it here on every call; once more with the context prepare()d
once, as the engine can for a step's expressions), and the same two JSONata expressions
evaluated in this process with jsonatapy and no sandbox: the difference is what the worker
costs. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jsonatapy

from jewelia.tenants.builder import expressions

TARGET_MS = 0.5

CONTEXT: dict[str, Any] = {
    "trigger": {
        "customer": {
            "id": "3f1c2a9e-5d1b-4b7e-9c44-1a2b3c4d5e6f",
            "full_name": "Ada Lovelace",
            "email": "ada@example.com",
            "tags": ["vip", "gold"],
        },
        "order": {
            "number": "ORD-1042",
            "status": "paid",
            "total": 1250.5,
            "lines": [
                {"sku": "RING-1", "name": "Solitaire ring", "qty": 1, "price": 800},
                {"sku": "CHAIN-7", "name": "Gold chain", "qty": 1, "price": 350.5},
                {"sku": "BOX-2", "name": "Gift box", "qty": 2, "price": 50},
            ],
        },
    },
    "steps": {
        "fetch_rates": {"output": {"status": 200, "body": {"rate": 1.08, "currency": "USD"}}},
        "find_customer": {"output": {"id": "c_1042", "found": True, "orders": 7}},
    },
    "run": {"id": "run_81", "flow_id": "flow_12", "version": 4, "started_at": "2026-12-02T09:00Z"},
}

# 20 more steps' outputs of 75 rows each: ~100 KB of JSON beside the trigger
BIG_STEPS = {
    f"rows_{n}": {
        "output": [
            {"id": f"{n}-{i}", "sku": f"SKU-{n:02}{i:03}", "name": f"Item {i}", "price": i * 1.5}
            for i in range(75)
        ]
    }
    for n in range(20)
}

CONDITION = (
    'trigger.order.status = "paid" and trigger.order.total > 1000'
    ' and "vip" in trigger.customer.tags'
)
MAPPING = """{
  "customer": steps.find_customer.output.id,
  "name": $uppercase(trigger.customer.full_name),
  "order": trigger.order.number,
  "total": $sum(trigger.order.lines.(qty * price)),
  "skus": $join(trigger.order.lines.sku, ","),
  "converted": $map(trigger.order.lines, function($l) {
      $round($l.price * steps.fetch_rates.output.body.rate, 2) }),
  "currency": steps.fetch_rates.output.body.currency,
  "note": "Order " & trigger.order.number & " (" & run.id & ")"
}"""
TEMPLATE = (
    "Dear {{ trigger.customer.full_name | title }},\n"
    "{% for line in trigger.order.lines %}- {{ line.name }} x{{ line.qty }}: {{ line.price }}\n"
    "{% endfor %}"
    "{% if trigger.order.total > 1000 %}Free shipping on order {{ trigger.order.number }}."
    "{% endif %}\n"
)


def timed(call: Callable[[], Any], samples: int) -> list[float]:
    """Milliseconds per call, one by one, after 500 untimed calls."""
    for _ in range(500):
        call()
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5000)
    args = parser.parse_args()

    assert expressions.evaluate(CONDITION, CONTEXT) is True
    assert expressions.evaluate(MAPPING, CONTEXT)["total"] == 1250.5
    assert expressions.render(TEMPLATE, CONTEXT).startswith("Dear Ada Lovelace,\n- Solitaire")

    bare_condition, bare_mapping = jsonatapy.compile(CONDITION), jsonatapy.compile(MAPPING)
    large = {**CONTEXT, "steps": {**CONTEXT["steps"], **BIG_STEPS}}
    ready = expressions.prepare(large)
    cases: list[tuple[str, Callable[[], Any], bool]] = [
        ("condition: evaluate()", lambda: expressions.evaluate(CONDITION, CONTEXT), True),
        ("mapping: evaluate()", lambda: expressions.evaluate(MAPPING, CONTEXT), True),
        ("template: render()", lambda: expressions.render(TEMPLATE, CONTEXT), True),
        ("mapping, 100 KB context", lambda: expressions.evaluate(MAPPING, large), False),
        (
            "mapping, 100 KB context, prepare()d",
            lambda: expressions.evaluate(MAPPING, ready),
            False,
        ),
        ("condition: jsonatapy in process", lambda: bare_condition.evaluate(CONTEXT), False),
        ("mapping: jsonatapy in process", lambda: bare_mapping.evaluate(CONTEXT), False),
    ]
    load = os.getloadavg()[0]
    print(
        f"builder expressions, {args.samples} samples each, {os.cpu_count()} cores,"
        f" load average {load:.1f}, jsonatapy {jsonatapy.__version__}",
        file=sys.stderr,
    )
    print(f"{'case':<38} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}  target")
    missed = False
    for name, call, has_target in cases:
        times = timed(call, args.samples)
        p50, p99 = pct(times, 0.5), pct(times, 0.99)
        verdict = "-"
        if has_target:
            verdict = f"p50 < {TARGET_MS} ms: " + ("pass" if p50 < TARGET_MS else "FAIL")
            missed |= p50 >= TARGET_MS
        print(f"{name:<38} {p50:8.3f} {p99:8.3f} {statistics.fmean(times):8.3f}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
