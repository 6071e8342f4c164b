"""The revenue-share policy: versioned tiers on a developer's lifetime gross (public schema).

A policy row is never changed: a new version is inserted with its `effective_from`. Tiers are
`[{"up_to": <USD minor units or null>, "bps": <basis points>}, …]` in ascending order; v1 is
0 % on the first USD 1,000,000 of lifetime gross, then 15 % (as Shopify does).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jewelia.core.db import fetch

BPS = 10_000  # basis points in 100 %


@dataclass(frozen=True)
class Tier:
    """One band: `bps` basis points on the lifetime gross below `up_to` (None: no end)."""

    up_to: int | None
    bps: int


@dataclass(frozen=True)
class Policy:
    """One version of the revenue-share policy."""

    version: int
    tiers: tuple[Tier, ...]
    effective_from: datetime
    note: str


def _policy(row: dict[str, Any]) -> Policy:
    tiers = row["tiers"]
    if isinstance(tiers, str):
        tiers = json.loads(tiers)
    return Policy(
        version=row["version"],
        tiers=tuple(Tier(up_to=t.get("up_to"), bps=int(t["bps"])) for t in tiers),
        effective_from=row["effective_from"],
        note=row["note"],
    )


async def current(at: datetime | None = None) -> Policy:
    """The policy in force at `at` (now by default): the newest version already effective."""
    rows = await fetch(
        "SELECT version, tiers, effective_from, note FROM public.revenue_share_policy"
        " WHERE effective_from <= $1 ORDER BY effective_from DESC, version DESC LIMIT 1",
        at or datetime.now(UTC),
    )
    if not rows:
        raise LookupError("no revenue-share policy is in force")
    return _policy(rows[0])


async def get(version: int) -> Policy:
    """One policy version (KeyError when it does not exist)."""
    rows = await fetch(
        "SELECT version, tiers, effective_from, note FROM public.revenue_share_policy"
        " WHERE version = $1",
        version,
    )
    if not rows:
        raise KeyError(version)
    return _policy(rows[0])


async def all_versions() -> list[Policy]:
    """Every policy version, newest first (for the developer pages' history)."""
    rows = await fetch(
        "SELECT version, tiers, effective_from, note FROM public.revenue_share_policy"
        " ORDER BY version DESC"
    )
    return [_policy(r) for r in rows]


def share(gross: int, lifetime_before: int, policy: Policy) -> int:
    """The platform's share (minor units) of a charge of `gross` by a developer whose lifetime
    gross before it is `lifetime_before`; a charge crossing a tier line is split; exact integers,
    rounded half up once."""
    if gross < 0 or lifetime_before < 0:
        raise ValueError("gross and lifetime gross cannot be negative")
    start, end = lifetime_before, lifetime_before + gross
    lower = 0
    weighted = 0  # sum of (minor units in the band) x bps
    for tier in policy.tiers:
        upper = tier.up_to
        lo = max(start, lower)
        hi = end if upper is None else min(end, upper)
        if hi > lo:
            weighted += (hi - lo) * tier.bps
        if upper is None:
            break
        lower = upper
    return (2 * weighted + BPS) // (2 * BPS)


def flat_share(gross: int, lifetime_before: int, policy: Policy) -> int:
    """The share of a charge in a currency the tiers are not counted in (not USD): the rate of
    the tier the USD lifetime gross is in, not split."""
    return (2 * gross * rate_at(lifetime_before, policy) + BPS) // (2 * BPS)


def rate_at(lifetime: int, policy: Policy) -> int:
    """The rate (basis points) of the tier a lifetime gross of `lifetime` is in."""
    for tier in policy.tiers:
        if tier.up_to is None or lifetime < tier.up_to:
            return tier.bps
    return policy.tiers[-1].bps


def _percent(bps: int) -> str:
    return f"{(Decimal(bps) / 100).normalize():f} %"


def describe(policy: Policy) -> str:
    """The policy in one sentence for developers' pages."""
    parts: list[str] = []
    lower = 0
    for tier in policy.tiers:
        if tier.up_to is None:
            parts.append(f"{_percent(tier.bps)} " + ("after that" if parts else "on all of it"))
            break
        band = f"USD {Decimal(tier.up_to - lower) / 100:,.0f}"
        word = "first" if lower == 0 else "next"
        parts.append(f"{_percent(tier.bps)} on the {word} {band}")
        lower = tier.up_to
    return (
        "The platform's share of a developer's lifetime gross app revenue: "
        + ", then ".join(parts)
        + f" (policy version {policy.version}). Stripe's processing fees are deducted from "
        "the developer's part."
    )
