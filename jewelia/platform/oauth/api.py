"""The OAuth endpoints apps call: POST /oauth/token, POST /oauth/revoke and the RFC 8414
metadata at /.well-known/oauth-authorization-server. Answers are the RFCs' plain JSON (not
the API envelope), never cached; /oauth/authorize is the consent page (jewelia.web.oauth)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post

from jewelia.platform.oauth import service

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"
OPT = {"exclude_from_csrf": True}  # clients authenticate themselves; no browser session here


def _error(exc: Any) -> Response[Any]:
    status, body, headers = exc()
    return Response(
        content=body,
        status_code=status,
        media_type=MediaType.JSON,
        headers={**dict(headers), **NO_STORE},
    )


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The urlencoded body as single values; a repeated parameter is invalid_request."""
    if request.content_type[0] != FORM:
        raise service.errors.InvalidRequestError(f"Send the parameters as {FORM}")
    form = await request.form()
    out: dict[str, str] = {}
    for key, value in form.multi_items():
        if key in out:
            raise service.errors.InvalidRequestError("A parameter was given more than once")
        out[key] = str(value)
    return out


class OAuthController(Controller):
    path = "/"
    include_in_schema = False

    @post("/oauth/token", opt=OPT, status_code=200)
    async def token(self, request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = await service.token(request.headers.get("authorization"), await _form(request))
        except service.errors.OAuth2Error as exc:
            return _error(exc)
        return Response(content=body, media_type=MediaType.JSON, headers=NO_STORE)

    @post("/oauth/revoke", opt=OPT, status_code=200)
    async def revoke(self, request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            await service.revoke(request.headers.get("authorization"), await _form(request))
        except service.errors.OAuth2Error as exc:
            return _error(exc)
        return Response(content=b"", headers=NO_STORE)

    @get("/.well-known/oauth-authorization-server")
    async def metadata(self) -> Response[Any]:
        return Response(
            content=service.metadata(),
            media_type=MediaType.JSON,
            headers={"Cache-Control": "public, max-age=3600"},
        )
