"""One client's view of its business's events: who may see which events, and the feed that
replays the history after a cursor then goes live with no gap and no duplicate."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from jewelia.core.errors import FieldError, PermissionDenied, ValidationFailed
from jewelia.platform.apikeys.guard import ApiAuth, check_caller
from jewelia.platform.oauth.scopes import allows
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.stream import history
from jewelia.tenants.webhooks.stream.channels import StreamSubscriber

HEARTBEAT_SECONDS = float(os.environ.get("JEWELIA_STREAM_HEARTBEAT", "20"))
# An app token sees a category's events when it holds that resource's read scope.
APP_SCOPES = {
    "customer": "customers:read",
    "inventory": "inventory:read",
    "order": "orders:read",
    "import": "import_export:read",
    "export": "import_export:read",
    "webhook": "webhooks:read",
}
PING = "ping"
GAP = "gap"


async def check_access(auth: ApiAuth, scope: Any) -> None:
    """The API's admission rules that apply to a stream: the caller checks every API request
    passes (IP ranges, allowed origins, one request from the hourly budgets per connection)
    and the read permission (app tokens: checked per event category)."""
    await check_caller(auth, scope)
    if auth.app is None and "read" not in auth.permissions:
        raise PermissionDenied("This credential lacks the 'read' permission")


def readable(auth: ApiAuth, event_type: str) -> bool:
    """Whether this credential may see events of this type."""
    if auth.app is None:
        return "read" in auth.permissions
    needed = APP_SCOPES.get(event_type.split(".", 1)[0])
    return needed is not None and allows(auth.app.scopes, needed)


def check_subscription(auth: ApiAuth, patterns: Any, field_name: str = "events") -> list[str]:
    """Valid patterns (catalog names, `order.*`, `*`); an app token may not name a category
    its scopes do not cover (under `*` it simply sees what it may)."""
    if not isinstance(patterns, list):
        raise ValidationFailed([FieldError(field_name, "A list of event types", "INVALID")])
    patterns = catalog.check_patterns(patterns, field_name)
    if auth.app is not None:
        for pattern in patterns:
            if pattern == "*":
                continue
            category = pattern.split(".", 1)[0]
            if not readable(auth, f"{category}.x"):
                needed = APP_SCOPES.get(category)
                raise PermissionDenied(
                    f"This app's token lacks the scope to see {pattern} events",
                    {"required_scope": needed},
                )
    return patterns


def check_cursor(value: Any, field_name: str = "last_event_id") -> str | None:
    """A cursor from the client, or None; VALIDATION_ERROR when it is not one."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not history.CURSOR.match(value):
        raise ValidationFailed(
            [FieldError(field_name, "An event id from this stream, like 1700000000000-0")]
        )
    return value


@dataclass
class Feed:
    """A client's events: history after its cursor, then live ones, filtered."""

    subscriber: StreamSubscriber
    tenant_id: uuid.UUID
    auth: ApiAuth
    patterns: list[str]
    last: str | None
    live: bool = False  # the channel was already live here: no catch-up read needed
    _cache: dict[str, bool] = field(default_factory=dict)

    def wants(self, event_type: str) -> bool:
        """Whether the client asked for this event and may see it."""
        hit = self._cache.get(event_type)
        if hit is None:
            hit = catalog.matches(self.patterns, event_type) and readable(self.auth, event_type)
            self._cache[event_type] = hit
        return hit

    def resubscribe(self, patterns: list[str]) -> None:
        """Change the event types from now on."""
        self.patterns = patterns
        self._cache = {}

    async def items(self) -> AsyncIterator[history.Entry | str]:
        """GAP when events after the cursor are no longer kept, the entries, PING when idle.

        Subscribed before reading the history, so nothing published meanwhile is missed;
        duplicates are dropped by cursor, and the first live event fills any hole left
        between the history read and the subscription taking effect.
        """
        sent = self.last or await history.latest(self.tenant_id)
        if self.last is not None:
            gap, backlog = await history.after(self.tenant_id, self.last)
            if gap:
                yield GAP
            for e in backlog:
                sent = e.cursor
                if self.wants(e.event_type):
                    yield e
        sent_key = history.parse_cursor(sent)
        filled = self.live
        while True:
            raw = await self.subscriber.next(HEARTBEAT_SECONDS)
            if raw is None:
                yield PING
                continue
            e = history.from_published(raw)
            key = e.key
            if key <= sent_key:
                continue
            if not filled:
                filled = True
                _, missed = await history.after(self.tenant_id, sent, before=e.cursor)
                for m in missed:
                    if self.wants(m.event_type):
                        yield m
            sent, sent_key = e.cursor, key
            if self.wants(e.event_type):
                yield e
