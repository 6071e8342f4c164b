"""Server-side sessions in Redis whose id changes at log-in and log-out (no session fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)

ROTATE = "jewelia.rotate_session"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id, and drops the old data, when a handler asks for it."""

    def get_session_id(self, connection: Any) -> str:
        scope = connection.scope
        if scope.get(ROTATE):
            if "jewelia.new_session_id" not in scope:
                scope["jewelia.new_session_id"] = self.generate_session_id()
            return str(scope["jewelia.new_session_id"])
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: Any, message: Any, connection: Any) -> None:
        old = connection.cookies.get(self.config.key)
        if connection.scope.get(ROTATE) and old and old != "null":
            await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using the rotating backend."""

    _backend_class = RotatingSessionBackend  # type: ignore[assignment]


def rotate_session(request: Any, data: dict[str, Any]) -> None:
    """Replace the session with `data` under a new id."""
    request.scope[ROTATE] = True
    request.set_session(data)
