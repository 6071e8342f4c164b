"""The developer portal: seven public tabs under /developers, the reference's OpenAPI document
with our code samples, sample downloads, and the try-it token for signed-in members.

Anyone may read the portal; a signed-in member sees their business, their keys' names and
prefixes in the samples (never a secret), and can try calls in the reference with a read-only
token minted for five minutes, fetched by the page's script (POST, session + CSRF) only when a
call needs one, and kept in memory only: no secret or token is ever written into the HTML.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from litestar import HttpMethod, MediaType, Request, Response, Router, post, route
from litestar.exceptions import NotFoundException
from litestar.response import Template

from jewelia.core import error_catalog
from jewelia.core.errors import AUTHENTICATION_ERROR, AppError, error_response
from jewelia.core.openapi import with_error_responses
from jewelia.core.openapi_sdk import API_PREFIX, SDK_NAMES, camel
from jewelia.platform.apikeys import service as keys
from jewelia.platform.apikeys.guard import TRY_PURPOSE
from jewelia.platform.apikeys.service import DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS
from jewelia.platform.apikeys.tokens import ACCESS_TTL, REFRESH_TTL, ROLE_PERMISSIONS, issue_access
from jewelia.platform.marketplace.markdown import render_markdown
from jewelia.platform.oauth import tokens as oauth_tokens
from jewelia.platform.oauth.scopes import SCOPES
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.outbound import delivery
from jewelia.tenants.webhooks.signing import DEFAULT_TOLERANCE_SECONDS
from jewelia.web.context import PageContext, page_context, render, signed_in_user
from jewelia.web.developers import guide, samples
from jewelia.web.developers.webhooks import ticks_to_code

Req = Request[Any, Any, Any]
BASE = "/developers"
TABS = (
    ("start", "Get started", BASE),
    ("auth", "Authentication", f"{BASE}/auth"),
    ("reference", "API reference", f"{BASE}/reference"),
    ("sdks", "SDKs & examples", f"{BASE}/sdks"),
    ("webhooks", "Webhooks & real-time", f"{BASE}/webhooks-guide"),
    ("errors", "Errors & rate limits", f"{BASE}/errors"),
    ("changelog", "Changelog & versioning", f"{BASE}/changelog"),
)
TRY_ROLE = "read-only"  # try-it tokens only read, whatever the member's role
TRY_TTL = timedelta(minutes=5)
NO_STORE = {"Cache-Control": "no-store"}
# The document and the downloads name a signed-in admin's key: the browser's copy only, checked
# again before reuse, and never one visitor's for another's cookie.
PERSONAL = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}
DOCUMENT_KEY, CALLS_KEY = "developer_portal_document", "developer_portal_calls"


def page(path: str, **options: Any) -> route:
    """A portal GET route that answers HEAD the same way (headers only, as a GET would)."""
    return route(path, http_method=[HttpMethod.GET, HttpMethod.HEAD], **options)


async def _member(request: Req) -> PageContext | None:
    """The page context of a signed-in member, else None (the public layout)."""
    if await signed_in_user(request) is None:
        return None
    try:
        return await page_context(request)
    except AppError:
        return None  # no business yet (a marketplace developer), or a suspended one


def base_url(request: Req) -> str:
    """This server's API base URL as the browser reached it: `<origin>/api/v1`."""
    return str(request.base_url).rstrip("/") + API_PREFIX


async def key_hints(ctx: PageContext | None) -> list[samples.KeyHint]:
    """The business's active keys (name and prefix) for owners and admins, who manage them."""
    if ctx is None or not ctx.current.can_manage_team:
        return []
    return [
        samples.KeyHint(k.name, k.prefix)
        for k in await keys.list_keys(ctx.tenant.id)
        if k.status == "active"
    ]


async def _who(request: Req) -> tuple[PageContext | None, list[samples.KeyHint]]:
    ctx = await _member(request)
    return ctx, await key_hints(ctx)


async def _page(request: Req, tab: str, template: str, **values: Any) -> Template:
    if "who" in values:
        ctx, hints = values.pop("who")
    else:
        ctx, hints = await _who(request)
    return render(
        f"developers/{template}",
        ctx,
        layout="app_layout.html" if ctx else "public.html",
        tabs=TABS,
        tab=tab,
        title=next(label for key, label, _ in TABS if key == tab),
        base_url=base_url(request),
        hints=hints,
        hint=hints[0] if hints else None,
        **values,
    )


def first_answer() -> str:
    """What GET /customers answers, with the catalog's example customer."""
    customer = {
        k: v
        for k, v in catalog.CATALOG["customer.created"].example_data.items()
        if k != "customer_id"
    }
    page = {"page": 1, "limit": 20, "total": 1, "totalPages": 1, "next_cursor": None}
    return json.dumps({"success": True, "data": [customer], "pagination": page}, indent=2)


def _document(request: Req) -> dict[str, Any]:
    """The API's OpenAPI document, built once per application (read, never changed, here)."""
    state = request.app.state
    if DOCUMENT_KEY not in state:
        state[DOCUMENT_KEY] = with_error_responses(request.app.openapi_schema.to_schema())
        state[CALLS_KEY] = {c.operation_id: c for c in samples.calls(state[DOCUMENT_KEY])}
    return state[DOCUMENT_KEY]  # type: ignore[no-any-return]


def _samples_of(request: Req, operation_id: str, hint: samples.KeyHint | None) -> dict[str, str]:
    _document(request)
    call = request.app.state[CALLS_KEY][operation_id]
    return {lang: samples.sample(call, lang, base_url(request), hint) for lang in samples.LANGS}


@page(BASE, name="developers")
async def get_started(request: Req) -> Template:
    who = await _who(request)
    hint = who[1][0] if who[1] else None
    return await _page(
        request,
        "start",
        "start.html",
        who=who,
        first=_samples_of(request, "listCustomers", hint),
        create=_samples_of(request, "createCustomer", None),
        first_answer=first_answer(),
    )


@page(f"{BASE}/auth")
async def authentication(request: Req) -> Template:
    return await _page(
        request,
        "auth",
        "auth.html",
        permissions=guide.permissions(request.app, _document(request)),
        token_sample=_samples_of(request, "createToken", None)["curl"],
        roles=ROLE_PERMISSIONS,
        scopes=SCOPES,
        access_minutes=int(ACCESS_TTL.total_seconds() // 60),
        refresh_days=REFRESH_TTL.days,
        app_access_minutes=int(oauth_tokens.ACCESS_TTL.total_seconds() // 60),
        app_refresh_days=oauth_tokens.REFRESH_TTL.days,
        code_seconds=int(oauth_tokens.CODE_TTL.total_seconds()),
        grace_hours=DEFAULT_GRACE_HOURS,
        max_grace_hours=MAX_GRACE_HOURS,
    )


@page(f"{BASE}/reference")
async def reference(request: Req) -> Template:
    return await _page(
        request,
        "reference",
        "reference.html",
        try_minutes=int(TRY_TTL.total_seconds() // 60),
        try_role=TRY_ROLE,
    )


@page(f"{BASE}/reference/openapi.json", media_type=MediaType.JSON)
async def reference_document(request: Req) -> Response[dict[str, Any]]:
    """The OpenAPI document with `x-codeSamples` on every operation (our samples, not the
    viewer's), this server as its server; a signed-in admin's key name in the samples."""
    hints = await key_hints(await _member(request))
    document = samples.with_code_samples(
        _document(request), base_url(request), hints[0] if hints else None
    )
    return Response(document, media_type=MediaType.JSON, headers=PERSONAL)


@post(f"{BASE}/reference/token", status_code=200, media_type=MediaType.JSON)
async def try_token(request: Req) -> Response[Any]:
    """A read-only access token for the member's current business, valid five minutes, for the
    reference's try-it (session + CSRF; the page keeps it in memory only)."""
    if await signed_in_user(request) is None:
        return error_response(
            "Log in to try calls with your business's data", AUTHENTICATION_ERROR, 401
        )
    ctx = await page_context(request)
    token = issue_access(
        ctx.user.id,
        ctx.tenant.id,
        TRY_ROLE,
        ctx.user.session_epoch,
        ttl=TRY_TTL,
        purpose=TRY_PURPOSE,
    )
    allowed = ROLE_PERMISSIONS[ctx.current.role] & ROLE_PERMISSIONS[TRY_ROLE]
    body = {
        "success": True,
        "data": {
            "token": token,
            "token_type": "Bearer",
            "expires_in": int(TRY_TTL.total_seconds()),
            "permissions": sorted(allowed),
            "business": {"id": str(ctx.tenant.id), "name": ctx.tenant.name},
        },
    }
    return Response(body, media_type=MediaType.JSON, headers=NO_STORE)


@page(f"{BASE}/sdks")
async def sdks(request: Req) -> Template:
    who = await _who(request)
    hint = who[1][0] if who[1] else None
    return await _page(
        request,
        "sdks",
        "sdks.html",
        who=who,
        first=_samples_of(request, "listCustomers", hint),
        create=_samples_of(request, "createCustomer", None),
        resources=_resources(),
        downloads=samples.LANGS,
    )


def _resources() -> list[dict[str, Any]]:
    """Each SDK resource with its methods in Python and TypeScript spelling."""
    by_resource: dict[str, list[str]] = {}
    for resource, method in SDK_NAMES.values():
        by_resource.setdefault(resource, []).append(method)
    return [
        {
            "python": resource,
            "typescript": camel(resource),
            "methods": [(m, camel(m)) for m in methods],
        }
        for resource, methods in by_resource.items()
    ]


@page(f"{BASE}/samples/{{lang:str}}")
async def download_samples(request: Req, lang: str) -> Response[str]:
    """Every operation's sample in one file for one language."""
    meta = samples.LANGS.get(lang)
    if meta is None:
        raise NotFoundException()
    hints = await key_hints(await _member(request))
    text = samples.download(
        _document(request), lang, base_url(request), hints[0] if hints else None
    )
    return Response(
        text,
        media_type=f"{meta['media']}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{meta["file"]}"', **PERSONAL},
    )


@page(f"{BASE}/webhooks-guide")
async def webhooks_guide(request: Req) -> Template:
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in catalog.describe():
        groups.setdefault(event["category"], []).append(event)
    return await _page(
        request,
        "webhooks",
        "webhooks_guide.html",
        event_groups=groups,
        schedule=guide.retry_schedule(),
        tolerance=DEFAULT_TOLERANCE_SECONDS,
        disable_after_days=delivery.DISABLE_AFTER.days,
        max_retry_after=guide.duration(delivery.MAX_RETRY_AFTER),
        timeout_seconds=int(delivery.TIMEOUT_SECONDS),
        verify={
            "curl (openssl)": guide.VERIFY_SHELL,
            "Python": guide.VERIFY_PYTHON,
            "TypeScript": guide.VERIFY_TYPESCRIPT,
        },
        ticks=ticks_to_code,
        example_body=json.dumps(
            {
                "id": "5b2c9e4a-1f3d-4e6b-8a7c-0d9e8f7a6b5c",
                "event": "customer.created",
                "data": catalog.CATALOG["customer.created"].example_data,
                "timestamp": "2024-01-15T10:30:00Z",
            },
            indent=2,
        ),
    )


@page(f"{BASE}/errors")
async def errors(request: Req) -> Template:
    entries = list(error_catalog.CATALOG.values())
    return await _page(
        request,
        "errors",
        "errors.html",
        response_errors=[e for e in entries if e.response],
        field_errors=[e for e in entries if e.field and not e.response],
        plans=await guide.plan_rows(),
        rate_headers=guide.RATE_HEADERS,
        ticks=ticks_to_code,
    )


@page(f"{BASE}/changelog")
async def changelog(request: Req) -> Template:
    return await _page(
        request, "changelog", "changelog.html", changelog=render_markdown(guide.changelog_text())
    )


router = Router(
    path="/",
    route_handlers=[
        get_started,
        authentication,
        reference,
        reference_document,
        try_token,
        sdks,
        download_samples,
        webhooks_guide,
        errors,
        changelog,
    ],
    include_in_schema=False,
)
