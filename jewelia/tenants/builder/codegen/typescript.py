"""The TypeScript program of a flow version: `src/flow.ts`, one function per step (named after
the step's id) calling the shared `src/runtime.ts`, which uses the `@jewelia/api-client` SDK."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from jewelia.tenants.builder.codegen.steps import policy, summary, walk

RUNTIME = (Path(__file__).parent / "assets" / "runtime.ts.txt").read_text()
# The versions the tests install from tests/sdk/codegen_ts/package-lock.json.
DEPENDENCIES = {"@jewelia/api-client": "^1.0.0", "jsonata": "2.2.2", "nunjucks": "3.2.4"}
DEV_DEPENDENCIES = {"@types/node": "20.19.43", "@types/nunjucks": "3.2.6", "typescript": "5.9.3"}
TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022",
        "lib": ["ES2022", "DOM"],
        "types": ["node"],
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "strict": True,
        "noUncheckedIndexedAccess": True,
        "skipLibCheck": True,
        "outDir": "dist",
        "rootDir": "src",
    },
    "include": ["src"],
}


def _literal(value: Any, indent: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return textwrap.indent(text, " " * indent).lstrip()


def _comment(text: str) -> str:
    return text.replace("*/", "*\\/")


def _calls(steps: list[dict[str, Any]], scope: str, prefix: str, indent: int) -> str:
    pad = " " * indent
    return "".join(f"{pad}await step_{s['id']}(run, {scope}, {prefix});\n" for s in steps)


def _function(step: dict[str, Any]) -> str:
    sid, kind, config = step["id"], step["type"], step.get("config") or {}
    head = (
        f"/** Step `{sid}` ({kind}): {_comment(summary(step))}. */\n"
        f"async function step_{sid}(run: Run, scope: Scope, prefix: string): Promise<void> {{\n"
        f"  const step: Step = {_literal(policy(step), 2)};\n"
    )
    if kind == "for_each":
        return (
            head
            + f"  const items: Json = {_literal(config.get('items'), 2)};\n"
            + "  await run.forEach(scope, prefix, step, items, "
            + f"{json.dumps(config.get('maxItems'))}, async (inner, innerPrefix) => {{\n"
            + _calls(config.get("actions") or [], "inner", "innerPrefix", 4)
            + "  });\n}\n"
        )
    if kind == "branch":
        pairs = []
        for branch in config.get("branches") or []:
            calls = _calls(branch.get("actions") or [], "scope", "prefix", 6)
            pairs.append(
                f"    [\n      {json.dumps(branch.get('if'))},\n      async () => {{\n"
                f"{textwrap.indent(calls, '  ')}      }},\n    ],\n"
            )
        otherwise = "null"
        if config.get("else"):
            otherwise = "async () => {\n" + _calls(config["else"], "scope", "prefix", 4) + "  }"
        return (
            head
            + "  await run.branch(scope, prefix, step, [\n"
            + "".join(pairs)
            + f"  ], {otherwise});\n}}\n"
        )
    if kind == "transform":
        head += f"  const expression = {json.dumps(config.get('output'), ensure_ascii=False)};\n"
        call = "run.transform(expression, context)"
    elif kind == "delay":
        call = f"run.delay({json.dumps(config.get('seconds'))})"
    elif kind in ("http_request", "database", "notification", "file"):
        method = {"http_request": "httpRequest"}.get(kind, kind)
        head += f"  const config: JsonObject = {_literal(config, 2)};\n"
        call = f"run.{method}(config, context, key)"
    else:
        kind_name = json.dumps(kind)
        note = (
            f"  // No public API call does what a {kind} step does: the step fails when reached\n"
            "  // (its onError route applies), as in a version the engine cannot run.\n"
        )
        return (
            head
            + note
            + f"  await run.action(scope, prefix, step, notAvailable({kind_name}));\n}}\n"
        )
    uses_key = "key" in call
    params = "context, key" if uses_key else ("context" if "context" in call else "")
    return head + (f"  await run.action(scope, prefix, step, ({params}) => {call});\n}}\n")


def program(definition: dict[str, Any], flow: dict[str, Any], version: int) -> str:
    """The text of src/flow.ts for a normalised definition."""
    actions = definition.get("actions") or []
    triggers = ", ".join(t["type"] for t in definition.get("triggers") or []) or "none"
    functions = "\n".join(_function(s) for s in walk(actions))
    return (
        f"// {_comment(flow['name'])}: version {version} of a Jewelia flow, exported as a program.\n"
        f"// Triggers in Jewelia: {triggers}. Here the trigger payload is JSON read from a file (or\n"
        "// stdin): `node dist/flow.js trigger.json`. Each step prints its result as one line of\n"
        "// JSON; see README.md.\n"
        "import { JeweliaClient } from '@jewelia/api-client';\n\n"
        "import {\n  Run,\n  RunFailed,\n  newScope,\n  notAvailable,\n  readTrigger,\n  serve,\n"
        "  type Json,\n  type JsonObject,\n  type Scope,\n  type Step,\n} from './runtime.js';\n\n"
        f"const FLOW_ID = {json.dumps(str(flow['id']))};\n"
        f"const FLOW_NAME = {json.dumps(str(flow['name']), ensure_ascii=False)};\n"
        f"const VERSION = {version};\n\n"
        + (functions + "\n" if functions else "")
        + "/** The flow's steps, in order. */\n"
        "export async function runFlow(run: Run): Promise<void> {\n"
        "  const scope = newScope();\n" + _calls(actions, "scope", "''", 2) + "}\n\n"
        "/** Run the flow on a trigger payload against the API; 0 when it succeeded. */\n"
        "async function execute(trigger: Json): Promise<number> {\n"
        "  const apiKey = process.env['JEWELIA_API_KEY'];\n"
        "  const baseUrl = process.env['JEWELIA_API_URL'];\n"
        "  if (!apiKey || !baseUrl) {\n"
        "    process.stderr.write('Set JEWELIA_API_KEY and JEWELIA_API_URL (see README.md)\\n');\n"
        "    return 2;\n  }\n"
        "  const client = new JeweliaClient({ apiKey, baseUrl });\n"
        "  const run = new Run(FLOW_ID, FLOW_NAME, VERSION, trigger, client);\n"
        "  try {\n    await runFlow(run);\n  } catch (error) {\n"
        "    if (!(error instanceof RunFailed)) throw error;\n"
        "    const end = { status: 'failed', step: error.path, error: error.message };\n"
        "    process.stdout.write(`${JSON.stringify({ run: end })}\\n`);\n"
        "    return 1;\n  }\n"
        "  process.stdout.write(`${JSON.stringify({ run: { status: 'succeeded' } })}\\n`);\n"
        "  return 0;\n}\n\n"
        "/**\n * `node dist/flow.js trigger.json` (or `-`: stdin) runs once; `node dist/flow.js --serve PORT`\n"
        " * runs on each verified webhook delivery (see README.md).\n */\n"
        "async function main(): Promise<number> {\n"
        "  if (process.argv[2] === '--serve' && process.argv[3]) {\n"
        "    await serve(Number(process.argv[3]), execute);\n"
        "    return 0;\n  }\n"
        "  return execute(readTrigger(process.argv[2]));\n}\n\n"
        "process.exitCode = await main();\n"
    )


def files(definition: dict[str, Any], flow: dict[str, Any], version: int) -> dict[str, str]:
    """The TypeScript project's files (without the README)."""
    package = {
        "name": f"jewelia-flow-{str(flow['id'])[:8]}-v{version}",
        "private": True,
        "type": "module",
        "description": f"{flow['name']} (Jewelia flow, version {version}), exported",
        "scripts": {"build": "tsc", "check": "tsc --noEmit --strict", "start": "node dist/flow.js"},
        "dependencies": DEPENDENCIES,
        "devDependencies": DEV_DEPENDENCIES,
    }
    return {
        "src/flow.ts": program(definition, flow, version),
        "src/runtime.ts": RUNTIME,
        "package.json": json.dumps(package, indent=2) + "\n",
        "tsconfig.json": json.dumps(TSCONFIG, indent=2) + "\n",
    }
