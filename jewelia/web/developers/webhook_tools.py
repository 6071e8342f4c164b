"""Developers > Webhooks > Testing tools: send a test request, use templates, sign and verify.

Every form works without JavaScript (the whole page comes back with the result); with htmx the
result panel alone is swapped in. The same service functions as the API do the work.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Router, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from jewelia.core import json_depth
from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.tenants.webhooks.tools import service as testing
from jewelia.web.actions import PAGE_ACTION_ERRORS, charge_page_action
from jewelia.web.context import PageContext, page_context, render
from jewelia.web.forms import form_dict, whole

BASE = "/developers/webhooks/tools"
SEND_DEFAULTS = {
    "webhookUrl": "",
    "method": "POST",
    "timeout": "10000",
    "retries": "0",
    "secret": "",
    "headers": "",
    "payload": json.dumps(testing.DEFAULT_PAYLOAD, indent=2),
}


def pretty(value: Any) -> str:
    """JSON for reading (indented, non-ASCII kept)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def parse_headers(text: str) -> dict[str, str]:
    """`Name: value` lines as a dict; ValidationFailed names a malformed line."""
    headers: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise ValidationFailed(
                [FieldError("headers", f"Line {n}: write headers as Name: value", "INVALID")]
            )
        headers[name.strip()] = value.strip()
    return headers


def parse_json(field: str, text: str, empty: Any = testing.NO_PAYLOAD) -> Any:
    """JSON from a text area (`empty` when blank); ValidationFailed when it does not parse."""
    if not text.strip():
        return empty
    try:
        return json_depth.loads(text)
    except ValueError as exc:
        raise ValidationFailed(
            [FieldError(field, f"Not valid JSON: {exc}", "MALFORMED_JSON")]
        ) from exc


async def exact_form(request: HTMXRequest, *names: str) -> dict[str, str]:
    """Fields as typed (not trimmed: a body must be signed byte for byte); browsers send line
    breaks in text areas as CRLF, read here as LF."""
    form = await request.form()
    return {n: str(form.get(n, "") or "").replace("\r\n", "\n") for n in names}


def field_errors(exc: ValidationFailed) -> dict[str, str]:
    """Errors keyed by form field (`headers.X-Foo` shows at the headers box)."""
    out: dict[str, str] = {}
    for err in exc.errors:
        key = err["field"]
        if key.startswith("headers."):
            key = "headers"
        out.setdefault(key, err["message"])
    return out


def _template_state(category: str | None, name: str | None) -> dict[str, Any]:
    categories = testing.CATEGORIES
    category = category if category in categories else categories[0]
    listed = [  # the page shows each template's event and lists its variables beside it
        {**t, "event": t["template"]["payload"]["event"], "variables": t["template"]["variables"]}
        for t in testing.list_templates(category)
    ]
    chosen = next((t for t in listed if t["name"] == name), listed[0])
    return {"categories": categories, "category": category, "templates": listed, "chosen": chosen}


def _example_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _page(ctx: PageContext, request: HTMXRequest, status_code: int = 200, **state: Any) -> Template:
    category = state.pop("category", None) or request.query_params.get("category")
    name = state.pop("template_name", None) or request.query_params.get("template")
    tmpl = _template_state(category, name)
    variables = {v["name"]: _example_text(v["example"]) for v in tmpl["chosen"]["variables"]}
    values: dict[str, Any] = {
        "send": dict(SEND_DEFAULTS),
        "vars": variables,
        "validate_payload": "",
        "sign": {"secret": "", "body": '{"event":"webhook.test","data":{"message":"hi"}}'},
        "verify": {"secret": "", "body": "", "headers": "", "tolerance": "300"},
    }
    for key, given in state.pop("values", {}).items():
        values[key] = {**values[key], **given} if isinstance(values[key], dict) else given
    return render(
        "webhooks/tools.html",
        ctx,
        status_code=status_code,
        values=values,
        errors=state.pop("errors", {}),
        methods=testing.METHODS,
        chosen_payload=pretty(tmpl["chosen"]["template"]["payload"]),
        **tmpl,
        **state,
    )


def _answer(
    request: HTMXRequest,
    ctx: PageContext,
    section: str,
    failed: bool,
    **state: Any,
) -> Template:
    """The result panel alone for htmx (200, so htmx swaps it), else the whole page."""
    partial = f"webhooks/_{section}_result.html"
    state["section"] = section
    if request.htmx:
        return render(partial, ctx, errors=state.pop("errors", {}), **state)
    return _page(ctx, request, 422 if failed else 200, **state)


@get(BASE, name="webhook_tools")
async def tools(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    return _page(ctx, request)


@post(f"{BASE}/send", exception_handlers=PAGE_ACTION_ERRORS)
async def send(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    form = await form_dict(request)
    values = {k: form.get(k, "") for k in SEND_DEFAULTS}
    try:
        if not ctx.current.can_write:
            raise ValidationFailed(
                [FieldError("webhookUrl", "Your role is read-only in this business")]
            )
        await charge_page_action(ctx)
        result = await testing.send_test(
            values["webhookUrl"],
            values["method"],
            parse_headers(values["headers"]),
            parse_json("payload", values["payload"]),
            whole(values["timeout"], 10_000),
            whole(values["retries"], 0),
            values["secret"] or None,
        )
    except ValidationFailed as exc:
        return _answer(
            request,
            ctx,
            "send",
            True,
            errors=field_errors(exc),
            values={"send": values},
        )
    return _answer(
        request,
        ctx,
        "send",
        False,
        send_result=result,
        response_text=pretty(result["responseData"]),
        values={"send": values},
    )


@post(f"{BASE}/render")
async def render_template(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    form = await form_dict(request)
    name, category = form.get("template", ""), form.get("category", "")
    raw = {k[4:]: v for k, v in form.items() if k.startswith("var.")}
    state: dict[str, Any] = {"template_name": name, "category": category}
    try:
        rendered = testing.render(name, testing.coerce(name, raw))
    except ValidationFailed as exc:
        errors = {e["field"].removeprefix("variables."): e["message"] for e in exc.errors}
        return _answer(
            request,
            ctx,
            "render",
            True,
            render_errors=errors,
            values={"vars": raw},
            **state,
        )
    payload = pretty(rendered["payload"])
    return _answer(
        request,
        ctx,
        "render",
        False,
        rendered=rendered,
        rendered_payload=payload,
        values={"vars": raw, "send": {"payload": payload}, "validate_payload": payload},
        **state,
    )


@post(f"{BASE}/validate")
async def validate_payload(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    form = await form_dict(request)
    name, text = form.get("template", ""), form.get("payload", "")
    state: dict[str, Any] = {"template_name": name, "category": form.get("category", "")}
    try:
        report = testing.validate(name, parse_json("payload", text, None))
    except ValidationFailed as exc:
        return _answer(
            request,
            ctx,
            "validate",
            True,
            errors=field_errors(exc),
            values={"validate_payload": text},
            **state,
        )
    return _answer(
        request,
        ctx,
        "validate",
        False,
        report=report,
        values={"validate_payload": text},
        **state,
    )


@post(f"{BASE}/signature")
async def signature(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    values = await exact_form(request, "secret", "body", "id", "timestamp")
    try:
        result = testing.generate_signature(
            values["secret"],
            body=values["body"],
            msg_id=values["id"].strip() or None,
            timestamp=whole(values["timestamp"].strip()),
        )
    except ValidationFailed as exc:
        return _answer(
            request,
            ctx,
            "signature",
            True,
            errors={f"sign_{k}": v for k, v in field_errors(exc).items()},
            values={"sign": values},
        )
    return _answer(
        request,
        ctx,
        "signature",
        False,
        signature=result,
        values={"sign": values},
    )


@post(f"{BASE}/verify")
async def verify(request: HTMXRequest) -> Template:
    ctx = await page_context(request)
    values = await exact_form(request, "secret", "body", "headers", "tolerance")
    try:
        verdict = testing.verify_signature(
            values["secret"],
            values["body"],
            parse_headers(values["headers"]),
            whole(values["tolerance"].strip(), 300),
        )
    except ValidationFailed as exc:
        return _answer(
            request,
            ctx,
            "verify",
            True,
            errors={f"verify_{k}": v for k, v in field_errors(exc).items()},
            values={"verify": values},
        )
    return _answer(
        request,
        ctx,
        "verify",
        False,
        verdict=verdict,
        values={"verify": values},
    )


router = Router(
    path="/",
    route_handlers=[tools, send, render_template, validate_payload, signature, verify],
    include_in_schema=False,
)
