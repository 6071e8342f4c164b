"""The revenue-share policy: versioned tiers on a developer's lifetime gross (public schema).

A policy row is never changed: a new version is inserted with its `effective_from`. Tiers are
`[{"up_to": <USD minor units or null>, "bps": <basis points>}, …]` in ascending order; v1 is
0 % on the first USD 1,000,000 of lifetime gross, then 15 % (as Shopify does).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from jewelia.core.db import DB, fetch
from jewelia.core.errors import FieldError, ValidationFailed

BPS = 10_000  # basis points in 100 %
MAX_TIERS = 20
MAX_NOTE = 500
# A form posted "now" reaches the confirmation step a little later: that much is not the past.
GRACE = timedelta(minutes=5)
log = logging.getLogger("jewelia.commerce.policy")


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


def parse_tiers(tiers: Any) -> tuple[tuple[Tier, ...], list[FieldError]]:
    """Tiers given as `[{"upToMinor": int | None, "rateBps": int}, …]` and the problems found
    (field paths like `tiers[1].upToMinor`): ascending thresholds, the last one open-ended."""
    errors: list[FieldError] = []
    if not isinstance(tiers, list) or not tiers:
        return (), [FieldError("tiers", "Give at least one tier", "REQUIRED")]
    if len(tiers) > MAX_TIERS:
        return (), [FieldError("tiers", f"At most {MAX_TIERS} tiers", "TOO_MANY")]
    out: list[Tier] = []
    lower = 0
    for i, raw in enumerate(tiers):
        path = f"tiers[{i}]"
        if not isinstance(raw, dict):
            errors.append(FieldError(path, "A tier is an object", "INVALID"))
            continue
        last = i == len(tiers) - 1
        up_to, bps = raw.get("upToMinor"), raw.get("rateBps")
        if isinstance(bps, bool) or not isinstance(bps, int):
            errors.append(FieldError(f"{path}.rateBps", "The rate is required", "REQUIRED"))
        elif not 0 <= bps <= BPS:
            errors.append(
                FieldError(f"{path}.rateBps", "The rate is 0 to 10000 basis points", "OUT_OF_RANGE")
            )
        if last:
            if up_to is not None:
                errors.append(
                    FieldError(
                        f"{path}.upToMinor", "The last tier has no upper limit", "MUST_BE_OPEN"
                    )
                )
        elif up_to is None:
            errors.append(
                FieldError(f"{path}.upToMinor", "Only the last tier is open-ended", "REQUIRED")
            )
        elif isinstance(up_to, bool) or not isinstance(up_to, int):
            errors.append(FieldError(f"{path}.upToMinor", "A whole amount", "INVALID"))
        elif up_to <= lower:
            errors.append(
                FieldError(
                    f"{path}.upToMinor",
                    "Each limit is above the previous one" if i else "The limit is above zero",
                    "NOT_ASCENDING",
                )
            )
        else:
            lower = up_to
        if isinstance(bps, int) and not isinstance(bps, bool):
            out.append(Tier(up_to=up_to if isinstance(up_to, int) else None, bps=bps))
    return tuple(out), errors


def validate(tiers: Any, effective_from: Any, note: str) -> tuple[tuple[Tier, ...], datetime, str]:
    """Checked tiers, start (now at the earliest) and note of a new version, or ValidationFailed
    listing every problem with its field path."""
    parsed, errors = parse_tiers(tiers)
    note = (note or "").strip()
    if not note:
        errors.append(FieldError("note", "Say why the policy changes", "REQUIRED"))
    elif len(note) > MAX_NOTE or any(ord(ch) < 32 for ch in note):
        errors.append(FieldError("note", f"At most {MAX_NOTE} characters, one line", "INVALID"))
    now = datetime.now(UTC)
    if not isinstance(effective_from, datetime) or effective_from.tzinfo is None:
        errors.append(FieldError("effectiveFrom", "A date and time with a zone", "INVALID"))
    elif effective_from < now - GRACE:
        errors.append(FieldError("effectiveFrom", "Cannot be in the past", "IN_THE_PAST"))
    if errors:
        raise ValidationFailed(errors)
    return parsed, max(effective_from, now), note  # never before now: posted charges keep theirs


async def publish(
    tiers: Any, effective_from: datetime, note: str, by_user_id: uuid.UUID | None
) -> Policy:
    """Add the next policy version (ValidationFailed with field paths on bad input).

    It takes effect at `effective_from`, which is not in the past (charges already posted keep
    their version) nor before the newest version's: a version with the same moment replaces a
    version still pending (the highest version wins a tie), as rows are never changed.
    """
    parsed, when, note = validate(tiers, effective_from, note)
    body = json.dumps([{"up_to": t.up_to, "bps": t.bps} for t in parsed])
    async with DB.transaction():
        # one publisher at a time: the next number and the ordering check see every version
        await fetch("SELECT pg_advisory_xact_lock(hashtextextended('revenue_share_policy', 0))")
        newest = await fetch(
            "SELECT max(version) AS version, max(effective_from) AS latest"
            " FROM public.revenue_share_policy"
        )
        latest = newest[0]["latest"]
        if latest is not None and when < latest:
            raise ValidationFailed(
                [
                    FieldError(
                        "effectiveFrom",
                        f"Version {newest[0]['version']} takes effect {latest:%Y-%m-%d %H:%M} UTC:"
                        " a new version takes effect then or later",
                        "BEFORE_NEWEST",
                    )
                ]
            )
        version = int(newest[0]["version"] or 0) + 1
        rows = await fetch(
            "INSERT INTO public.revenue_share_policy (version, tiers, effective_from, note)"
            " VALUES ($1, $2::jsonb, $3, $4) RETURNING version, tiers, effective_from, note",
            version,
            body,
            when,
            note,
        )
    # No public audit table exists (tenant audit_log is per tenant): the log records who.
    log.info(
        "revenue-share policy version %s published by %s, effective %s",
        version,
        by_user_id,
        when.isoformat(),
    )
    return _policy(rows[0])
