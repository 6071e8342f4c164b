"""A developer org's revenue dashboard: earnings by month and by app, installs and churn,
balances and the revenue-share policy in words. Money in minor units (USD)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from jewelia.core.db import fetch

MONTHS = 12
# what a charge leaves the developer: refunds and disputes land on pending or, once the charge
# is settled, on available; settlements and payouts are not earnings
EARNING_TYPES = ("earning", "platform_share", "fee", "refund", "dispute", "dispute_won")


def last_months(count: int = MONTHS, now: datetime | None = None) -> list[str]:
    """The last `count` 'YYYY-MM' months, oldest first, ending with the current one (UTC)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    y, m = now.year, now.month
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def _start(month: str) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), 1, tzinfo=UTC)


async def earnings_by_month(
    org_id: uuid.UUID, currency: str = "USD", months: int = MONTHS
) -> list[dict[str, Any]]:
    """Gross earnings and net (after share, fees, refunds) per month, zero months included."""
    names = last_months(months)
    rows = await fetch(
        "SELECT to_char(j.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,"
        " coalesce(sum(-p.amount) FILTER (WHERE p.line_type = 'earning'), 0) AS gross,"
        " coalesce(sum(-p.amount), 0) AS net"
        " FROM public.ledger_posting p JOIN public.ledger_account a ON a.id = p.account_id"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " WHERE a.org_id = $1 AND a.kind LIKE 'developer_%' AND a.currency = $2"
        " AND p.line_type = ANY($3::text[]) AND j.occurred_at >= $4 GROUP BY 1",
        org_id,
        currency,
        list(EARNING_TYPES),
        _start(names[0]),
    )
    by = {r["month"]: r for r in rows}
    return [
        {
            "month": m,
            "gross": int(by[m]["gross"]) if m in by else 0,
            "net": int(by[m]["net"]) if m in by else 0,
        }
        for m in names
    ]


async def earnings_by_app(
    org_id: uuid.UUID, currency: str = "USD", months: int = MONTHS
) -> list[dict[str, Any]]:
    """Gross and net earnings per app over the last `months` months, biggest first."""
    since = _start(last_months(months)[0])
    return await fetch(
        "SELECT l.id, l.name, l.slug,"
        " coalesce(sum(-p.amount) FILTER (WHERE p.line_type = 'earning'), 0)::bigint AS gross,"
        " coalesce(sum(-p.amount), 0)::bigint AS net,"
        " count(DISTINCT p.journal_id) FILTER (WHERE p.line_type = 'earning') AS charges"
        " FROM public.ledger_posting p JOIN public.ledger_account a ON a.id = p.account_id"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " JOIN public.listing l ON l.id = p.listing_id"
        " WHERE a.org_id = $1 AND a.kind LIKE 'developer_%' AND a.currency = $2"
        " AND p.line_type = ANY($3::text[]) AND j.occurred_at >= $4"
        " GROUP BY l.id, l.name, l.slug ORDER BY gross DESC, l.name",
        org_id,
        currency,
        list(EARNING_TYPES),
        since,
    )


async def installs_by_month(org_id: uuid.UUID, months: int = MONTHS) -> list[dict[str, Any]]:
    """Installs, uninstalls, active at the month's start and churn (uninstalls / active at
    start, in %) per month over the org's listings."""
    names = last_months(months)
    rows = await fetch(
        "WITH m AS (SELECT to_char(d, 'YYYY-MM') AS month, d AS start,"
        " d + interval '1 month' AS stop"
        " FROM generate_series($2::timestamptz AT TIME ZONE 'UTC',"
        " $3::timestamptz AT TIME ZONE 'UTC', interval '1 month') d),"
        " i AS (SELECT i.installed_at AT TIME ZONE 'UTC' AS inst,"
        " i.uninstalled_at AT TIME ZONE 'UTC' AS uninst FROM public.app_install i"
        " JOIN public.listing l ON l.id = i.listing_id WHERE l.org_id = $1)"
        " SELECT m.month,"
        " (SELECT count(*) FROM i WHERE i.inst >= m.start AND i.inst < m.stop) AS installs,"
        " (SELECT count(*) FROM i WHERE i.uninst >= m.start AND i.uninst < m.stop) AS uninstalls,"
        " (SELECT count(*) FROM i WHERE i.inst < m.start AND (i.uninst IS NULL"
        " OR i.uninst >= m.start)) AS active_at_start"
        " FROM m ORDER BY m.month",
        org_id,
        _start(names[0]),
        _start(names[-1]),
    )
    out = []
    for r in rows:
        active, gone = int(r["active_at_start"]), int(r["uninstalls"])
        churn = round(100 * gone / active, 1) if active else None
        out.append({**r, "installs": int(r["installs"]), "uninstalls": gone, "churn": churn})
    return out


async def active_installs(org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Active installs per listing of the org (listings with none included), most first."""
    return await fetch(
        "SELECT l.id, l.name, l.slug, l.status,"
        " count(i.id) FILTER (WHERE i.uninstalled_at IS NULL) AS active,"
        " count(i.id) AS ever"
        " FROM public.listing l LEFT JOIN public.app_install i ON i.listing_id = l.id"
        " WHERE l.org_id = $1 GROUP BY l.id ORDER BY active DESC, l.name",
        org_id,
    )


async def lifetime_gross(org_id: uuid.UUID, currency: str = "USD") -> int:
    """The org's lifetime gross earnings (what the revenue-share tiers count)."""
    rows = await fetch(
        "SELECT coalesce(sum(-p.amount), 0) AS gross FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id"
        " WHERE a.org_id = $1 AND a.kind = 'developer_pending' AND a.currency = $2"
        " AND p.line_type = 'earning'",
        org_id,
        currency,
    )
    return int(rows[0]["gross"])


async def policy_words() -> str:
    """The current revenue-share policy described for developers."""
    from jewelia.platform.commerce import policy

    current = await policy.current()
    return str(policy.describe(current))


async def dashboard(org_id: uuid.UUID, currency: str = "USD") -> dict[str, Any]:
    """Everything the revenue page shows, in one dict."""
    from jewelia.platform.commerce import ledger

    months = await earnings_by_month(org_id, currency)
    installs = await installs_by_month(org_id)
    apps = await active_installs(org_id)
    bal = await ledger.balances(org_id, currency)
    return {
        "months": months,
        "top_month": max((m["gross"] for m in months), default=0),
        "apps": await earnings_by_app(org_id, currency),
        "installs": installs,
        "top_installs": max((max(m["installs"], m["uninstalls"]) for m in installs), default=0),
        "active": apps,
        "active_total": sum(int(a["active"]) for a in apps),
        "pending": int(bal.pending),
        "available": int(bal.available),
        "lifetime_gross": await lifetime_gross(org_id, currency),
        "policy": await policy_words(),
        "currency": currency,
    }
