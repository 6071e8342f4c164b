"""The revenue-share policy: versioned tiers on a developer's lifetime gross (public schema).

A policy row is never changed: a new version is inserted with its `effective_from`. Tiers are
`[{"up_to": <USD minor units or null>, "bps": <basis points>}, …]` in ascending order; v1 is
0 % on the first USD 1,000,000 of lifetime gross, then 15 % (as Shopify does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


async def current(at: datetime | None = None) -> Policy:
    """The policy in force at `at` (now by default): the newest version already effective."""
    raise NotImplementedError


async def get(version: int) -> Policy:
    """One policy version (KeyError when it does not exist)."""
    raise NotImplementedError


def share(gross: int, lifetime_before: int, policy: Policy) -> int:
    """The platform's share (minor units) of a charge of `gross` by a developer whose lifetime
    gross before it is `lifetime_before`; a charge crossing a tier line is split; exact integers,
    rounded half up once."""
    raise NotImplementedError


def describe(policy: Policy) -> str:
    """The policy in one sentence for developers' pages."""
    raise NotImplementedError
