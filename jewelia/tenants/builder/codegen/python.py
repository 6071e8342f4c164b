"""The Python program of a flow version: `flow.py`, one function per step (named after the
step's id) calling the shared `runtime.py`, which uses the `jewelia-api-client` SDK."""

from __future__ import annotations

import pprint
import textwrap
from pathlib import Path
from typing import Any

from jewelia.tenants.builder.codegen.steps import NOT_EXPORTED, children, policy, summary, walk

RUNTIME = (Path(__file__).parent / "assets" / "runtime.py.txt").read_text()
REQUIREMENTS = "jewelia-api-client>=1.0\njsonatapy>=2.2.13,<3\njinja2>=3.1.6,<4\nhttpx>=0.27,<1\n"


def _literal(value: Any, indent: int) -> str:
    """A JSON value as a Python literal, continuation lines indented."""
    text = pprint.pformat(value, width=88 - indent, sort_dicts=False)
    return textwrap.indent(text, " " * indent).lstrip()


def _doc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "'")


def _calls(steps: list[dict[str, Any]], scope: str, prefix: str, indent: int) -> str:
    pad = " " * indent
    if not steps:
        return f"{pad}pass\n"
    return "".join(f"{pad}step_{s['id']}(run, {scope}, {prefix})\n" for s in steps)


def _action(step: dict[str, Any]) -> str:
    kind, config = step["type"], step.get("config") or {}
    if kind == "transform":
        return "run.transform(expression, context)"
    if kind == "delay":
        return f"run.delay({config.get('seconds')!r})"
    if kind in ("http_request", "database", "notification", "file"):
        return f"run.{kind}(config, context, key)"
    return ""


def _function(step: dict[str, Any]) -> str:
    sid, kind, config = step["id"], step["type"], step.get("config") or {}
    head = (
        f"def step_{sid}(run: Run, scope: Scope, prefix: str) -> None:\n"
        f'    """Step `{sid}` ({kind}): {_doc(summary(step))}."""\n'
        f"    step: Step = {_literal(policy(step), 17)}\n"
    )
    if kind == "for_each":
        body = _calls(config.get("actions") or [], "inner", "inner_prefix", 8)
        return (
            head + "\n    def body(inner: Scope, inner_prefix: str) -> None:\n" + body + "\n"
            f"    items = {_literal(config.get('items'), 12)}\n"
            f"    run.for_each(scope, prefix, step, items, {config.get('maxItems')!r}, body)\n"
        )
    if kind == "branch":
        out, pairs = head, []
        for n, branch in enumerate(config.get("branches") or []):
            out += f"\n    def branch_{n}() -> None:\n"
            out += _calls(branch.get("actions") or [], "scope", "prefix", 8)
            pairs.append(f"({branch.get('if')!r}, branch_{n})")
        otherwise = "None"
        if config.get("else"):
            out += "\n    def otherwise() -> None:\n"
            out += _calls(config["else"], "scope", "prefix", 8)
            otherwise = "otherwise"
        listed = ", ".join(pairs)
        return out + f"\n    run.branch(scope, prefix, step, [{listed}], {otherwise})\n"
    if kind in NOT_EXPORTED or not _action(step):
        note = (
            f"    # No public API call does what a {kind} step does: the step fails when reached\n"
            "    # (its onError route applies), as in a version the engine cannot run.\n"
        )
        return head + note + f"    run.action(scope, prefix, step, not_available({kind!r}))\n"
    out = head
    if kind == "transform":
        out += f"    expression = {config.get('output')!r}\n"
    if kind in ("http_request", "database", "notification", "file"):
        out = out.replace(
            "    step: Step = ",
            f"    config: dict[str, Any] = {_literal(config, 29)}\n    step: Step = ",
            1,
        )
    return out + (
        "\n    def perform(context: dict[str, Any], key: str) -> Any:\n"
        f"        return {_action(step)}\n\n"
        "    run.action(scope, prefix, step, perform)\n"
    )


def program(definition: dict[str, Any], flow: dict[str, Any], version: int) -> str:
    """The text of flow.py for a normalised definition."""
    actions = definition.get("actions") or []
    triggers = ", ".join(t["type"] for t in definition.get("triggers") or []) or "none"
    functions = "\n\n".join(_function(s) for s in walk(actions))
    _ = children  # containers are walked by `walk`
    return (
        "#!/usr/bin/env python3\n"
        f'"""{_doc(flow["name"])}: version {version} of a Jewelia flow, exported as a program.\n\n'
        f"Triggers in Jewelia: {triggers}. Here the trigger payload is JSON read from a file\n"
        "(or stdin): `python flow.py trigger.json`. Each step prints its result as one line of\n"
        'JSON; see README.md."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\nimport sys\nfrom typing import Any\n\n"
        "from jewelia_api_client import JeweliaClient\n\n"
        "from runtime import Run, RunFailed, Scope, Step, not_available, read_trigger, serve\n\n"
        f"FLOW_ID = {str(flow['id'])!r}\nFLOW_NAME = {str(flow['name'])!r}\nVERSION = {version}\n\n\n"
        + (functions + "\n\n" if functions else "")
        + "def run_flow(run: Run) -> None:\n"
        '    """The flow\'s steps, in order."""\n'
        "    scope = Scope()\n" + _calls(actions, "scope", '""', 4) + "\n\n"
        "def execute(trigger: Any) -> int:\n"
        '    """Run the flow on a trigger payload against the API; 0 when it succeeded."""\n'
        "    # The API key and URL come from JEWELIA_API_KEY and JEWELIA_API_URL.\n"
        "    with JeweliaClient() as client:\n"
        "        run = Run(FLOW_ID, FLOW_NAME, VERSION, trigger, client)\n"
        "        try:\n"
        "            run_flow(run)\n"
        "        except RunFailed as failed:\n"
        "            end = {'status': 'failed', 'step': failed.path, 'error': failed.message}\n"
        "            print(json.dumps({'run': end}), flush=True)\n"
        "            return 1\n"
        "    print(json.dumps({'run': {'status': 'succeeded'}}), flush=True)\n"
        "    return 0\n\n\n"
        "def main() -> int:\n"
        '    """`flow.py trigger.json` (or `-`: stdin) runs once; `flow.py --serve PORT` runs on\n'
        '    each verified webhook delivery (see README.md)."""\n'
        "    if len(sys.argv) > 2 and sys.argv[1] == '--serve':\n"
        "        serve(int(sys.argv[2]), execute)\n"
        "        return 0\n"
        "    return execute(read_trigger(sys.argv[1] if len(sys.argv) > 1 else None))\n\n\n"
        'if __name__ == "__main__":\n'
        "    sys.exit(main())\n"
    )


def files(definition: dict[str, Any], flow: dict[str, Any], version: int) -> dict[str, str]:
    """The Python project's files (without the README)."""
    return {
        "flow.py": program(definition, flow, version),
        "runtime.py": RUNTIME,
        "requirements.txt": REQUIREMENTS,
    }
