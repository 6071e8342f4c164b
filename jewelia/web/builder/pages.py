"""Integrations > Builder: the list of flows (new from a template or blank) and the editor of
one flow: trigger and step cards, a test panel per step, the JSON view, publish, on/off, run
now and the run history.

The editor is one form; every button in it posts the whole form with an `intent` (save, add,
up/down, reorder after a drag, remove, test a step, publish), so no edit is lost and it all works
without script; with htmx only the editor is swapped. Owners, admins and members edit;
read-only members look. Everything goes through the builder's services.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from jewelia.core.api import page_of
from jewelia.core.errors import AppError, ValidationFailed
from jewelia.tenants.builder import definition, flow_templates, service, testing
from jewelia.tenants.builder.engine import runs as engine_runs
from jewelia.web.builder import editor
from jewelia.web.builder.runs import STATS_WINDOW, figures, history, pick_fields
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, page_context, redirect_with, render
from jewelia.web.forms import require_writer

Req = Request[Any, Any, Any]
BASE = "/integrations/builder"
LIST_SIZE = 50
BLANK: dict[str, Any] = {
    "triggers": [{"type": "api_call", "config": {}}],
    "actions": [{"id": "transform_1", "type": "transform", "config": {"output": "trigger"}}],
}


def _gallery() -> list[dict[str, Any]]:
    """The templates offered for a new flow: name, title, description."""
    return [
        {k: t[k] for k in ("name", "title", "description", "settings")}
        for t in flow_templates.list_templates()
    ]


def _settings(form: Any, template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template's settings as filled in (numbers as numbers), and the raw texts."""
    given, raw = {}, {}
    for setting in template.get("settings") or []:
        field = f"setting.{template['name']}.{setting['key']}"
        text = str(form.get(field) or "").strip()
        raw[field] = text
        if not text:
            continue
        given[setting["key"]] = editor.number_or_text(text) if setting["type"] == "number" else text
    return given, raw


# --- the list -------------------------------------------------------------------------------


@get(BASE, name="builder_flows")
async def flows_page(request: Req) -> Template:
    ctx = await page_context(request)
    return await _list(ctx)


async def _list(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    flows, total, _ = await service.list_flows(ctx.tenant.ref, page_of(1, LIST_SIZE))
    for flow in flows:
        flow.update(await figures(ctx.tenant.ref, flow["id"]))
    values: dict[str, Any] = {"errors": {}, "values": {}}
    values.update(extra)
    return render(
        "builder/flows.html",
        ctx,
        flows=flows,
        total=total,
        gallery=_gallery(),
        stats_window=STATS_WINDOW,
        can_write=ctx.current.can_write,
        status_code=status_code,
        **values,
    )


@post(BASE)
async def create_flow(request: Req) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    form = await request.form()
    choice = str(form.get("template") or "blank")
    name = str(form.get("name") or "").strip()
    known = {t["name"]: t for t in _gallery()}
    found = known.get(choice, {"name": choice})
    settings, raw = _settings(form, found)
    try:
        if choice == "blank":
            data: dict[str, Any] = {"name": name, "configuration": BLANK}
        else:  # the service puts the settings into the template's configuration
            data = {
                "name": name or found.get("title", choice),
                "description": found.get("description", ""),
                "template": choice,
                "settings": settings,
            }
        flow = await service.create_flow(ctx.tenant.ref, ctx.user.actor, data)
    except ValidationFailed as exc:
        return await _list(
            ctx, 422, errors=exc.by_field(), values={"name": name, "template": choice, **raw}
        )
    except AppError as exc:
        return await _list(ctx, exc.status_code, error=exc.message, values={"name": name})
    return redirect_with(request, f"{BASE}/{flow['id']}", "Flow created: fill in its steps.")


# --- the editor -----------------------------------------------------------------------------


async def _editor(
    request: Req,
    ctx: PageContext,
    flow: dict[str, Any],
    state: editor.EditorState | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    if state is None:
        state = editor.EditorState(configuration=editor.with_ids(flow["configuration"]))
    runs_view = await history(ctx.tenant.ref, flow["id"])
    picks = pick_fields(runs_view["runs"])
    order = ["trigger"] + [str(a.get("id")) for a in state.configuration.get("actions") or []]

    def previous(n: int) -> list[tuple[str, list[dict[str, str]]]]:
        """The picker's sources for the n-th step (1-based): the trigger and earlier steps."""
        return [(source, picks[source]) for source in order[:n] if source in picks]

    if request.headers.get("hx-request") == "true" and status_code == 422:
        status_code = 200  # htmx swaps only 2xx answers (see htmx-config in base.html)
    values: dict[str, Any] = {
        "notice": None,
        "notice_error": False,
        "tests": {},
        "json_error": None,
        "focus": None,
        "new_hook": None,
        "dry": None,
        "payload_text": "{}",
    }
    values.update(extra)
    values.setdefault("json_text", json.dumps(flow["configuration"], indent=2, ensure_ascii=False))
    return render(
        "builder/editor.html",
        ctx,
        flow=flow,
        state=state,
        config=state.configuration,
        trigger=editor.trigger_view(state.configuration),
        fields=editor.STEP_FIELDS,
        type_labels=editor.TYPE_LABELS,
        trigger_labels=editor.TRIGGER_LABELS,
        trigger_types=definition.TRIGGER_TYPES,
        resources=definition.RESOURCES,
        operations=definition.OPERATIONS,
        field_text=editor.field_text,
        previous=previous,
        webhook_url=flow.get("webhookUrl"),
        can_write=ctx.current.can_write,
        base=f"{BASE}/{flow['id']}",
        status_code=status_code,
        watching=flow["isActive"],
        stats=await figures(ctx.tenant.ref, flow["id"]),
        draft_published=await service.draft_is_published(ctx.tenant.ref, flow),
        stats_window=STATS_WINDOW,
        **runs_view,
        **values,
    )


@get(f"{BASE}/{{flow_id:uuid}}", name="builder_flow")
async def flow_page(request: Req, flow_id: uuid.UUID) -> Template:
    ctx = await page_context(request)
    return await _editor(request, ctx, await service.get_flow(ctx.tenant.ref, flow_id))


def _moved(actions: list[Any], key: str, step: int) -> list[Any]:
    ids = [a.get("id") for a in actions]
    if key not in ids:
        return actions
    i = ids.index(key)
    j = max(0, min(len(actions) - 1, i + step))
    actions = list(actions)
    actions.insert(j, actions.pop(i))
    return actions


async def _test(
    ctx: PageContext, flow_id: uuid.UUID, key: str, form: Any, last_run: uuid.UUID | None
) -> dict[str, Any]:
    """Test one step of the saved draft (testing.test_step) with the pinned input, else the
    input the last run recorded: its result, or the error."""
    text = str(form.get(f"{key}.pinned") or "").strip()
    simulate = form.get(f"{key}.simulate") == "yes"
    try:
        pinned = json.loads(text) if text else None
    except json.JSONDecodeError as exc:
        return {"error": f"The pinned input is not valid JSON: {exc.msg}", "pinned": text}
    run_id = last_run if pinned is None else None
    try:
        result = await testing.test_step(
            ctx.tenant.ref,
            ctx.user.actor,
            flow_id,
            key,
            pinned=pinned,
            run_id=run_id,
            simulate=simulate,
        )
    except ValidationFailed as exc:
        return {"error": exc.message, "details": exc.errors, "pinned": text}
    except AppError as exc:
        return {"error": exc.message, "pinned": text}
    shown = result if isinstance(result, dict) else {"output": result}
    return {
        "result": shown,
        "input_text": _pretty(shown.get("input")),
        "output_text": _pretty(shown.get("output")),
        "source": "pinned input"
        if pinned is not None
        else ("input recorded by the last run" if run_id else "no input (no run yet)"),
        "pinned": text,
        "simulate": simulate,
    }


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@post(f"{BASE}/{{flow_id:uuid}}")
async def edit_flow(request: HTMXRequest, flow_id: uuid.UUID) -> Template:
    """Every editor button: apply the form, then do its intent."""
    ctx = await page_context(request)
    require_writer(ctx)
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    form = await request.form()
    intent = str(form.get("intent") or "save")
    state = editor.read_form(form, flow["configuration"])
    actions = state.configuration["actions"]
    verb, _, key = intent.partition(":")
    if verb == "add":
        kind = str(form.get("add_type") or "")
        if kind in editor.STEP_FIELDS:
            actions.append(editor.new_step(state.configuration, kind))
    elif verb in ("up", "down"):
        state.configuration["actions"] = _moved(actions, key, -1 if verb == "up" else 1)
    elif verb == "remove":
        state.configuration["actions"] = [a for a in actions if a.get("id") != key]
    if state.errors:  # a field that did not parse: nothing is saved
        return await _editor(
            request,
            ctx,
            flow,
            state,
            422,
            notice="Not saved: fix the fields marked below.",
            notice_error=True,
        )
    try:
        flow = await service.update_flow(
            ctx.tenant.ref, ctx.user.actor, flow_id, {"configuration": state.configuration}
        )
    except ValidationFailed as exc:
        editor.map_errors(state, exc.errors)
        return await _editor(
            request,
            ctx,
            flow,
            state,
            422,
            notice="Not saved: fix the fields marked below.",
            notice_error=True,
            focus=key,
        )
    saved = editor.EditorState(configuration=editor.with_ids(flow["configuration"]))
    notice, tests, minted = "Draft saved.", {}, None
    if verb == "publish":
        try:
            version, made = await service.publish_flow(ctx.tenant.ref, ctx.user.actor, flow_id)
        except ValidationFailed as exc:
            editor.map_errors(saved, exc.errors)
            return await _editor(
                request, ctx, flow, saved, 422, notice=exc.message, notice_error=True
            )
        flow = await service.get_flow(ctx.tenant.ref, flow_id)
        notice = (
            f"Published version {version['number']}."
            if made
            else f"No changes since version {version['number']}: nothing new to publish."
        )
        minted = version.get("webhook")  # the webhook trigger's URL and secret, shown once
    elif verb == "test":
        recorded = await engine_runs.list_runs(ctx.tenant.ref, page_of(1, 1), flow_id=flow_id)
        last_run = recorded[0][0]["id"] if recorded[0] else None
        tests = {key: await _test(ctx, flow_id, key, form, last_run)}
        notice = f"Draft saved; step {key} tested."
    elif verb == "remove":
        notice = f"Step {key} removed; draft saved."
    elif verb in ("up", "down", "reorder"):
        notice = "Steps reordered; draft saved."
    return await _editor(
        request, ctx, flow, saved, notice=notice, tests=tests, new_hook=minted, focus=key
    )


@post(f"{BASE}/{{flow_id:uuid}}/json")
async def save_json(request: Req, flow_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    text = str((await request.form()).get("configuration") or "")
    try:
        configuration = json.loads(text)
    except json.JSONDecodeError as exc:
        return await _editor(
            request,
            ctx,
            flow,
            status_code=422,
            json_text=text,
            json_error=[f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"],
        )
    try:
        await service.update_flow(
            ctx.tenant.ref, ctx.user.actor, flow_id, {"configuration": configuration}
        )
    except ValidationFailed as exc:
        problems = [
            f"{e['field'].removeprefix('configuration.')}: {e['message']}" for e in exc.errors
        ]
        return await _editor(
            request, ctx, flow, status_code=422, json_text=text, json_error=problems
        )
    return redirect_with(request, f"{BASE}/{flow_id}", "Configuration saved from the JSON view.")


@post(f"{BASE}/{{flow_id:uuid}}/active")
async def set_active(request: Req, flow_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    on = (await request.form()).get("isActive") == "true"
    try:
        await service.update_flow(ctx.tenant.ref, ctx.user.actor, flow_id, {"isActive": on})
    except ValidationFailed as exc:
        return redirect_with(request, f"{BASE}/{flow_id}", exc.errors[0]["message"], "error")
    return redirect_with(
        request, f"{BASE}/{flow_id}", "The flow is on." if on else "The flow is off."
    )


@post(f"{BASE}/{{flow_id:uuid}}/run")
async def run_now(request: Req, flow_id: uuid.UUID) -> Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    text = str((await request.form()).get("payload") or "").strip()
    back = f"{BASE}/{flow_id}#runs"
    try:
        payload = json.loads(text) if text else {}
    except json.JSONDecodeError as exc:
        return redirect_with(request, back, f"The payload is not valid JSON: {exc.msg}", "error")
    try:
        started = await engine_runs.start_flow_run(ctx.tenant.ref, flow_id, "manual", payload)
    except AppError as exc:
        return redirect_with(request, back, exc.message, "error")
    return redirect_with(request, back, f"Run started (version {started['version']}).")


@post(f"{BASE}/{{flow_id:uuid}}/dry-run")
async def dry_run(request: Req, flow_id: uuid.UUID) -> Template:
    """Walk the saved draft with the payload, side effects simulated (testing.dry_run)."""
    ctx = await page_context(request)
    require_writer(ctx)
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    text = str((await request.form()).get("payload") or "").strip()
    try:
        payload = json.loads(text) if text else {}
    except json.JSONDecodeError as exc:
        return await _editor(
            request, ctx, flow, payload_text=text, dry={"error": f"Not valid JSON: {exc.msg}"}
        )
    try:
        result = await testing.dry_run(ctx.tenant.ref, ctx.user.actor, flow_id, payload=payload)
    except AppError as exc:
        return await _editor(request, ctx, flow, payload_text=text, dry={"error": exc.message})
    for step in result.get("steps") or []:
        step["input_text"] = _pretty(step.get("input"))
        step["output_text"] = _pretty(step.get("output"))
    return await _editor(request, ctx, flow, payload_text=text, dry=result)


@post(f"{BASE}/{{flow_id:uuid}}/delete")
async def delete_flow(request: Req, flow_id: uuid.UUID) -> Template | Redirect:
    ctx = await page_context(request)
    require_writer(ctx)
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    if not await confirmed(request):
        return await ask_first(
            request,
            ctx,
            question=f"Delete the flow {flow['name']}? Its triggers stop at once; its versions"
            " and runs are kept for the record.",
            label="Delete flow",
            yes="Yes, delete",
            back=f"{BASE}/{flow_id}",
        )
    await service.delete_flow(ctx.tenant.ref, ctx.user.actor, flow_id)
    return redirect_with(request, BASE, f"The flow {flow['name']} was deleted.")


@get(f"{BASE}/{{flow_id:uuid}}/runs")
async def runs_part(request: Req, flow_id: uuid.UUID) -> Template:
    """The run history alone (polled each second while a run is in flight, every three while
    the flow is on, so triggered runs appear)."""
    ctx = await page_context(request)
    flow = await service.get_flow(ctx.tenant.ref, flow_id)
    return render(
        "builder/_runs.html",
        ctx,
        base=f"{BASE}/{flow_id}",
        watching=flow["isActive"],
        **await history(ctx.tenant.ref, flow_id),
    )


router = Router(
    path="/",
    route_handlers=[
        flows_page,
        create_flow,
        flow_page,
        edit_flow,
        save_json,
        set_active,
        run_now,
        dry_run,
        delete_flow,
        runs_part,
    ],
    include_in_schema=False,
)
