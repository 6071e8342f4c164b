"""Server-side sessions in Redis whose id changes at log-in and log-out (no session fixation).

A session is stored only when it holds something (a log-in, a flash message, a half-finished
two-factor log-in): an anonymous page view writes nothing to Redis and sets no cookie. Anonymous
sessions expire after `anonymous_max_age`, signed-in ones after `max_age`. A new session never
adopts an id the browser offered, so a planted cookie cannot choose it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty
from litestar.utils.dataclass import extract_dataclass_items

ROTATE = "jewelia.rotate_session"
LIVE_ID = "jewelia.live_session_id"  # the cookie's id, when the store still holds that session
NEW_ID = "jewelia.new_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id, and drops the old data, when a handler asks for it."""

    async def load_from_connection(self, connection: Any) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if session_id and session_id != "null":
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)
            if data is not None:
                connection.scope[LIVE_ID] = session_id
                return self.deserialize_data(data)
        return {}

    def get_session_id(self, connection: Any) -> str:
        return _outgoing_id(connection.scope)

    async def store_in_message(self, scope_session: Any, message: Any, connection: Any) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        empty = scope_session is Empty or not scope_session
        live = scope.get(LIVE_ID)
        if live and (scope.get(ROTATE) or empty):
            await self.delete(live, store=store)
        headers = MutableScopeHeaders.from_message(message)
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        if empty:
            if connection.cookies.get(self.config.key):
                params.pop("max_age", None)
                cookie = Cookie(value="null", key=self.config.key, expires=0, **params)
                headers.add("Set-Cookie", cookie.to_header(header=""))
            return
        signed_in = bool(scope_session.get("uid"))
        short = getattr(self.config, "anonymous_max_age", self.config.max_age)
        params["max_age"] = self.config.max_age if signed_in else short
        session_id = self.get_session_id(connection)
        data = self.serialize_data(scope_session, scope)
        await store.set(session_id, data, expires_in=params["max_age"])
        cookie = Cookie(value=session_id, key=self.config.key, **params)
        headers.add("Set-Cookie", cookie.to_header(header=""))


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using the rotating backend."""

    _backend_class = RotatingSessionBackend  # type: ignore[assignment]
    anonymous_max_age: int = field(default=2 * 3600)


def _outgoing_id(scope: Any) -> str:
    """The id this response stores the session under: the live one, unless rotated or new."""
    if scope.get(ROTATE) or LIVE_ID not in scope:
        if NEW_ID not in scope:
            scope[NEW_ID] = secrets.token_hex(32)
        return str(scope[NEW_ID])
    return str(scope[LIVE_ID])


def bound_session_id(scope: Any) -> str | None:
    """The id of the session that holds a user (signed in, or between password and code) as
    the request stands now (a handler may have rotated or cleared it), else None."""
    session = scope.get("session")
    if isinstance(session, dict) and (session.get("uid") or session.get("pending_uid")):
        return _outgoing_id(scope)
    return None


def rotate_session(request: Any, data: dict[str, Any]) -> None:
    """Replace the session with `data` under a new id."""
    request.scope[ROTATE] = True
    request.set_session(data)
