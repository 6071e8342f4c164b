"""`transform`: the value of a JSONata expression over the run's context is the step's output.

No side effect: after a crash the step is simply evaluated again (its input is its config).
"""

from __future__ import annotations

from typing import Any

from jewelia.tenants.builder.engine.base import StepContext, StepError
from jewelia.tenants.builder.engine.render import evaluate, in_thread

SIDE_EFFECT = False
IN_TRANSACTION = False


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    output = config.get("output")
    if not isinstance(output, str) or not output.strip():
        raise StepError("transform needs an output expression", "invalid_config")
    return {"output": output}


async def execute(step: StepContext, config: dict[str, Any]) -> Any:
    return await in_thread(evaluate, config["output"], step.expression_context)
