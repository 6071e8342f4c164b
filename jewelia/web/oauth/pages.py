"""The consent page: GET /oauth/authorize shows what the app asks for; POST approves or denies.

The request is checked first (jewelia.platform.oauth.service): an unknown app or a redirect
address it did not register gets an error page here, never a redirect; other errors go back to
the app with `error` and the unchanged `state`. Signing in is required (back here afterwards),
and only a business where the user is owner or admin can be chosen.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError
from jewelia.core.middleware import CSP
from jewelia.platform.accounts import service as accounts
from jewelia.platform.commerce import charges
from jewelia.platform.marketplace import installs
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.platform.oauth import service as oauth
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.web.context import render, signed_in_user

Req = Request[Any, Any, Any]
ORIGIN = re.compile(
    r"https?://[A-Za-z0-9.\-]+(?::\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](?::\d{1,5})?"
)
PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _refused(message: str, status: int = 400) -> Template:
    return render("oauth/refused.html", None, status_code=status, message=message)


async def _businesses(user_id: uuid.UUID, listing_id: uuid.UUID, wanted: list[str]) -> list[Any]:
    """The user's businesses where they may install, with what the app already holds there."""
    out = []
    for m in await accounts.memberships(user_id):
        if m.role not in installs.MANAGER_ROLES or not m.tenant.is_active:
            continue
        current = await installs.active_install(listing_id, m.tenant.id)
        held = oauth_scopes.expand(current["scopes"]) if current else set()
        out.append(
            {
                "id": m.tenant.id,
                "name": m.tenant.name,
                "installed": current is not None,
                "new_scopes": [s for s in wanted if s not in held] if current else [],
            }
        )
    return out


async def _checked(params: dict[str, list[str]]) -> oauth.AuthRequest | Template | Redirect:
    try:
        return await oauth.check_authorization_request(params)
    except oauth.AuthorizeRefused as exc:
        return _refused(exc.message)
    except oauth.errors.OAuth2Error as exc:
        return Redirect(path=oauth.error_redirect(exc), status_code=302)


def _price(listing: dict[str, Any]) -> str | None:
    """The listing's price in plain words for the consent page (None when free)."""
    try:
        charge = charges.price_of(listing)
    except AppError:
        return None
    amount = charges.ledger.from_minor(charge["amount_minor"], charge["currency"])
    return charges.describe(
        {**charge, "amount": amount, "cap": None, "currency": charge["currency"]}
    )


async def _paid_install(
    request: Req, auth: oauth.AuthRequest, user: Any, tenant_id: uuid.UUID, params: Any
) -> Redirect:
    """A paid app: a pending charge for the business and its confirmation page; the consent
    URL is kept so the install continues there once the charge is paid."""
    tenant = await get_tenant(tenant_id)
    back = "/oauth/authorize?" + urlencode({k: v[0] for k, v in params.items() if v})
    charge = await charges.create_pending(tenant, auth.listing["id"], user.id, return_to=back)
    request.set_session({**(request.session or {}), "tid": str(tenant_id)})
    return Redirect(path=f"/settings/billing/apps/confirm/{charge['id']}", status_code=303)


async def _consent(
    request: Req, auth: oauth.AuthRequest, user: Any, status: int = 200, error: str | None = None
) -> Template:
    listing = auth.listing
    page = render(
        "oauth/consent.html",
        None,
        status_code=status,
        user=user,
        listing=listing,
        scopes=oauth_scopes.describe(auth.scopes),
        events=installs.granted_events(listing, auth.scopes) if listing.get("webhook_url") else [],
        businesses=await _businesses(user.id, listing["id"], auth.scopes),
        hidden={
            "response_type": "code",
            "client_id": listing["client_id"],
            "redirect_uri": auth.redirect_uri,
            "scope": " ".join(auth.scopes),
            "code_challenge": auth.code_challenge,
            "code_challenge_method": "S256",
            **({"state": auth.state} if auth.state is not None else {}),
        },
        redirect_host=auth.redirect_uri.split("/")[2] if "//" in auth.redirect_uri else "",
        error=error,
        price=_price(listing),
    )
    # Browsers apply form-action to the redirect that answers the form too: the app's
    # (registered, exactly matched) redirect origin must be allowed, or Approve/Deny is blocked.
    parts = urlsplit(auth.redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    if ORIGIN.fullmatch(origin):  # nothing that could add a directive to the header
        page.headers["Content-Security-Policy"] = CSP.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return page


@get("/oauth/authorize", name="oauth_authorize")
async def authorize(request: Req) -> Template | Redirect:
    params = {k: list(v) for k, v in request.query_params.dict().items()}
    checked = await _checked(params)
    if not isinstance(checked, oauth.AuthRequest):
        return checked
    user = await signed_in_user(request)
    if user is None:
        target = request.url.path + ("?" + request.url.query if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target, safe='')}")
    return await _consent(request, checked, user)


@post("/oauth/authorize")
async def decide(request: Req) -> Template | Redirect:
    form = await request.form()
    params = {k: [str(v) for v in form.getall(k)] for k in PARAMS if k in form}
    checked = await _checked(params)
    if not isinstance(checked, oauth.AuthRequest):
        return checked
    user = await signed_in_user(request)
    if user is None:
        return _refused("Please sign in and start again from the app.", 401)
    if form.get("decision") != "approve":
        return Redirect(path=oauth.deny(checked), status_code=302)
    try:
        tenant_id = uuid.UUID(str(form.get("tenant_id", "")))
    except ValueError:
        return await _consent(request, checked, user, 422, "Choose the business to connect")
    try:
        target = await oauth.approve(checked, user.id, tenant_id)
    except installs.AppChargeRequired:
        try:
            return await _paid_install(request, checked, user, tenant_id, params)
        except AppError as exc:
            return await _consent(request, checked, user, exc.status_code, exc.message)
    except AppError as exc:
        return await _consent(request, checked, user, exc.status_code, exc.message)
    return Redirect(path=target, status_code=302)


router = Router(path="/", route_handlers=[authorize, decide], include_in_schema=False)
