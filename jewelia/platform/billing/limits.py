"""Plan limits: how many seats, webhook endpoints, inbound sources, builder flows, builder
runs a month and free businesses a plan allows, enforced by the services that create them (so
the API and the pages answer alike).

Each check runs in the transaction that inserts the new row, after locking the row that owns
the count (the business's `public.tenant` row, or the user's for new businesses) with
FOR UPDATE: two requests racing for the last seat are serialised, and the second one counts the
first one's row and is refused.

Over a limit the answer is 403 `PLAN_LIMIT_EXCEEDED` (the contract has no code for this; 403,
not 402, because the contract's clients already treat 403 as "not allowed, do not retry"),
naming the limit, the plan and where to upgrade.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from redis.exceptions import RedisError

from jewelia.core.db import fetch
from jewelia.core.errors import AppError, RateLimited
from jewelia.core.redis_client import get_redis
from jewelia.core.settings import get_settings
from jewelia.platform.billing import ratelimit
from jewelia.platform.billing.plans import Plan, all_plans, plan_named
from jewelia.platform.tenancy.registry import TenantInfo
from jewelia.tenants.audit.service import Actor

log = logging.getLogger("jewelia.limits")

PLAN_LIMIT_EXCEEDED = "PLAN_LIMIT_EXCEEDED"
UPGRADE_URL = "/settings/billing"
# Used when a plan row lacks the feature (migration public_0010_plan_limits writes them).
DEFAULTS: dict[str, dict[str, int]] = {
    "webhook_endpoints": {"free": 2, "professional": 20, "enterprise": 200},
    "inbound_sources": {"free": 2, "professional": 20, "enterprise": 200},
    "flows": {"free": 3, "professional": 50, "enterprise": 1000},  # public_0015_flow_limits
    # public_0017_flow_run_limits
    "flow_runs_per_month": {"free": 1_000, "professional": 50_000, "enterprise": 1_000_000},
    "businesses_per_owner": {"free": 3},  # only Free's applies: new businesses start there
}
NOUNS = {
    "seats": ("seat", "seats (members and pending invitations)"),
    "webhook_endpoints": ("webhook endpoint", "webhook endpoints"),
    "inbound_sources": ("incoming webhook source", "incoming webhook sources"),
    "flows": ("integration builder flow", "integration builder flows"),
    "flow_runs_per_month": ("flow run this month", "flow runs this month"),
    "businesses_per_owner": ("business on the Free plan", "businesses on the Free plan"),
}
NEW_BUSINESSES_PER_HOUR = 5


class PlanLimitExceeded(AppError):
    """A plan's limit is reached (403 PLAN_LIMIT_EXCEEDED); details carry the numbers."""

    status_code = 403
    code = PLAN_LIMIT_EXCEEDED

    def __init__(self, limit: str, plan: Plan, allowed: int, used: int, message: str) -> None:
        super().__init__(
            message,
            {
                "limit": limit,
                "plan": plan.name,
                "allowed": allowed,
                "used": used,
                "upgrade_url": UPGRADE_URL,
            },
        )


def limit_of(plan: Plan, name: str) -> int:
    """The plan's number for one limit (`seats`, `webhook_endpoints`, …)."""
    if name == "seats":
        return plan.seats
    value = plan.features.get(name)
    if value is None:
        value = DEFAULTS[name].get(plan.name, DEFAULTS[name]["free"])
    return int(value)


MONTH_SQL = "date_trunc('month', now() AT TIME ZONE 'UTC')::date"


def _message(name: str, plan: Plan, allowed: int) -> str:
    one, many = NOUNS[name]
    return (
        f"The {plan.display_name} plan allows {allowed} {one if allowed == 1 else many},"
        f" and they are all in use. Upgrade the plan in Settings > Billing ({UPGRADE_URL})"
        " for more."
    )


async def locked_plan(tenant_id: uuid.UUID) -> Plan:
    """The business's current plan, its registry row locked until the transaction ends."""
    rows = await fetch("SELECT plan FROM public.tenant WHERE id = $1 FOR UPDATE", tenant_id)
    return await plan_named(str(rows[0]["plan"]) if rows else "free")


async def enforce(tenant_id: uuid.UUID, name: str, count_sql: str, *args: Any) -> None:
    """Refuse one more of `name` when `count_sql` (its `n`) already reaches the plan's limit.

    Call inside the creating transaction (a tenant scope is one) before the insert.
    """
    plan = await locked_plan(tenant_id)
    allowed = limit_of(plan, name)
    used = int((await fetch(count_sql, *args))[0]["n"])
    if used >= allowed:
        raise PlanLimitExceeded(name, plan, allowed, used, _message(name, plan, allowed))


async def enforce_seats(tenant_id: uuid.UUID) -> None:
    """Members plus open invitations must stay below the plan's seats to invite one more."""
    await enforce(
        tenant_id,
        "seats",
        "SELECT (SELECT count(*) FROM public.membership WHERE tenant_id = $1)"
        " + (SELECT count(*) FROM public.invite WHERE tenant_id = $1 AND accepted_at IS NULL"
        " AND revoked_at IS NULL AND expires_at > now()) AS n",
        tenant_id,
    )


async def enforce_new_business(user_id: uuid.UUID) -> None:
    """A user may start a few businesses an hour, and own only so many on the Free plan.

    New businesses start on Free, so the Free plan's `businesses_per_owner` applies; upgraded
    ones do not count. Call inside the creating transaction.
    """
    await _throttle_new_business(user_id)
    await fetch("SELECT 1 FROM public.app_user WHERE id = $1 FOR UPDATE", user_id)
    plan = await plan_named("free")
    allowed = limit_of(plan, "businesses_per_owner")
    rows = await fetch(
        "SELECT count(*) AS n FROM public.membership m JOIN public.tenant t ON t.id = m.tenant_id"
        " WHERE m.user_id = $1 AND m.role = 'owner' AND t.plan = 'free'"
        " AND t.status <> 'deleted'",
        user_id,
    )
    used = int(rows[0]["n"])
    if used >= allowed:
        raise PlanLimitExceeded(
            "businesses_per_owner",
            plan,
            allowed,
            used,
            f"You already own {used} businesses on the Free plan, the most one person may."
            f" Upgrade one of them in Settings > Billing ({UPGRADE_URL}) to start another.",
        )


async def _throttle_new_business(user_id: uuid.UUID) -> None:
    """Every attempt counts (a fixed hourly window per user); Redis trouble fails open."""
    key = f"throttle:new_business:{user_id}"
    try:
        pipe = get_redis().pipeline()
        pipe.set(key, 0, ex=3600, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    except (RedisError, OSError):
        log.warning("new-business throttle unavailable: redis error")
        return
    if int(count) > NEW_BUSINESSES_PER_HOUR:
        wait = max(int(ttl), 1)
        raise RateLimited(
            f"You have started {NEW_BUSINESSES_PER_HOUR} businesses this hour."
            f" Try again in {max(1, wait // 60)} minutes.",
            wait,
        )


async def charge_action(tenant: TenantInfo, actor: Actor) -> None:
    """Charge one page action (a test send, an import or export started from a page) as one
    API request; RateLimited (429 with Retry-After) when the hour's budget is spent.

    It costs what the API call behind it costs, from the same budgets the API guard charges: the
    business's hourly budget and the caller's own (the one their JWT would use). A separate
    bucket for pages would hand every business a second allowance reachable by scripting the
    pages, and usage on the billing page would not show it. The price is that an integration
    that spends the whole hour also stops these buttons until the window moves: the answer the
    API gives that integration too, and the page says so and when to retry.
    """
    if not get_settings().rate_limits:
        return
    plan = await plan_named(tenant.plan)
    decision = await ratelimit.check(
        [f"{actor.type}:{actor.id}:{tenant.id}", f"tenant:{tenant.id}"],
        plan.requests_per_hour,
        tenant.id,
    )
    if not decision.allowed:
        minutes = max(1, -(-decision.retry_after // 60))
        raise RateLimited(
            f"Rate limit exceeded: {tenant.name} has used its {plan.requests_per_hour:,} requests"
            f" this hour on the {plan.display_name} plan (API calls and page actions share"
            f" them). Try again in {minutes} minute{'s' if minutes != 1 else ''}, or upgrade"
            f" in Settings > Billing ({UPGRADE_URL}).",
            decision.retry_after,
            decision.headers(),
        )


async def take_flow_run(tenant_id: uuid.UUID) -> None:
    """Count one builder run against this month's `flow_runs_per_month`, or refuse it
    (PlanLimitExceeded). Call inside the transaction that creates the run, last: one
    conditional upsert, so racing runs are counted exactly and the counter row is locked
    only until that transaction commits."""
    plan = await plan_named(await _plan_name(tenant_id))
    allowed = limit_of(plan, "flow_runs_per_month")
    rows = await fetch(
        "INSERT INTO public.flow_run_usage AS u (tenant_id, month, runs)"
        f" SELECT $1, {MONTH_SQL}, 1 WHERE $2 > 0"
        " ON CONFLICT (tenant_id, month) DO UPDATE SET runs = u.runs + 1 WHERE u.runs < $2"
        " RETURNING runs",
        tenant_id,
        allowed,
    )
    if not rows:
        raise await flow_runs_used_up(tenant_id)


async def flow_runs_used_up(tenant_id: uuid.UUID) -> PlanLimitExceeded:
    """The refusal of a builder run over this month's `flow_runs_per_month`."""
    plan = await plan_named(await _plan_name(tenant_id))
    allowed = limit_of(plan, "flow_runs_per_month")
    return PlanLimitExceeded(
        "flow_runs_per_month",
        plan,
        allowed,
        await flow_runs_this_month(tenant_id),
        f"The {plan.display_name} plan allows {allowed:,} flow runs a month, and this"
        f" month's are used. Runs start again on the 1st (UTC), or upgrade the plan in"
        f" Settings > Billing ({UPGRADE_URL}) for more.",
    )


async def flow_run_allowances() -> tuple[list[str], list[int], int]:
    """Every plan's `flow_runs_per_month` (names, numbers) and the free plan's (an unknown
    plan's): for a statement that counts a run as take_flow_run does, with the plan looked up
    in it (the builder's start_flow_run)."""
    plans = await all_plans()
    names = list(plans)
    return (
        names,
        [limit_of(plans[n], "flow_runs_per_month") for n in names],
        limit_of(plans["free"], "flow_runs_per_month"),
    )


async def flow_runs_this_month(tenant_id: uuid.UUID) -> int:
    """Builder runs the business has started this calendar month (UTC)."""
    rows = await fetch(
        f"SELECT runs FROM public.flow_run_usage WHERE tenant_id = $1 AND month = {MONTH_SQL}",
        tenant_id,
    )
    return int(rows[0]["runs"]) if rows else 0


async def _plan_name(tenant_id: uuid.UUID) -> str:
    rows = await fetch("SELECT plan FROM public.tenant WHERE id = $1", tenant_id)
    return str(rows[0]["plan"]) if rows else "free"
