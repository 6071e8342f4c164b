"""Plans (tiers) from the database, cached briefly in each process."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from jewelia.core.db import fetch

CACHE_SECONDS = 30.0
_cache: tuple[float, dict[str, Plan]] | None = None


@dataclass(frozen=True)
class Plan:
    name: str
    display_name: str
    monthly_price_cents: int
    requests_per_hour: int
    seats: int
    features: dict[str, Any]


async def all_plans() -> dict[str, Plan]:
    """Every plan by name (cached for 30 s; plans change by migration, not per request)."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > CACHE_SECONDS:
        rows = await fetch(
            "SELECT name, display_name, monthly_price_cents, requests_per_hour, seats, features"
            " FROM public.plan ORDER BY sort_order"
        )
        plans = {
            r["name"]: Plan(
                **{
                    **r,
                    "features": json.loads(r["features"])
                    if isinstance(r["features"], str)
                    else r["features"],
                }
            )
            for r in rows
        }
        _cache = (now, plans)
    return _cache[1]


async def plan_named(name: str) -> Plan:
    """One plan; an unknown name falls back to the free plan."""
    plans = await all_plans()
    return plans.get(name) or plans["free"]
