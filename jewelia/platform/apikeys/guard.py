"""The API auth guard: a Bearer API key or JWT resolves the tenant once, at the edge."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from jewelia.core.errors import AppError, AuthenticationFailed, PermissionDenied, RateLimited
from jewelia.core.logs import tenant_id_var
from jewelia.core.middleware import header_value
from jewelia.core.settings import get_settings
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import controls, origins
from jewelia.platform.apikeys.service import KEY_PREFIX, grant_for
from jewelia.platform.apikeys.tokens import ROLE_PERMISSIONS, verify_access
from jewelia.platform.billing import ratelimit
from jewelia.platform.billing.plans import plan_named
from jewelia.platform.oauth import grants as app_grants
from jewelia.platform.oauth.scopes import scope_for
from jewelia.platform.tenancy.registry import TenantInfo
from jewelia.tenants.audit.service import Actor

AUTH_SCOPE_KEY = "jewelia.auth"
RATE_SCOPE_KEY = "jewelia.ratelimit"
ADMISSION_SCOPE_KEY = "jewelia.admission"
# The authenticated ApiAuth, kept even when admission then refuses (403, 429): the request log.
CALLER_SCOPE_KEY = "jewelia.caller"
# Whether the authenticated business allows the request's (foreign) Origin; see cors.py.
CORS_SCOPE_KEY = "jewelia.cors"
METHOD_PERMISSION = {
    "GET": "read",
    "HEAD": "read",
    "OPTIONS": "read",
    "POST": "write",
    "PUT": "write",
    "PATCH": "write",
    "DELETE": "delete",
}
# The developer portal's try-it token (a JWT claim): it reads, whatever a route's permission.
TRY_PURPOSE = "try"
TRY_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class ApiAuth:
    """Who is calling, for which tenant, with which permissions."""

    tenant: TenantInfo
    permissions: frozenset[str]
    actor: Actor
    key_id: uuid.UUID | None = None
    # App tokens (marketplace OAuth): their scopes decide instead of `permissions`.
    app: app_grants.AppGrant | None = None
    # An API key's own controls (JWTs and app tokens have none).
    hourly_limit: int | None = None
    allowed_ranges: tuple[controls.IpRange, ...] = ()
    # A JWT's purpose claim (TRY_PURPOSE for the portal's try-it token).
    purpose: str | None = None


async def authenticate(authorization: str) -> ApiAuth:
    """Resolve an Authorization header to an ApiAuth, or raise AuthenticationFailed."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationFailed("Missing credentials: send Authorization: Bearer <API key>")
    if len(token) > 2048 or not token.isascii():
        raise AuthenticationFailed("Invalid credentials")
    if token.startswith(KEY_PREFIX):
        grant = await grant_for(token)
        if grant is None:
            raise AuthenticationFailed("Invalid, expired or revoked API key")
        tenant = grant.tenant
        auth = ApiAuth(
            tenant,
            grant.permissions,
            Actor("api_key", grant.key_id, grant.prefix),
            grant.key_id,
            hourly_limit=grant.hourly_limit,
            allowed_ranges=grant.allowed_ranges,
        )
    elif token.startswith(app_grants.PREFIX):
        app = await app_grants.grant_for(token)
        if app is None:
            raise AuthenticationFailed("Invalid, expired or revoked app token")
        # The tenant is the token's own: an app token never reaches another business.
        actor = Actor("app", app.listing_id, app.listing_name)
        auth = ApiAuth(app.tenant, frozenset(), actor, app=app)
    else:
        claims = verify_access(token)
        try:
            member = await accounts.membership(claims.user_id, claims.tenant_id)
            user = await accounts.get_user(claims.user_id)
        except AppError as exc:
            raise AuthenticationFailed("Invalid token") from exc
        if claims.session_epoch != user.session_epoch:  # signed out everywhere, new password
            raise AuthenticationFailed("Token has been revoked")
        # The current role counts, so a demotion applies before the token expires; and a token
        # never does more than the role it was issued for (the portal's read-only try-it token).
        granted = ROLE_PERMISSIONS[member.role] & ROLE_PERMISSIONS[claims.role]
        auth = ApiAuth(member.tenant, granted, user.actor, purpose=claims.purpose)
    if not auth.tenant.is_active:
        raise PermissionDenied(f"This business is {auth.tenant.status}")
    return auth


async def admit(scope: Any, handler: BaseRouteHandler) -> ApiAuth:
    """Authenticate, charge the hourly budget and check the permission, once per request.

    The outcome (the ApiAuth, or the error) is kept in the scope: middleware that must run
    after admission (idempotency) and the guard share one decision and one charge.
    """
    done = scope.get(ADMISSION_SCOPE_KEY)
    if isinstance(done, AppError):
        raise done
    if done is not None:
        return done  # type: ignore[no-any-return]
    try:
        auth = await _admit(scope, handler)
    except AppError as exc:
        scope[ADMISSION_SCOPE_KEY] = exc
        raise
    scope[ADMISSION_SCOPE_KEY] = auth
    return auth


async def check_caller(auth: ApiAuth, scope: Any) -> None:
    """Where the request comes from (the key's IP ranges, the business's allowed origins) and
    the hourly budgets, for an authenticated caller; the API and the real-time stream share it."""
    tenant_id_var.set(str(auth.tenant.id))
    origin = origins.foreign_origin(scope)
    if origin is not None:  # decided first, so a refusal below is readable by an allowed page
        scope[CORS_SCOPE_KEY] = origin in auth.tenant.cors_origins
    if auth.allowed_ranges:
        address = controls.client_address(scope)
        if not controls.ip_allowed(address, auth.allowed_ranges):
            raise PermissionDenied(
                f"Requests from {address or 'an unknown address'} are not allowed for this API key",
                {"ip": address},
            )
    if origin is not None and not scope[CORS_SCOPE_KEY]:
        shown = origin[:200]
        message = f"Origin {shown} is not allowed for this business (Settings › API)"  # noqa: RUF001
        raise PermissionDenied(message, {"origin": shown})
    # Charged before the permission check, so a refused request carries the budget's
    # headers like any other answer to an authenticated request.
    if get_settings().rate_limits:  # operators may switch limits off (benchmarks compare)
        plan_limit = (await plan_named(auth.tenant.plan)).requests_per_hour
        # The credential's budget may be lower than the plan's (a key's own limit); the
        # business's budget is always the plan's.
        key_limit = min(plan_limit, auth.hourly_limit or plan_limit)
        decision = await ratelimit.check(
            [f"{auth.actor.type}:{auth.actor.id}:{auth.tenant.id}", f"tenant:{auth.tenant.id}"],
            [key_limit, plan_limit],
            auth.tenant.id,
        )
        scope[RATE_SCOPE_KEY] = decision
        if not decision.allowed:
            raise RateLimited("Rate limit exceeded", decision.retry_after, decision.headers())


async def _admit(scope: Any, handler: BaseRouteHandler) -> ApiAuth:
    auth = await authenticate((header_value(scope, b"authorization") or b"").decode("latin-1"))
    scope[CALLER_SCOPE_KEY] = auth
    await check_caller(auth, scope)
    method = scope.get("method", "GET")
    if auth.app is not None:
        _check_app_scope(auth.app, str(method), scope.get("path", ""))
        scope[AUTH_SCOPE_KEY] = auth
        return auth
    if auth.purpose == TRY_PURPOSE and method not in TRY_METHODS:
        raise PermissionDenied(
            "The developer portal's try-it token only reads (GET): use an API key for this",
            {"token": TRY_PURPOSE},
        )
    needed = handler.opt.get("permission") or METHOD_PERMISSION.get(str(method), "admin")
    if needed not in auth.permissions:
        raise PermissionDenied(f"This credential lacks the '{needed}' permission")
    scope[AUTH_SCOPE_KEY] = auth
    return auth


def _check_app_scope(app: app_grants.AppGrant, method: str, path: str) -> None:
    """An app token may make the request when its scopes cover it; an uninstalled app's
    token only reads, until its cleanup window ends."""
    needed = scope_for(method, path)
    if needed is None:
        raise PermissionDenied("App tokens cannot use this endpoint", {"required_scope": None})
    if app.read_only and not needed.endswith(":read"):
        raise PermissionDenied(
            "The app was uninstalled: its token can only read until its cleanup window ends",
            {"required_scope": needed},
        )
    if needed not in app.scopes:
        raise PermissionDenied(
            f"This app's token lacks the '{needed}' scope", {"required_scope": needed}
        )


async def api_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Admit the request (see `admit`); its errors are rendered here, inside the route."""
    await admit(connection.scope, handler)


def provide_auth(request: Any) -> ApiAuth:
    """Dependency: the ApiAuth the guard stored for this request."""
    return request.scope[AUTH_SCOPE_KEY]  # type: ignore[no-any-return]


def rate_limit_headers_middleware(app: Any) -> Any:
    """Add X-RateLimit-* headers to every API response the limiter decided on."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            decision = scope.get(RATE_SCOPE_KEY)
            if message["type"] == "http.response.start" and decision is not None:
                headers = list(message.get("headers") or ())
                if not any(k.lower() == b"x-ratelimit-limit" for k, _ in headers):  # 429s have them
                    headers += [
                        (k.lower().encode(), v.encode()) for k, v in decision.headers().items()
                    ]
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
