"""The OAuth 2.0 authorization server for marketplace apps (RFC 6749, 7636, 7009, 8414).

What authlib gives us, and why not all of it: authlib's `AuthorizationServer` and its grant
classes are framework-agnostic, but every hook they call (`query_client`, `save_token`,
`query_authorization_code`, `authenticate_user` …) is synchronous, while every query here is
asyncpg on the event loop; running them would mean a thread and a second database path per
request. The flow itself is small, so it is written here against our own tables, and authlib is
used for the parts where being exactly right matters most:

- `authlib.oauth2.rfc6749.errors`: the RFC's error classes, so each failure carries the right
  `error` code, HTTP status, `Cache-Control: no-store` and, for a client that authenticated
  with HTTP Basic, the 401 with `WWW-Authenticate` (RFC 6749 §5.2); and, for the authorization
  endpoint, the redirect carrying `error` and `state` (§4.1.2.1).
- `authlib.oauth2.rfc7636.create_s256_code_challenge`: the S256 transform of PKCE.
- `authlib.oauth2.rfc6749.util.extract_basic_authorization`: client_secret_basic parsing
  (URL-decoding the id and secret, as §2.3.1 requires).

Rules: authorization code with PKCE S256 only (plain refused); redirect_uri required and matched
exactly against the listing's list; state passed through unchanged; codes single-use, 60 s, and
a code presented again revokes what it was exchanged for; access tokens 1 h bound to the tenant,
listing, install and scopes; refresh tokens rotate and a reused one revokes its family; only
`published` and `unlisted` listings can be authorized, and a suspended one's tokens stop working
(the guard checks the listing's status on every request).
"""

from __future__ import annotations

import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc6749 import errors
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import AppError, PermissionDenied
from jewelia.core.settings import get_settings
from jewelia.platform.marketplace import installs, listings
from jewelia.platform.oauth import scopes as oauth_scopes
from jewelia.platform.oauth import tokens

OAuth2Error = Any  # authlib's errors.OAuth2Error (authlib ships no type hints)
INSTALLABLE = installs.INSTALLABLE
# RFC 7636 §4.1/§4.2: 43-128 unreserved characters (an S256 challenge is always 43).
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")


class AuthorizeRefused(AppError):
    """The authorization request cannot be answered by redirecting (unknown client, redirect_uri
    not registered): the user sees an error page instead (RFC 6749 §4.1.2.1)."""

    status_code = 400


@dataclass(frozen=True)
class AuthRequest:
    """A checked authorization request, ready for the consent page."""

    listing: dict[str, Any]
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str

    def redirect(self, **params: str) -> str:
        """redirect_uri with the given parameters and the state, unchanged."""
        values = {**params}
        if self.state is not None:
            values["state"] = self.state
        sep = "&" if "?" in self.redirect_uri else "?"
        return self.redirect_uri + sep + urlencode(values)


# --- clients ------------------------------------------------------------------------------


async def authenticate_client(authorization: str | None, form: dict[str, str]) -> dict[str, Any]:
    """The listing of the client authenticating by client_secret_basic or client_secret_post,
    or invalid_client (401 with WWW-Authenticate when Basic was tried)."""
    basic = bool(authorization) and authorization.lower().startswith("basic ")  # type: ignore[union-attr]
    if basic:
        try:
            client_id, secret = extract_basic_authorization({"Authorization": authorization})
        except ValueError:  # not UTF-8 once decoded
            client_id, secret = None, None
        if "client_secret" in form:
            raise errors.InvalidRequestError("Use one client authentication method, not two")
        if form.get("client_id") not in (None, client_id):
            raise errors.InvalidRequestError("client_id differs from the Basic credentials")
    else:
        client_id, secret = form.get("client_id"), form.get("client_secret")
    status = 401 if basic else 400
    if not client_id or secret is None:
        raise errors.InvalidClientError("Client authentication failed", status_code=status)
    listing = await listings.get_by_client_id(client_id)
    if listing is None or not listings.check_client_secret(listing, secret):
        raise errors.InvalidClientError("Client authentication failed", status_code=status)
    return listing


# --- authorization endpoint ---------------------------------------------------------------


async def check_authorization_request(params: dict[str, list[str]]) -> AuthRequest:
    """Validate GET /oauth/authorize's query. Raises AuthorizeRefused (no redirect) when the
    client or redirect_uri is not to be trusted, else an OAuth2Error whose redirect_uri is set
    (the page redirects with error and state)."""

    def one(name: str) -> str | None:
        values = params.get(name) or []
        if len(values) > 1:
            raise _Dup(name)
        return values[0] if values else None

    try:
        client_id = one("client_id")
        redirect_uri = one("redirect_uri")
    except _Dup as dup:
        raise AuthorizeRefused(f"The {dup.name} parameter was given more than once") from None
    listing = await listings.get_by_client_id(client_id or "")
    if listing is None:
        raise AuthorizeRefused("Unknown app (client_id): ask its developer for a working link")
    if not redirect_uri or redirect_uri not in list(listing["redirect_uris"]):
        raise AuthorizeRefused(
            "The app's redirect address (redirect_uri) is missing or not registered for it"
        )
    if listing["status"] not in INSTALLABLE:
        raise AuthorizeRefused("This app is not available for installation")
    try:
        state = one("state")
    except _Dup:
        raise _redirect(
            errors.InvalidRequestError("state was given more than once"),
            redirect_uri,
            params["state"][0],
        ) from None
    try:
        response_type = one("response_type")
        scope = one("scope")
        challenge = one("code_challenge")
        method = one("code_challenge_method")
    except _Dup as dup:
        raise _redirect(
            errors.InvalidRequestError(f"{dup.name} was given more than once"), redirect_uri, state
        ) from None
    if not response_type:
        raise _redirect(
            errors.InvalidRequestError("response_type is required"), redirect_uri, state
        )
    if response_type != "code":
        raise _redirect(errors.UnsupportedResponseTypeError(response_type), redirect_uri, state)
    if not challenge:
        raise _redirect(
            errors.InvalidRequestError("code_challenge is required (PKCE, S256)"),
            redirect_uri,
            state,
        )
    if method != "S256":
        raise _redirect(
            errors.InvalidRequestError("code_challenge_method must be S256 (plain is refused)"),
            redirect_uri,
            state,
        )
    if not _CHALLENGE.fullmatch(challenge):
        raise _redirect(
            errors.InvalidRequestError("code_challenge must be 43 base64url characters"),
            redirect_uri,
            state,
        )
    try:
        wanted = installs.check_scopes(listing, scope if scope else list(listing["scopes"]))
    except AppError:
        raise _redirect(
            errors.InvalidScopeError("Unknown scope, or one the app did not register"),
            redirect_uri,
            state,
        ) from None
    if not wanted:
        raise _redirect(errors.InvalidScopeError("No scope requested"), redirect_uri, state)
    return AuthRequest(listing, redirect_uri, wanted, state, challenge)


class _Dup(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _redirect(error: OAuth2Error, redirect_uri: str, state: str | None) -> OAuth2Error:
    error.redirect_uri = redirect_uri
    error.state = state
    return error


def error_redirect(error: OAuth2Error) -> str:
    """Where an OAuth2Error with a redirect_uri sends the browser (error, description, state)."""
    _, _, headers = error()
    return dict(headers)["Location"]


def deny(request: AuthRequest) -> str:
    """The user said no: redirect_uri?error=access_denied&state=…"""
    return error_redirect(
        _redirect(
            errors.AccessDeniedError("The user denied the request"),
            request.redirect_uri,
            request.state,
        )
    )


async def approve(request: AuthRequest, user_id: uuid.UUID, tenant_id: uuid.UUID) -> str:
    """The user consented for one business (owner/admin): install (or update the install's
    scopes), issue a code, and return redirect_uri?code=…&state=…"""
    if await installs.manager_role(user_id, tenant_id) is None:
        raise PermissionDenied("Only owners and admins of a business can install apps for it")
    await installs.install(request.listing["id"], tenant_id, user_id, request.scopes)
    code = tokens.new_code()
    now = datetime.now(UTC)
    await execute(
        "INSERT INTO public.oauth_code (code_hash, listing_id, tenant_id, user_id, redirect_uri,"
        " scopes, code_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " $8, $9)",
        tokens.token_hash(code),
        request.listing["id"],
        tenant_id,
        user_id,
        request.redirect_uri,
        request.scopes,
        request.code_challenge,
        now,
        now + tokens.CODE_TTL,
    )
    return request.redirect(code=code)


# --- token endpoint -----------------------------------------------------------------------


async def token(authorization: str | None, form: dict[str, str]) -> dict[str, Any]:
    """POST /oauth/token: the token response, or an OAuth2Error."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise errors.InvalidRequestError("grant_type is required")
    if grant_type not in ("authorization_code", "refresh_token"):
        raise errors.UnsupportedGrantTypeError(grant_type)
    listing = await authenticate_client(authorization, form)
    if listing["status"] not in INSTALLABLE:
        raise errors.UnauthorizedClientError("This app is not allowed to obtain tokens now")
    if grant_type == "authorization_code":
        return await _exchange_code(listing, form)
    return await _refresh(listing, form)


async def _exchange_code(listing: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    code, redirect_uri, verifier = (
        form.get("code"),
        form.get("redirect_uri"),
        form.get("code_verifier"),
    )
    if not code:
        raise errors.InvalidRequestError("code is required")
    if not redirect_uri:
        raise errors.InvalidRequestError("redirect_uri is required")
    if not verifier:
        raise errors.InvalidRequestError("code_verifier is required (PKCE)")
    if not _VERIFIER.fullmatch(verifier):
        raise errors.InvalidRequestError("code_verifier must be 43-128 unreserved characters")
    code_hash = tokens.token_hash(code)
    async with DB.transaction():
        rows = await fetch(
            "SELECT * FROM public.oauth_code WHERE code_hash = $1 FOR UPDATE", code_hash
        )
        row = rows[0] if rows else None
        if row is not None and row["used_at"] is None:
            if row["listing_id"] != listing["id"]:
                raise errors.InvalidGrantError("The code was issued to another client")
            if row["expires_at"] <= datetime.now(UTC):
                raise errors.InvalidGrantError("The code has expired")
            if row["redirect_uri"] != redirect_uri:
                raise errors.InvalidGrantError("redirect_uri differs from the authorization's")
            expected = create_s256_code_challenge(verifier)
            if not hmac.compare_digest(expected.encode(), row["code_challenge"].encode()):
                raise errors.InvalidGrantError("code_verifier does not match the code_challenge")
            install = await installs.active_install(listing["id"], row["tenant_id"])
            if install is None:
                raise errors.InvalidGrantError("The app is no longer installed")
            # The code binds to the install it was issued for: a reinstall since (perhaps with
            # fewer scopes) or scopes beyond today's grant make it worthless.
            if install["installed_at"] > row["created_at"] or not set(row["scopes"]) <= (
                oauth_scopes.expand(install["scopes"])
            ):
                raise errors.InvalidGrantError("The install the code was issued for has changed")
            await execute(
                "UPDATE public.oauth_code SET used_at = now() WHERE code_hash = $1", code_hash
            )
            return await _issue(
                listing, install, list(row["scopes"]), tokens.family_of_code(code_hash)
            )
    if row is not None and row["used_at"] is not None and row["listing_id"] == listing["id"]:
        # Presented again: someone copied it. What it was exchanged for is revoked.
        await execute(
            "UPDATE public.oauth_token SET revoked_at = now() WHERE family_id = $1"
            " AND revoked_at IS NULL",
            tokens.family_of_code(code_hash),
        )
        raise errors.InvalidGrantError("The code was already used; its tokens are revoked")
    raise errors.InvalidGrantError("Unknown or used code")


async def _issue(
    listing: dict[str, Any], install: dict[str, Any], granted: list[str], family: uuid.UUID
) -> dict[str, Any]:
    """Store a new access and refresh token of a family; the token response."""
    access, refresh = tokens.new_access_token(), tokens.new_refresh_token()
    now = datetime.now(UTC)
    for kind, value, ttl in (
        ("access", access, tokens.ACCESS_TTL),
        ("refresh", refresh, tokens.REFRESH_TTL),
    ):
        await execute(
            "INSERT INTO public.oauth_token (id, token_hash, kind, family_id, listing_id,"
            " tenant_id, install_id, scopes, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            uuid.uuid4(),
            tokens.token_hash(value),
            kind,
            family,
            listing["id"],
            install["tenant_id"],
            install["id"],
            granted,
            now,
            now + ttl,
        )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(tokens.ACCESS_TTL.total_seconds()),
        "refresh_token": refresh,
        "scope": " ".join(granted),
        "tenant_id": str(install["tenant_id"]),
    }


async def _refresh(listing: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    presented = form.get("refresh_token")
    if not presented:
        raise errors.InvalidRequestError("refresh_token is required")
    token_hash = tokens.token_hash(presented)
    async with DB.transaction():
        rows = await fetch(
            "UPDATE public.oauth_token t SET used_at = now() FROM public.app_install i"
            " WHERE t.token_hash = $1 AND t.kind = 'refresh' AND t.listing_id = $2"
            " AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()"
            " AND i.id = t.install_id AND i.uninstalled_at IS NULL"
            " RETURNING t.family_id, t.scopes, t.install_id",
            token_hash,
            listing["id"],
        )
        if rows:
            held = list(rows[0]["scopes"])
            asked = form.get("scope")
            granted = held
            if asked is not None:
                try:
                    granted = oauth_scopes.normalise(asked)
                except AppError:
                    raise errors.InvalidScopeError("Unknown scope") from None
                if not granted or not set(granted) <= oauth_scopes.expand(held):
                    raise errors.InvalidScopeError("More scope than the grant holds")
            install = await installs.get_install(rows[0]["install_id"])
            return await _issue(listing, install, granted, rows[0]["family_id"])
    reused = await fetch(
        "UPDATE public.oauth_token SET revoked_at = now() WHERE revoked_at IS NULL"
        " AND family_id = (SELECT family_id FROM public.oauth_token WHERE token_hash = $1"
        " AND kind = 'refresh' AND listing_id = $2 AND used_at IS NOT NULL) RETURNING id",
        token_hash,
        listing["id"],
    )
    if reused:
        raise errors.InvalidGrantError("Refresh token reused: every token of its grant is revoked")
    raise errors.InvalidGrantError("Invalid, expired or revoked refresh token")


# --- revocation (RFC 7009) ----------------------------------------------------------------


async def revoke(authorization: str | None, form: dict[str, str]) -> None:
    """POST /oauth/revoke: revoke the client's own token (a refresh token takes its whole
    family with it); unknown tokens and other clients' tokens are answered 200 all the same."""
    listing = await authenticate_client(authorization, form)
    presented = form.get("token")
    if not presented:
        raise errors.InvalidRequestError("token is required")
    hint = form.get("token_type_hint")
    if hint is not None and hint not in ("access_token", "refresh_token"):
        raise errors.UnsupportedTokenTypeError(
            "token_type_hint must be access_token or refresh_token"
        )
    rows = await fetch(
        "SELECT id, kind, family_id FROM public.oauth_token WHERE token_hash = $1"
        " AND listing_id = $2",
        tokens.token_hash(presented),
        listing["id"],
    )
    if not rows:
        return
    if rows[0]["kind"] == "refresh":
        await execute(
            "UPDATE public.oauth_token SET revoked_at = now() WHERE family_id = $1"
            " AND revoked_at IS NULL",
            rows[0]["family_id"],
        )
    else:
        await execute(
            "UPDATE public.oauth_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
            rows[0]["id"],
        )


# --- metadata (RFC 8414) ------------------------------------------------------------------


def metadata() -> dict[str, Any]:
    """The authorization server's metadata."""
    base = get_settings().base_url.rstrip("/")
    auth_methods = ["client_secret_basic", "client_secret_post"]
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "scopes_supported": list(oauth_scopes.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "service_documentation": f"{base}/api/v1/docs",
    }
