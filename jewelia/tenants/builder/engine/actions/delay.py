"""`delay`: the run waits, without holding a worker: the run is parked and a delayed message
wakes it at `first start + seconds` (kept on the step, so a crash does not restart the wait)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jewelia.tenants.builder.engine.base import Park, StepContext, StepError

SIDE_EFFECT = False
IN_TRANSACTION = False
MAX_SECONDS = 86_400


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    seconds = config.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise StepError("delay needs seconds (a number)", "invalid_config")
    if not 0 <= seconds <= MAX_SECONDS:
        raise StepError(f"delay seconds must be from 0 to {MAX_SECONDS}", "invalid_config")
    return {"seconds": seconds}


async def execute(step: StepContext, config: dict[str, Any]) -> dict[str, Any]:
    until = step.first_started_at + timedelta(seconds=float(config["seconds"]))
    if datetime.now(UTC) < until:
        raise Park(until)
    return {"waitedSeconds": config["seconds"], "until": until.isoformat()}


def simulate(step: StepContext, config: dict[str, Any]) -> dict[str, Any]:
    """What the step would do: wait, here without waiting."""
    return {"simulated": True, "wouldWaitSeconds": config["seconds"]}
