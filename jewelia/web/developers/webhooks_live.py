"""The live webhook dashboard: server-sent events for htmx's sse extension.

The worker PUBLISHes each batch of delivery outcomes on the tenant's Redis channel; a stream
subscribed to it re-loads those deliveries from the tenant's schema and sends them as rendered
table rows (`event: delivery`), and at most once a second the refreshed statistics
(`event: stats`). A comment every 15 s keeps proxies from closing an idle stream. The stream
ends when the browser goes away (Litestar cancels it on `http.disconnect`), when the user loses
access to the business (checked every minute), or after an hour (the browser reconnects).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import suppress
from html import escape
from typing import Any

import anyio
from litestar import Request, get
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState
from redis.exceptions import RedisError

from jewelia.core.api import page_of, parse_page
from jewelia.core.redis_client import get_redis
from jewelia.platform.accounts import service as accounts
from jewelia.tenants.webhooks.outbound import dashboard, service
from jewelia.tenants.webhooks.outbound.delivery import live_channel
from jewelia.web.context import PageContext, page_context

Req = Request[Any, Any, Any]
log = logging.getLogger("jewelia.webhooks.live")

HEARTBEAT_SECONDS = 15.0
STATS_EVERY_SECONDS = 1.0
RECHECK_SECONDS = 60.0
MAX_SECONDS = 3600.0
RETRY_MS = 3000
ENDPOINTS_PAGE_SIZE = 50
CHART_STEPS = 20
DRAIN_MESSAGES = 100  # announcements taken together
MAX_ROWS = 100  # rows sent at once (a page shows 20)


async def stats_view(tenant: Any, endpoint: dict[str, Any]) -> dict[str, Any]:
    """What an endpoint's statistics panel shows: 24 h figures and deliveries by hour."""
    stats = (await service.endpoint_stats(tenant.ref)).get(endpoint["id"])
    histogram = await dashboard.delivery_histogram(tenant.ref, endpoint["id"])
    peak = max((h["total"] for h in histogram), default=0)
    for hour in histogram:
        hour["bars"] = bar_steps(hour, peak)
    return {"endpoint": endpoint, "stats": stats, "histogram": histogram, "peak": peak}


def bar_steps(hour: dict[str, int], peak: int, steps: int = CHART_STEPS) -> list[tuple[str, int]]:
    """Segment heights of one chart column, in steps of 1/20 of the busiest hour (CSS classes
    h-1 … h-20, as the page's policy allows no inline styles); a non-zero count shows."""
    if not peak:
        return []
    bars = [
        [kind, max(1, round(hour[kind] * steps / peak))]
        for kind in ("succeeded", "failed", "waiting")
        if hour[kind]
    ]
    while sum(int(b[1]) for b in bars) > steps:
        tallest = max(bars, key=lambda b: int(b[1]))
        tallest[1] = int(tallest[1]) - 1
    return [(str(k), int(n)) for k, n in bars]


class LiveView:
    """Renders what one open page needs: its endpoint's rows and stats, or the endpoint list."""

    def __init__(
        self, request: Req, ctx: PageContext, endpoint_id: uuid.UUID | None, page: int
    ) -> None:
        self.request, self.ctx, self.endpoint_id = request, ctx, endpoint_id
        self.page = page_of(page, ENDPOINTS_PAGE_SIZE).page
        self.engine: Any = request.app.template_engine

    def render(self, template: str, **values: Any) -> str:
        token = value_or_default(ScopeState.from_scope(self.request.scope).csrf_token, "")
        context = {
            "request": self.request,
            "csrf_input": f'<input type="hidden" name="_csrf_token" value="{escape(token)}" />',
            "ctx": self.ctx,
            "can_write": self.ctx.current.can_write,
            "can_manage": self.ctx.current.can_manage_team,
            **values,
        }
        return str(self.engine.get_template(template).render(context))

    def wants(self, outcome: dict[str, Any]) -> bool:
        return self.endpoint_id is None or outcome.get("endpoint_id") == str(self.endpoint_id)

    async def rows(self, ids: list[uuid.UUID]) -> str:
        """The deliveries' row groups, as they are in the database now (endpoint page only)."""
        if self.endpoint_id is None:
            return ""
        tenant = self.ctx.tenant.ref
        found = await dashboard.deliveries_by_ids(tenant, ids, self.endpoint_id)
        return "".join(self.render("webhooks/_delivery.html", d=d, expanded=False) for d in found)

    async def stats(self) -> str:
        """The endpoint's stats panel, or the rows of the endpoints table."""
        tenant = self.ctx.tenant
        if self.endpoint_id is not None:
            endpoint = await service.get_endpoint(tenant.ref, self.endpoint_id)
            return self.render(
                "webhooks/_endpoint_stats.html", **await stats_view(tenant, endpoint)
            )
        paging = parse_page(self.page, ENDPOINTS_PAGE_SIZE, None)
        endpoints, _ = await service.list_endpoints(tenant.ref, paging)
        stats = await service.endpoint_stats(tenant.ref)
        return self.render("webhooks/_endpoint_rows.html", endpoints=endpoints, stats=stats)

    async def still_allowed(self) -> bool:
        """Whether the user is still a member of this business, and it is active."""
        mine = await accounts.memberships(self.ctx.user.id)
        return any(m.tenant.id == self.ctx.tenant.id and m.tenant.is_active for m in mine)


def outcomes_of(data: Any) -> list[dict[str, Any]]:
    """The outcomes in one published message (a JSON list); nothing if it is malformed."""
    try:
        items = json.loads(data)
    except (TypeError, ValueError):
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _ids(outcomes: list[dict[str, Any]]) -> list[uuid.UUID]:
    out: list[uuid.UUID] = []
    for o in outcomes:
        try:
            out.append(uuid.UUID(str(o.get("delivery_id"))))
        except ValueError:
            continue
    return list(dict.fromkeys(out))


async def live_events(
    tenant_id: uuid.UUID,
    view: LiveView,
    heartbeat: float = HEARTBEAT_SECONDS,
    lifetime: float = MAX_SECONDS,
) -> AsyncIterator[ServerSentEventMessage]:
    """The stream: current stats first, then rows and stats as outcomes arrive."""
    pubsub = get_redis().pubsub()
    try:
        await pubsub.subscribe(live_channel(tenant_id))
        yield ServerSentEventMessage(data=None, comment="connected", retry=RETRY_MS)
        yield ServerSentEventMessage(event="stats", data=await view.stats())
        clock = anyio.current_time
        started = last_sent = last_stats = last_check = clock()
        dirty = False
        while clock() - started < lifetime:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            outcomes: list[dict[str, Any]] = []
            # Under load the worker announces many batches a second: take what has arrived
            # and answer it with one query, not one per batch.
            taken = 0
            while message is not None:
                outcomes += [o for o in outcomes_of(message.get("data")) if view.wants(o)]
                taken += 1
                if taken == DRAIN_MESSAGES:
                    break
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
            if outcomes:
                dirty = True
                rows = await view.rows(_ids(outcomes)[-MAX_ROWS:])
                if rows:
                    yield ServerSentEventMessage(event="delivery", data=rows)
                    last_sent = clock()
            now = clock()
            if dirty and now - last_stats >= STATS_EVERY_SECONDS:
                yield ServerSentEventMessage(event="stats", data=await view.stats())
                dirty, last_stats, last_sent = False, now, now
            if now - last_check >= RECHECK_SECONDS:
                if not await view.still_allowed():
                    return
                last_check = now
            if now - last_sent >= heartbeat:
                yield ServerSentEventMessage(data=None, comment="heartbeat")
                last_sent = now
    except RedisError:
        log.warning("live webhook stream lost Redis; the browser will reconnect", exc_info=True)
    finally:
        # Cancelled on disconnect: shield the clean-up so the subscription and its connection
        # are given back, bounded in case Redis is the thing that went away.
        with anyio.move_on_after(3, shield=True):
            with suppress(RedisError, OSError):
                await pubsub.unsubscribe()
            with suppress(RedisError, OSError):
                await pubsub.aclose()  # disconnects: the server drops what is left


@get("/developers/webhooks/stream", name="webhooks_stream")
async def stream(request: Req, endpoint: uuid.UUID | None = None, page: int = 1) -> ServerSentEvent:
    """Live updates for the signed-in user's current business (one endpoint's, or all)."""
    ctx = await page_context(request)
    if endpoint is not None:
        await service.get_endpoint(ctx.tenant.ref, endpoint)  # 404 for another business's id
    view = LiveView(request, ctx, endpoint, page)
    return ServerSentEvent(live_events(ctx.tenant.id, view))
