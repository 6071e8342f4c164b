"""Monthly developer statements, computed from the ledger's developer postings.

opening + earnings - platform share - fees - refunds - payouts (+ other) = closing, where
opening and closing are what the org is owed (pending + available) before and at the end of
the period. Dates are the journal's `occurred_at`, in UTC months. Balances owed to a developer
are credits on developer_* accounts, so "owed" = -sum of amount.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jewelia.core.db import DB, fetch
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.platform.commerce.ledger import DEVELOPER_KINDS, from_minor

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# figure -> (line types, sign that turns a posting amount into the figure's positive direction)
FIGURES: dict[str, tuple[tuple[str, ...], int]] = {
    "earnings": (("earning",), -1),
    "share": (("platform_share",), 1),
    "fees": (("fee",), 1),
    "refunds": (("refund", "dispute", "dispute_won"), 1),
    "payouts": (("payout", "payout_reversal"), 1),
}
KNOWN_TYPES = tuple(t for types, _ in FIGURES.values() for t in types)
# Moves between the org's own pending and available accounts: no change to what it is owed.
INTERNAL_TYPES = ("settle",)
FIGURE_OF = {t: name for name, (types, _) in FIGURES.items() for t in types}
SIGN_OF = {t: sign for _, (types, sign) in FIGURES.items() for t in types}
TITLES = {
    "earnings": "Earnings",
    "share": "Platform share",
    "fees": "Processing fees",
    "refunds": "Refunds and disputes",
    "payouts": "Payouts",
    "other": "Other adjustments",
}
LINE_TITLES = {
    "earning": "Earning",
    "platform_share": "Platform share",
    "fee": "Processing fee",
    "refund": "Refund",
    "dispute": "Dispute",
    "dispute_won": "Dispute won",
    "payout": "Payout",
    "payout_reversal": "Payout reversed",
}
CURRENCIES = ("USD",)


@dataclass
class StatementLine:
    """One posting behind a figure; `amount` counts in the figure's direction (minor units)."""

    posting_id: int
    figure: str
    line_type: str
    occurred_at: datetime
    reference: str
    app: str
    amount: int
    memo: str = ""

    @property
    def effect(self) -> int:
        """The line's effect on the balance (earnings add, the other figures take away)."""
        return self.amount if self.figure in ("earnings", "other") else -self.amount


@dataclass
class Statement:
    """A developer org's statement for one period and currency (minor units)."""

    org_id: uuid.UUID
    period: str
    currency: str
    opening: int = 0
    earnings: int = 0
    share: int = 0
    fees: int = 0
    refunds: int = 0
    payouts: int = 0
    other: int = 0
    closing_pending: int = 0
    closing_available: int = 0
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def closing(self) -> int:
        """opening + earnings - share - fees - refunds - payouts + other."""
        return (
            self.opening
            + self.earnings
            - self.share
            - self.fees
            - self.refunds
            - self.payouts
            + self.other
        )

    def figures(self) -> list[tuple[str, str, int]]:
        """(key, title, signed effect on the balance) for the summary, in statement order."""
        rows = [
            ("earnings", TITLES["earnings"], self.earnings),
            ("share", TITLES["share"], -self.share),
            ("fees", TITLES["fees"], -self.fees),
            ("refunds", TITLES["refunds"], -self.refunds),
            ("payouts", TITLES["payouts"], -self.payouts),
        ]
        if self.other:
            rows.append(("other", TITLES["other"], self.other))
        return rows

    def lines_of(self, figure: str) -> list[StatementLine]:
        """The postings behind one figure."""
        return [line for line in self.lines if line.figure == figure]


def parse_period(period: str) -> tuple[datetime, datetime]:
    """'YYYY-MM' -> [start, end) in UTC, or a validation error naming `period`."""
    m = PERIOD.fullmatch(period or "")
    if not m:
        raise ValidationFailed(
            [FieldError("period", "Use YYYY-MM, e.g. 2026-11", "INVALID")], "Invalid period"
        )
    year, month = int(m.group(1)), int(m.group(2))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def period_of(moment: datetime) -> str:
    """The 'YYYY-MM' period a moment falls in (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def _currency(currency: str) -> str:
    code = (currency or "").upper()
    if code not in CURRENCIES:
        raise ValidationFailed(
            [FieldError("currency", "Statements are in USD for now", "INVALID_CHOICE")],
            "Unsupported currency",
        )
    return code


_FIGURES_SQL = """
SELECT a.org_id,
  coalesce(sum(-p.amount) FILTER (WHERE j.occurred_at < $1), 0) AS opening,
  coalesce(sum(-p.amount) FILTER (WHERE j.occurred_at >= $1 AND p.line_type = 'earning'), 0)
    AS earnings,
  coalesce(sum(p.amount) FILTER (WHERE j.occurred_at >= $1 AND p.line_type = 'platform_share'), 0)
    AS share,
  coalesce(sum(p.amount) FILTER (WHERE j.occurred_at >= $1 AND p.line_type = 'fee'), 0) AS fees,
  coalesce(sum(p.amount) FILTER (WHERE j.occurred_at >= $1
    AND p.line_type IN ('refund', 'dispute', 'dispute_won')), 0) AS refunds,
  coalesce(sum(p.amount) FILTER (WHERE j.occurred_at >= $1
    AND p.line_type IN ('payout', 'payout_reversal')), 0) AS payouts,
  coalesce(sum(-p.amount) FILTER (WHERE j.occurred_at >= $1
    AND (p.line_type IS NULL OR p.line_type <> ALL($4::text[]))), 0) AS other,
  coalesce(sum(-p.amount) FILTER (WHERE a.kind = 'developer_pending'), 0) AS closing_pending,
  coalesce(sum(-p.amount) FILTER (WHERE a.kind = 'developer_available'), 0) AS closing_available
FROM public.ledger_posting p
JOIN public.ledger_account a ON a.id = p.account_id
JOIN public.ledger_journal j ON j.id = p.journal_id
WHERE a.kind IN ('developer_pending', 'developer_available') AND a.currency = $3
  AND j.occurred_at < $2 {org_filter}
GROUP BY a.org_id
"""

_LINES_SQL = """
SELECT a.org_id, p.id, p.line_type, p.amount, j.occurred_at, j.key, j.memo,
  j.source_type, j.source_id::text AS source_id, coalesce(l.name, '') AS app
FROM public.ledger_posting p
JOIN public.ledger_account a ON a.id = p.account_id
JOIN public.ledger_journal j ON j.id = p.journal_id
LEFT JOIN public.listing l ON l.id = p.listing_id
WHERE a.kind IN ('developer_pending', 'developer_available') AND a.currency = $3
  AND j.occurred_at >= $1 AND j.occurred_at < $2
  AND (p.line_type IS NULL OR p.line_type <> ALL($4::text[])) {org_filter}
ORDER BY {order}
"""


def _statement(org_id: uuid.UUID, period: str, currency: str, row: dict[str, Any]) -> Statement:
    st = Statement(org_id=org_id, period=period, currency=currency)
    for key in _FIGURE_COLUMNS:
        setattr(st, key, int(row[key]))
    return st


_FIGURE_COLUMNS = (
    "opening",
    "earnings",
    "share",
    "fees",
    "refunds",
    "payouts",
    "other",
    "closing_pending",
    "closing_available",
)


def _line(row: dict[str, Any]) -> StatementLine:
    line_type = row["line_type"] or ""
    figure = FIGURE_OF.get(line_type, "other")
    sign = SIGN_OF.get(line_type, -1)
    source = row.get("source_type")
    reference = f"{source} {row['source_id']}" if source and row.get("source_id") else row["key"]
    return StatementLine(
        posting_id=int(row["id"]),
        figure=figure,
        line_type=line_type or "(none)",
        occurred_at=row["occurred_at"],
        reference=str(reference),
        app=row["app"],
        amount=sign * int(row["amount"]),
        memo=row.get("memo") or "",
    )


async def statement(
    org_id: uuid.UUID, period: str, currency: str = "USD", *, with_lines: bool = True
) -> Statement:
    """One org's statement for a period: figures set-based, then the postings behind them."""
    start, end = parse_period(period)
    currency = _currency(currency)
    rows = await fetch(
        _FIGURES_SQL.format(org_filter="AND a.org_id = $5"),
        start,
        end,
        currency,
        list(KNOWN_TYPES + INTERNAL_TYPES),
        org_id,
    )
    st = (
        _statement(org_id, period, currency, rows[0])
        if rows
        else Statement(org_id=org_id, period=period, currency=currency)
    )
    if with_lines:
        lines = await fetch(
            _LINES_SQL.format(org_filter="AND a.org_id = $5", order="j.occurred_at, p.id"),
            start,
            end,
            currency,
            list(INTERNAL_TYPES),
            org_id,
        )
        st.lines = [_line(r) for r in lines]
    return st


async def iter_lines(
    org_id: uuid.UUID, period: str, currency: str = "USD"
) -> AsyncIterator[StatementLine]:
    """The statement's lines read through a server-side cursor (for streamed downloads)."""
    start, end = parse_period(period)
    currency = _currency(currency)
    sql = _LINES_SQL.format(org_filter="AND a.org_id = $5", order="j.occurred_at, p.id")
    assert DB.pool is not None, "database pool not started"
    async with DB.pool.acquire() as conn, conn.transaction():
        async for rec in conn.cursor(sql, start, end, currency, list(INTERNAL_TYPES), org_id):
            yield _line(dict(rec))


async def all_statements(
    period: str, currency: str = "USD", *, with_lines: bool = True
) -> AsyncIterator[Statement]:
    """Every developer org's statement for a period (orgs with any balance or activity).

    Figures come from one grouped query; lines from one cursor ordered by org, handed out
    per org as it is read, so memory holds one org's lines at a time.
    """
    start, end = parse_period(period)
    currency = _currency(currency)
    if not with_lines:
        for row in await fetch(
            _FIGURES_SQL.format(org_filter="") + " ORDER BY a.org_id",
            start,
            end,
            currency,
            list(KNOWN_TYPES + INTERNAL_TYPES),
        ):
            yield _statement(row["org_id"], period, currency, row)
        return
    sql = _LINES_SQL.format(org_filter="", order="a.org_id, j.occurred_at, p.id")
    assert DB.pool is not None, "database pool not started"
    async with DB.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        # One snapshot for figures and lines, so a posting made meanwhile is in both or neither.
        rows = [
            dict(r)
            for r in await conn.fetch(
                _FIGURES_SQL.format(org_filter="") + " ORDER BY a.org_id",
                start,
                end,
                currency,
                list(KNOWN_TYPES + INTERNAL_TYPES),
            )
        ]
        cursor = conn.cursor(sql, start, end, currency, list(INTERNAL_TYPES), prefetch=5000)
        pending: dict[str, Any] | None = None
        lines_iter = cursor.__aiter__()
        for row in rows:
            st = _statement(row["org_id"], period, currency, row)
            while True:
                if pending is None:
                    try:
                        pending = dict(await lines_iter.__anext__())
                    except StopAsyncIteration:
                        break
                if pending["org_id"] < st.org_id:  # cannot happen (same snapshot); never stall
                    pending = None
                    continue
                if pending["org_id"] != st.org_id:
                    break
                st.lines.append(_line(pending))
                pending = None
            yield st


async def ledger_owed(period: str, currency: str = "USD") -> int:
    """What the ledger says all developers are owed at the period's end, by account kind."""
    _, end = parse_period(period)
    rows = await fetch(
        "SELECT coalesce(sum(-p.amount), 0) AS owed FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " WHERE a.kind = ANY($1::text[]) AND a.currency = $2 AND j.occurred_at < $3",
        list(DEVELOPER_KINDS),
        _currency(currency),
        end,
    )
    return int(rows[0]["owed"])


async def check(period: str, currency: str = "USD") -> list[str]:
    """Problems: a statement whose closing is not its pending + available at period end, whose
    lines do not add up to its figures, or all closings not summing to the ledger's balance."""
    problems: list[str] = []
    total = 0
    async for st in all_statements(period, currency):
        total += st.closing
        if st.closing != st.closing_pending + st.closing_available:
            problems.append(
                f"org {st.org_id}: closing {st.closing} != balances "
                f"{st.closing_pending} + {st.closing_available}"
            )
        for key in ("earnings", "share", "fees", "refunds", "payouts", "other"):
            behind = sum(line.amount for line in st.lines_of(key))
            value = getattr(st, key)
            if behind != value:
                problems.append(f"org {st.org_id}: {key} {value} but its lines sum to {behind}")
        if st.other:
            problems.append(f"org {st.org_id}: {st.other} in postings of unknown line types")
    owed = await ledger_owed(period, currency)
    if total != owed:
        problems.append(f"sum of closings {total} != ledger developer balances {owed}")
    return problems


async def periods(org_id: uuid.UUID, currency: str = "USD") -> list[Statement]:
    """The org's statements by month, newest first: from its first posting to this month."""
    currency = _currency(currency)
    rows = await fetch(
        "SELECT min(j.occurred_at) AS first FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " WHERE a.org_id = $1 AND a.kind = ANY($2::text[]) AND a.currency = $3",
        org_id,
        list(DEVELOPER_KINDS),
        currency,
    )
    first = rows[0]["first"] if rows else None
    if first is None:
        return []
    now = datetime.now(UTC)
    months: list[str] = []
    y, m = first.astimezone(UTC).year, first.astimezone(UTC).month
    while (y, m) <= (now.year, now.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    months = months[-36:]
    # One grouped query for all months' figures.
    _, end = parse_period(months[-1])
    monthly = await fetch(
        "SELECT to_char(j.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS period, p.line_type,"
        " a.kind, sum(p.amount) AS amount FROM public.ledger_posting p"
        " JOIN public.ledger_account a ON a.id = p.account_id"
        " JOIN public.ledger_journal j ON j.id = p.journal_id"
        " WHERE a.org_id = $1 AND a.kind = ANY($2::text[]) AND a.currency = $3"
        " AND j.occurred_at < $4 GROUP BY 1, 2, 3",
        org_id,
        list(DEVELOPER_KINDS),
        currency,
        end,
    )
    out: list[Statement] = []
    pending = available = 0
    before = [r for r in monthly if r["period"] < months[0]]
    for r in before:
        if r["kind"] == "developer_pending":
            pending -= int(r["amount"])
        else:
            available -= int(r["amount"])
    for period in months:
        st = Statement(org_id=org_id, period=period, currency=currency)
        st.opening = pending + available
        for r in monthly:
            if r["period"] != period:
                continue
            amount = int(r["amount"])
            if r["kind"] == "developer_pending":
                pending -= amount
            else:
                available -= amount
            line_type = r["line_type"] or ""
            if line_type in INTERNAL_TYPES:
                continue
            fig = FIGURE_OF.get(line_type, "other")
            value = SIGN_OF.get(line_type, -1) * amount
            setattr(st, fig, getattr(st, fig) + value)
        st.closing_pending, st.closing_available = pending, available
        out.append(st)
    return list(reversed(out))


async def org_statement(org_id: uuid.UUID, period: str, currency: str = "USD") -> Statement:
    """A statement for a period that has begun (a future month is NotFound)."""
    start, _ = parse_period(period)
    if start > datetime.now(UTC):
        raise NotFound("No statement for a future period")
    return await statement(org_id, period, currency)


def major(amount: int, currency: str = "USD") -> Decimal:
    """Minor units as a Decimal in major units (USD cents -> dollars)."""
    return from_minor(amount, currency)


CSV_HEADER = [
    "row",
    "period",
    "figure",
    "line_type",
    "date",
    "reference",
    "app",
    "amount",
    "currency",
    "posting_id",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


async def csv_chunks(st: Statement) -> AsyncIterator[str]:
    """The statement as CSV: summary rows, then every line read through a cursor, in chunks."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    cur = st.currency

    def amount(value: int) -> str:
        return str(major(value, cur))

    out.writerow(CSV_HEADER)
    out.writerow(["summary", st.period, "opening", "", "", "", "", amount(st.opening), cur, ""])
    for key, _title, value in st.figures():
        out.writerow(["summary", st.period, key, "", "", "", "", amount(value), cur, ""])
    out.writerow(["summary", st.period, "closing", "", "", "", "", amount(st.closing), cur, ""])
    yield buf.getvalue()
    buf.seek(0)
    buf.truncate()
    count = 0
    async for line in iter_lines(st.org_id, st.period, cur):
        out.writerow(
            [
                "line",
                st.period,
                line.figure,
                line.line_type,
                line.occurred_at.astimezone(UTC).isoformat(),
                _cell(line.reference),
                _cell(line.app),
                amount(line.effect),
                cur,
                line.posting_id,
            ]
        )
        count += 1
        if count % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
