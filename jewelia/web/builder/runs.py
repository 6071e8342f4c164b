"""The builder page's run history (each run's step timeline, polled while a run is in flight),
the list page's per-flow figures, and the output picker's fields from the last recorded run."""

from __future__ import annotations

import json
import uuid
from typing import Any

from jewelia.core.api import page_of
from jewelia.core.db import TenantRef
from jewelia.tenants.builder import monitoring
from jewelia.tenants.builder.engine import runs

HISTORY = 10
STATS_WINDOW = "7d"
OPEN = ("queued", "running")
PICK_DEPTH = 3
PICK_MAX = 40


async def history(tenant: TenantRef, flow_id: uuid.UUID) -> dict[str, Any]:
    """The flow's latest runs with their steps, and whether one is still in flight."""
    listed, total, _ = await runs.list_runs(tenant, page_of(1, HISTORY), flow_id=flow_id)
    shown = []
    for row in listed:
        run = runs.run_public(await runs.get_run(tenant, row["id"]))
        for step in run["steps"]:
            step["output_text"] = _pretty(step.get("output"))
            step["input_text"] = _pretty(step.get("input"))
        run["payload_text"] = _pretty(run.get("trigger_payload"))
        shown.append(run)
    return {
        "runs": shown,
        "runs_total": total,
        "in_flight": any(r["status"] in OPEN for r in shown),
    }


async def figures(tenant: TenantRef, flow_id: uuid.UUID) -> dict[str, Any]:
    """The flow's last run, and over the last 7 days its success rate (None without a
    finished run), how many runs finished, and p50/p95 durations (monitoring.flow_stats)."""
    stats = await monitoring.flow_stats(tenant, flow_id, STATS_WINDOW)
    finished = stats["runs"].get("succeeded", 0) + stats["runs"].get("failed", 0)
    rate = stats["success_rate"]
    return {
        "last_run": stats["last_run"],
        "success_rate": round(rate * 100, 1) if rate is not None else None,
        "rate_of": finished,
        "p50_ms": stats["duration_ms"]["p50"],
        "p95_ms": stats["duration_ms"]["p95"],
        "last_failure": stats["last_failure"],
    }


def _pretty(value: Any) -> str:
    return "" if value is None else json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _paths(value: Any, prefix: tuple[str, str], depth: int, out: list[tuple[str, str]]) -> None:
    """(JSONata path, Jinja path) pairs into a JSON value; a list is looked into through its
    first item; names that are not identifiers are quoted the way each language quotes them."""
    if len(out) >= PICK_MAX:
        return
    if isinstance(value, dict) and depth < PICK_DEPTH:
        for key in list(value)[:PICK_MAX]:
            plain = key.isidentifier()
            dotted = plain and not hasattr(dict, key)  # Jinja's `x.items` is the method
            here = (
                f"{prefix[0]}.{key}" if plain else f"{prefix[0]}.`{key}`",
                f"{prefix[1]}.{key}" if dotted else f"{prefix[1]}[{json.dumps(key)}]",
            )
            out.append(here)
            _paths(value[key], here, depth + 1, out)
    elif isinstance(value, list) and value and depth < PICK_DEPTH:
        _paths(value[0], (f"{prefix[0]}[0]", f"{prefix[1]}[0]"), depth, out)


def pick_fields(shown: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """For the trigger and each step id, the fields its output had in the latest run that
    recorded one, each as a JSONata path and a `{{ }}` reference."""
    found: dict[str, list[tuple[str, str]]] = {}
    for run in shown:  # newest first
        if "trigger" not in found and run.get("trigger_payload") is not None:
            found["trigger"] = []
            _paths(run["trigger_payload"], ("trigger", "trigger"), 0, found["trigger"])
        for step in run.get("steps") or []:
            sid = step.get("step_id")
            if step.get("step_path") != sid or step.get("output") is None or sid in found:
                continue  # inside a container (not this level's field), or already known
            base = f"steps.{sid}.output"
            found[sid] = [(base, base)]
            _paths(step["output"], (base, base), 0, found[sid])
    return {
        source: [
            {"path": jsonata, "jsonata": jsonata, "template": "{{ " + jinja + " }}"}
            for jsonata, jinja in paths
        ]
        for source, paths in found.items()
        if paths
    }
