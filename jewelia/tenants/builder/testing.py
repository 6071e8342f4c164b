"""Built-in testing: test one step, and dry-run a whole flow. Neither is a run: nothing is
written to flow_run, run limits and the run history do not see them.

- test_step: only the tested step executes, with pinned input ({trigger, steps}) or the input
  recorded by a run (its trigger payload and its earlier steps' outputs, read from its rows);
  no earlier step runs, so no upstream side effect happens. The step runs for real (it is what
  the user asked for) unless `simulate`, which renders it and says what it would do.
- dry_run: walks the flow in memory from a payload. Conditions, branches, for_each, transforms,
  database finds and file reads run for real; side-effecting steps (http_request, database
  create/update, file write, notifications) and delays are not performed: each action's
  `simulate` says what it would do (the rendered request, the record, the email...).

Both render with the executor's own code: each action's `prepare` (the input a run would store)
and the engine's expression calls (engine/render.py).
"""

from __future__ import annotations

import inspect
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jewelia.core.db import TenantRef, tenant_scope
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.builder import service
from jewelia.tenants.builder.engine import runs
from jewelia.tenants.builder.engine.base import (
    TRIGGER_MAX_BYTES,
    StepContext,
    StepError,
    plain,
    to_json,
)
from jewelia.tenants.builder.engine.executor import ACTIONS, Execution, Scope
from jewelia.tenants.builder.engine.flow import CONTAINERS, MAX_ITEMS, normalize, on_error
from jewelia.tenants.builder.engine.render import evaluate, in_thread, truthy

STEP_SECONDS = 30.0  # the time a tested step may take (an HTTP request's own limit)
DRY_RUN_SECONDS = 60.0
DRY_RUN_MAX_STEPS = 500  # timeline entries (a loop over many items stops there)


class _Stop(Exception):
    """The dry run stops at a failed step (onError stop)."""

    def __init__(self, path: str, message: str, error_type: str) -> None:
        super().__init__(message)
        self.path, self.message, self.error_type = path, message, error_type


@dataclass
class Trial:
    """One test or dry run: the flow it reads and what it has recorded so far."""

    tenant: TenantRef
    flow_id: uuid.UUID
    flow_name: str
    version: int | None
    trigger: Any
    test_id: uuid.UUID = field(default_factory=uuid.uuid4)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    began: float = field(default_factory=time.monotonic)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def context(self, scope: Scope) -> dict[str, Any]:
        """The expression context a run would give (the run is this test)."""
        return {
            "trigger": self.trigger,
            "steps": scope.steps,
            "run": {
                "id": str(self.test_id),
                "flow_id": str(self.flow_id),
                "version": self.version,
                "started_at": self.started.isoformat(),
                "test": True,
            },
            "item": scope.item,
            "index": scope.index,
        }


async def _definition(
    tenant: TenantRef, flow_id: uuid.UUID, version: int | None
) -> tuple[str, int | None, dict[str, Any]]:
    """(flow name, version number or None for the draft, definition with step ids)."""
    flow = await service.get_flow(tenant, flow_id)
    configuration = flow["configuration"]
    if version is not None:
        configuration = (await service.get_version(tenant, flow_id, version))["configuration"]
    return flow["name"], version, normalize(configuration)


def _locate(steps: Any, step_id: str, prefix: str = "") -> tuple[dict[str, Any], str, list[Any]]:
    """(step, its path with a for_each's first item, the containers around it) or NotFound."""
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        path = f"{prefix}{step.get('id')}"
        if step.get("id") == step_id:
            return step, path, []
        config = step.get("config")
        config = config if isinstance(config, dict) else {}
        inner: list[tuple[Any, str]] = []
        if step.get("type") == "for_each":
            inner = [(config.get("actions"), f"{path}.0.")]
        elif step.get("type") == "branch":
            inner = [(b.get("actions"), prefix) for b in config.get("branches") or []]
            inner.append((config.get("else"), prefix))
        for children, inner_prefix in inner:
            try:
                found, found_path, parents = _locate(children, step_id, inner_prefix)
            except NotFound:
                continue
            return found, found_path, [step, *parents]
    raise NotFound(f"This flow has no step {step_id!r}")


def _pinned_scope(pinned: Any) -> tuple[Any, Scope]:
    if not isinstance(pinned, dict):
        raise ValidationFailed([FieldError("input", "input must be an object", "INVALID_TYPE")])
    steps = pinned.get("steps") or {}
    if not isinstance(steps, dict):
        raise ValidationFailed(
            [FieldError("input.steps", "steps must be an object of step id: {output}", "INVALID")]
        )
    # {id: {"output": ...}} as a run's context has it; a bare value is taken as the output.
    given = {
        str(k): v if isinstance(v, dict) and "output" in v else {"output": v}
        for k, v in steps.items()
    }
    index = pinned.get("index")
    return pinned.get("trigger"), Scope(
        steps=given, item=pinned.get("item"), index=index if isinstance(index, int) else None
    )


async def _recorded_scope(
    tenant: TenantRef, flow_id: uuid.UUID, run_id: uuid.UUID, path: str
) -> tuple[Any, Scope]:
    """The trigger and earlier outputs of a run, as its step at `path` saw them."""
    try:
        run = await runs.get_run(tenant, run_id)
    except NotFound as exc:
        raise ValidationFailed([FieldError("runId", "No such run", "NOT_FOUND")]) from exc
    if run["flow_id"] != flow_id:
        raise ValidationFailed([FieldError("runId", "That run is of another flow", "INVALID")])
    loop = path.rsplit(".", 1)[0] + "." if path.count(".") >= 2 else None
    scope = Scope()
    for row in run["steps"]:
        here = row["step_path"]
        visible = "." not in here or (loop is not None and here.startswith(loop))
        if not visible or here == path:
            continue
        if row["status"] == "skipped":
            scope.steps[row["step_id"]] = {"output": None, "status": "skipped"}
        elif row["status"] == "succeeded":
            output = row["output"]
            if output is None and row["output_ref"] is not None:
                output = await runs.step_output(tenant, run_id, here)
            scope.steps[row["step_id"]] = {"output": output}
        if loop is not None and f"{here}.0." == loop and isinstance(row["input"], dict):
            items = row["input"].get("items") or []
            scope.item, scope.index = (items[0] if items else None), 0
    return run["trigger_payload"], scope


def _performs(module: Any, request: dict[str, Any]) -> bool:
    effects = getattr(module, "side_effect", None)
    return bool(effects(request) if effects else getattr(module, "SIDE_EFFECT", True))


async def _action(
    trial: Trial, step: dict[str, Any], path: str, scope: Scope, *, simulate: bool
) -> dict[str, Any]:
    """Render and perform (or simulate) one action step: its timeline entry."""
    kind = str(step.get("type"))
    began = time.monotonic()
    entry: dict[str, Any] = {
        "stepId": step["id"],
        "path": path,
        "type": kind,
        "status": "succeeded",
        "input": None,
        "output": None,
        "error": None,
        "simulated": False,
    }
    context = trial.context(scope)
    try:
        if step.get("if") is not None:
            if not truthy(await in_thread(evaluate, str(step["if"]), context)):
                entry["status"] = "skipped"
                return entry
        module = ACTIONS.get(kind)
        if module is None:
            raise StepError(f"Steps of type {kind!r} cannot run here", "invalid_config")
        request = plain(await in_thread(module.prepare, step.get("config") or {}, context))
        entry["input"] = request
        info = StepContext(
            tenant=trial.tenant,
            run_id=trial.test_id,
            flow_id=trial.flow_id,
            flow_name=trial.flow_name,
            step_path=path,
            step_id=step["id"],
            idempotency_key=f"test:{trial.test_id}:{path}",
            attempt=1,
            first_started_at=datetime.now(UTC),
            remaining_seconds=STEP_SECONDS,
            expression_context=context,
        )
        placed = getattr(module, "in_transaction", None)
        in_transaction = placed(request) if placed else getattr(module, "IN_TRANSACTION", False)
        if (simulate and _performs(module, request)) or kind == "delay":
            output = module.simulate(info, request)
            output = await output if inspect.isawaitable(output) else output
            entry["simulated"] = True
        elif in_transaction:  # as the executor does: the change commits with nothing else
            async with tenant_scope(trial.tenant):
                output = await module.execute(info, request)
        else:
            output = await module.execute(info, request)
        entry["output"] = Execution.capped(output)
    except StepError as exc:
        entry["status"] = "failed"
        entry["error"] = {"type": exc.error_type, "message": exc.message}
    finally:
        entry["durationMs"] = round((time.monotonic() - began) * 1000, 1)
    return entry


def _check_version(version: int | None) -> None:
    if version is not None and (isinstance(version, bool) or version < 1):
        raise ValidationFailed([FieldError("version", "version must be 1 or more", "INVALID")])


async def test_step(
    tenant: TenantRef,
    actor: Actor | None,
    flow_id: uuid.UUID,
    step_id: str,
    *,
    pinned: dict[str, Any] | None = None,
    run_id: uuid.UUID | None = None,
    version: int | None = None,
    simulate: bool = False,
) -> dict[str, Any]:
    """Execute one step of the draft (or `version`) with pinned or recorded input:
    {status, stepId, path, type, input, output, error, simulated, durationMs, version}.
    Changes it makes are audited as the flow, as in a run."""
    _check_version(version)
    if pinned is not None and run_id is not None:
        raise ValidationFailed(
            [FieldError("runId", "Give either input or runId, not both", "INVALID")]
        )
    name, number, definition = await _definition(tenant, flow_id, version)
    step, path, _ = _locate(definition.get("actions"), step_id)
    if step.get("type") in CONTAINERS:
        raise ValidationFailed(
            [
                FieldError(
                    "step_id",
                    f"A {step.get('type')} step is not tested alone: dry-run the flow to see it",
                    "INVALID",
                )
            ]
        )
    if run_id is not None:
        trigger, scope = await _recorded_scope(tenant, flow_id, run_id, path)
    elif pinned is not None:
        trigger, scope = _pinned_scope(pinned)
    else:
        trigger, scope = {}, Scope()
    trial = Trial(tenant, flow_id, name, number, trigger)
    entry = await _action(trial, step, path, scope, simulate=simulate)
    return {**entry, "version": number}


async def dry_run(
    tenant: TenantRef,
    actor: Actor | None,
    flow_id: uuid.UUID,
    *,
    payload: Any,
    version: int | None = None,
) -> dict[str, Any]:
    """Walk the draft (or `version`) in memory with `payload` as the trigger, side effects
    simulated: {status, version, steps (the timeline), error, durationMs}."""
    _check_version(version)
    if len(to_json(payload).encode()) > TRIGGER_MAX_BYTES:
        raise ValidationFailed(
            [FieldError("payload", f"payload is over {TRIGGER_MAX_BYTES} bytes", "TOO_LONG")]
        )
    name, number, definition = await _definition(tenant, flow_id, version)
    trial = Trial(tenant, flow_id, name, number, payload)
    error = None
    try:
        await _walk(trial, definition.get("actions") or [], "", Scope())
    except _Stop as stop:
        error = {"type": stop.error_type, "message": stop.message, "path": stop.path}
    return {
        "status": "failed" if error else "succeeded",
        "version": number,
        "steps": trial.timeline,
        "error": error,
        "durationMs": round((time.monotonic() - trial.began) * 1000, 1),
    }


def _guard(trial: Trial, path: str) -> None:
    if time.monotonic() - trial.began > DRY_RUN_SECONDS:
        raise _Stop(path, f"The dry run took over {DRY_RUN_SECONDS:g} s", "timeout")
    if len(trial.timeline) >= DRY_RUN_MAX_STEPS:
        raise _Stop(path, f"The dry run stops after {DRY_RUN_MAX_STEPS} steps", "too_many_steps")


def _record(
    trial: Trial, step: dict[str, Any], path: str, status: str, output: Any, error: Any = None
) -> dict[str, Any]:
    entry = {
        "stepId": step["id"],
        "path": path,
        "type": str(step.get("type")),
        "status": status,
        "input": None,
        "output": output,
        "error": error,
        "simulated": False,
        "durationMs": 0.0,
    }
    trial.timeline.append(entry)
    return entry


def _failed(trial: Trial, step: dict[str, Any], path: str, scope: Scope, exc: _Stop) -> None:
    """A container failed inside: go on (onError continue) or stop the dry run."""
    _record(trial, step, path, "failed", None, {"type": exc.error_type, "message": exc.message})
    scope.steps[step["id"]] = {"output": None, "status": "failed"}
    if on_error(step) != "continue":
        raise exc


async def _walk(trial: Trial, steps: list[Any], prefix: str, scope: Scope) -> None:
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("id"), str):
            continue
        path = f"{prefix}{step['id']}"
        _guard(trial, path)
        kind = step.get("type")
        if kind not in CONTAINERS:
            entry = await _action(trial, step, path, scope, simulate=True)
            trial.timeline.append(entry)
            if entry["status"] == "skipped":
                scope.steps[step["id"]] = {"output": None, "status": "skipped"}
            elif entry["status"] == "failed":
                scope.steps[step["id"]] = {
                    "output": None,
                    "status": "failed",
                    "error": entry["error"],
                }
                if on_error(step) != "continue":
                    error = entry["error"]
                    raise _Stop(path, f"Step {path} failed: {error['message']}", error["type"])
            else:
                scope.steps[step["id"]] = {"output": entry["output"]}
            continue
        try:
            context = trial.context(scope)
            if step.get("if") is not None and not truthy(
                await in_thread(evaluate, str(step["if"]), context)
            ):
                _record(trial, step, path, "skipped", None)
                scope.steps[step["id"]] = {"output": None, "status": "skipped"}
                continue
            if kind == "branch":
                await _branch(trial, step, path, prefix, scope, context)
            else:
                await _for_each(trial, step, path, scope, context)
        except StepError as exc:
            _failed(trial, step, path, scope, _Stop(path, exc.message, exc.error_type))
        except _Stop as stop:
            if stop.error_type in ("timeout", "too_many_steps"):
                raise
            _failed(trial, step, path, scope, stop)


async def _branch(
    trial: Trial,
    step: dict[str, Any],
    path: str,
    prefix: str,
    scope: Scope,
    context: dict[str, Any],
) -> None:
    config = step.get("config") or {}
    branches = [b for b in config.get("branches") or [] if isinstance(b, dict)]
    chosen: int | str | None = "else" if config.get("else") else None
    for n, candidate in enumerate(branches):
        if truthy(await in_thread(evaluate, str(candidate.get("if")), context)):
            chosen = n
            break
    entry = _record(trial, step, path, "succeeded", {"branch": chosen})
    entry["input"] = {"branch": chosen}
    if isinstance(chosen, int):
        actions = branches[chosen].get("actions") or []
    else:
        actions = config.get("else") or [] if chosen == "else" else []
    await _walk(trial, actions, prefix, scope)
    scope.steps[step["id"]] = {"output": {"branch": chosen}}


async def _for_each(
    trial: Trial, step: dict[str, Any], path: str, scope: Scope, context: dict[str, Any]
) -> None:
    config = step.get("config") or {}
    given = config.get("items")
    value = await in_thread(evaluate, given, context) if isinstance(given, str) else given
    items = [] if value is None else value if isinstance(value, list) else [value]
    limit = config.get("maxItems")
    limit = min(limit, MAX_ITEMS) if isinstance(limit, int) and limit > 0 else MAX_ITEMS
    if len(items) > limit:
        raise StepError(
            f"{len(items)} items is more than this loop's maxItems ({limit})", "too_many_items"
        )
    entry = _record(trial, step, path, "succeeded", None)
    entry["input"] = {"items": plain(items)}
    results = []
    for index, item in enumerate(items):
        inner = Scope(steps=dict(scope.steps), item=item, index=index)
        await _walk(trial, config.get("actions") or [], f"{path}.{index}.", inner)
        results.append({k: v.get("output") for k, v in inner.steps.items() if k not in scope.steps})
    entry["output"] = results
    scope.steps[step["id"]] = {"output": results}
