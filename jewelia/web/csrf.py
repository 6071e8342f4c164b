"""CSRF tokens bound to the server-side session, and signed pre-session tokens for visitors.

Someone signed in (or half-way through a two-factor log-in) gets a token that is an HMAC of
their session id under the secret key: it changes whenever the session id rotates (log-in,
log-out), and a token taken from another session is refused. A visitor with no such session gets
an HMAC of a random nonce kept in a cookie, checked without any server state: the public pages
(landing, log-in, sign-up, reset, invite) need a working form, yet a page view must store nothing
in Redis. Once a log-in creates the session, only that session's token passes, so a nonce pair
planted in a browser cannot act for a signed-in user. The token is checked against the session
the request arrived with, and pages get the one for the session the response leaves behind.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from contextvars import ContextVar
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp
from litestar.utils.scope.state import ScopeState

from jewelia.core.errors import PermissionDenied
from jewelia.core.settings import get_settings
from jewelia.web.sessions import bound_session_id

NONCE_COOKIE = "jewelia_csrf"
HEADER = "x-csrftoken"
FIELD = "_csrf_token"
EXCLUDE_OPT = "exclude_from_csrf"  # routes that check the token themselves (streamed uploads)
EXCLUDE = ("/api/", "/billing/stripe/webhook", "/health", "/ready", "/static/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
FAILED = "This form has expired or came from another page (CSRF check failed). Reload the page."
_NONCE = re.compile(r"[0-9a-f]{64}")
_NONCE_KEY = "jewelia.csrf_nonce"
_current: ContextVar[Request[Any, Any, Any] | None] = ContextVar("csrf_request", default=None)


def _nonce(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """The visitor's nonce, and whether it was minted for this request (no valid cookie came)."""
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]
    if _NONCE_KEY not in scope:
        sent = request.cookies.get(NONCE_COOKIE, "")
        valid = bool(_NONCE.fullmatch(sent))
        scope[_NONCE_KEY] = (sent, False) if valid else (secrets.token_hex(32), True)
    return scope[_NONCE_KEY]  # type: ignore[no-any-return]


def expected_token(request: Request[Any, Any, Any]) -> str:
    """The token that matches the request's session as it stands now."""
    sid = bound_session_id(request.scope)
    purpose, value = ("session", sid) if sid else ("visitor", _nonce(request)[0])
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def check_token(request: Request[Any, Any, Any], given: str | None) -> None:
    """Raise PermissionDenied unless `given` (or the x-csrftoken header) is this session's token."""
    given = request.headers.get(HEADER) or given
    expected = expected_token(request).encode()
    # A nonce minted for this very request cannot match anything the browser sent.
    if _nonce(request)[1] and not bound_session_id(request.scope):
        raise PermissionDenied(FAILED)
    if not given or not hmac.compare_digest(given.encode(), expected):
        raise PermissionDenied(FAILED)


async def refresh_token(response: Any) -> Any:
    """after_request hook: pages render the token of the session the handler left behind."""
    request = _current.get()
    if request is not None:
        ScopeState.from_scope(request.scope).csrf_token = expected_token(request)
    return response


def csrf_middleware(app: ASGIApp) -> ASGIApp:
    """Give pages their token (and a visitor a nonce cookie); check it on unsafe methods."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXCLUDE):
            await app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope, receive)
        ScopeState.from_scope(scope).csrf_token = expected_token(request)
        handler = scope.get("route_handler")
        checked_here = not (handler is not None and handler.opt.get(EXCLUDE_OPT))
        if scope["method"] not in SAFE_METHODS and checked_here:
            given = None
            if HEADER not in request.headers and request.content_type[0] in FORMS:
                given = (await request.form()).get(FIELD)
            check_token(request, given if isinstance(given, str) else None)
        reset = _current.set(request)
        try:
            await app(scope, receive, _with_nonce_cookie(request, send))
        finally:
            _current.reset(reset)

    return middleware


def _with_nonce_cookie(request: Request[Any, Any, Any], send: Any) -> Any:
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]

    async def wrapped(message: Any) -> None:
        # Only when a nonce was minted for this response (a visitor's first page, or a log-out).
        if message["type"] == "http.response.start" and scope.get(_NONCE_KEY, ("", False))[1]:
            cookie = Cookie(
                key=NONCE_COOKIE,
                value=_nonce(request)[0],
                path="/",
                httponly=True,
                secure=get_settings().base_url.startswith("https://"),
                samesite="lax",
            )
            MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
        await send(message)

    return wrapped
