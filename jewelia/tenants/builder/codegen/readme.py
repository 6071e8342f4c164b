"""The README of an exported flow: install, configure, run, each step, and what differs from
the engine."""

from __future__ import annotations

from typing import Any

from jewelia.tenants.builder.codegen.steps import summary, walk
from jewelia.tenants.builder.secrets import references

RUN = {
    "python": (
        "## Install\n\n"
        "Python 3.11 or newer:\n\n"
        "```bash\npython -m venv .venv && . .venv/bin/activate\n"
        "pip install -r requirements.txt\n```\n\n"
        "## Configure\n\n"
        "```bash\nexport JEWELIA_API_KEY=jw_live_...   # an API key with write permission\n"
        "export JEWELIA_API_URL=https://your-host/api/v1\n```\n\n"
        "## Run\n\n"
        "```bash\npython flow.py trigger.json      # or: echo '{...}' | python flow.py -\n```\n\n"
        "For the webhook trigger, a small receiver runs the flow on each delivery whose\n"
        "Standard Webhooks signature checks out (401 otherwise):\n\n"
        "```bash\nFLOW_WEBHOOK_SECRET=whsec_... python flow.py --serve 8080   # POST to :8080\n```\n\n"
        "`flow.py` holds one function per step, named after the step's id; `runtime.py` the\n"
        "rules they share. Type-check with `mypy --strict flow.py runtime.py` (jsonatapy ships\n"
        "no type hints: add `--ignore-missing-imports`).\n"
    ),
    "typescript": (
        "## Install\n\n"
        "Node.js 20 or newer:\n\n"
        "```bash\nnpm install\nnpm run build        # tsc: src/*.ts to dist/\n```\n\n"
        "## Configure\n\n"
        "```bash\nexport JEWELIA_API_KEY=jw_live_...   # an API key with write permission\n"
        "export JEWELIA_API_URL=https://your-host/api/v1\n```\n\n"
        "## Run\n\n"
        "```bash\nnode dist/flow.js trigger.json   # or: echo '{...}' | node dist/flow.js -\n"
        "```\n\n"
        "For the webhook trigger, a small receiver runs the flow on each delivery whose\n"
        "Standard Webhooks signature checks out (401 otherwise):\n\n"
        "```bash\nFLOW_WEBHOOK_SECRET=whsec_... node dist/flow.js --serve 8080   # POST to :8080\n"
        "```\n\n"
        "`src/flow.ts` holds one function per step, named after the step's id;\n"
        "`src/runtime.ts` the rules they share.\n"
    ),
}
ENGINES = {
    "python": (
        "Expressions are JSONata through `jsonatapy`, the implementation the engine uses;\n"
        "`{{ }}` templates are Jinja in its immutable sandbox with the engine's undefined rule\n"
        "(a missing name or key is an error, but false in a test). The engine also bounds every\n"
        "evaluation in time and size and narrows the filters and methods a template may use;\n"
        "this program does not, since it runs your own flow on your own machine.\n"
    ),
    "typescript": (
        "Expressions are JSONata through the reference implementation (npm `jsonata`), the same\n"
        "language as the engine's. `{{ }}` templates use nunjucks, a Jinja-compatible engine,\n"
        "with `throwOnUndefined` and a `tojson` filter that writes JSON as Jinja does. Where\n"
        "nunjucks differs from Jinja: `None`/`True` print as `null`/`true`, a whole object\n"
        "prints as `[object Object]` (use `| tojson`), a float such as `2500.0` prints as\n"
        "`2500`, a missing key fails only when it is printed (Jinja fails as soon as a key of\n"
        "a missing value is read), Python's string and dict methods (`.upper()`, `.get()`)\n"
        "are not there (use filters: `| upper`, `| default`), and the engine's time and size\n"
        "bounds are not applied.\n"
    ),
}
SEMANTICS = (
    "## How it runs (the engine's rules)\n\n"
    "- Steps run in order; each prints one line of JSON, `{path, id, type, status, output}`\n"
    "  (`status` succeeded, skipped or failed, with `error` when failed), the same outputs the\n"
    "  run's timeline shows in Jewelia. The last line is `{run: {status}}`; the exit code is\n"
    "  0 when the run succeeded, 1 when it failed.\n"
    "- Expressions see `trigger` (the payload), `steps.<id>.output`, `run` (`id`, `flow_id`,\n"
    "  `version`, `started_at`), and `item` / `index` inside a for_each.\n"
    "- A step's `if` is false: the step is skipped. A step fails: with `onError: continue` the\n"
    "  run goes on, else it stops there. Transient failures (5xx, 429, timeouts, network)\n"
    "  are retried as the step's `retry` policy says, with exponential back-off and jitter.\n"
    "- Every attempt of a step sends the same `Idempotency-Key: <run id>:<step path>` (HTTP\n"
    "  requests, and creations through the API), so a receiver that honours it acts once.\n"
    "- A branch runs the first branch whose condition holds, else its else steps (output\n"
    "  `{branch}`); a for_each runs its steps per item (paths `<loop>.<index>.<step>`) and\n"
    "  outputs each item's new step outputs.\n"
    "- Database steps find, create and update customers, inventory items and orders through\n"
    "  the API with the SDK (find by id, customer email, item SKU, or order status, payment\n"
    "  status and customer); changes are audited as the API key, not as the flow.\n"
)
DIFFERENCES = (
    "## What the API cannot do here\n\n"
    "The program does everything through the public API; where the API has no equivalent,\n"
    "the step keeps the engine's output shape and says so in a comment:\n\n"
    "- `notification` by email or in-app: the API has no call that sends an email or adds an\n"
    "  in-app notification, so the message is printed to stderr and the output is the\n"
    "  engine's (`{channel, to, queued}`; `{channel, notificationId, title}` with an id derived\n"
    "  from the step's key). Slack-compatible webhooks are posted as in the engine.\n"
    "- `file`: the API has no call that writes rows into the business's files, so CSV, JSON\n"
    "  and Excel files are written to a local folder (`files/`, or `FLOW_FILES_DIR`) and CSV\n"
    "  and JSON files read from it; `downloadUrl` is a `file://` link (reading Excel fails).\n"
    "- A database find by birthday or anniversary reads every customer (the API has no such\n"
    "  filter) and compares the day here.\n"
    "- `delay` sleeps in the process (the engine parks the run without holding a worker).\n"
    "- Outgoing requests are not checked against private addresses (the engine's SSRF guard\n"
    "  protects Jewelia's network, not yours), and the engine's durable replay after a crash\n"
    "  is not reproduced: a program killed mid-run starts again from the first step, and the\n"
    "  run id (so every Idempotency-Key) is new.\n"
)


def readme(definition: dict[str, Any], flow: dict[str, Any], version: int, language: str) -> str:
    """README.md for one language's export."""
    steps = list(walk(definition.get("actions") or []))
    listed = "".join(
        f"{n}. `{s['id']}` ({s['type']}): {summary(s)}.\n" for n, s in enumerate(steps, 1)
    )
    triggers = definition.get("triggers") or []
    trigger_text = "".join(f"- `{t['type']}` {_trigger(t)}".rstrip() + "\n" for t in triggers)
    description = flow.get("description") or ""
    return (
        f"# {flow['name']} (version {version})\n\n"
        + (f"{description}\n\n" if description else "")
        + f"Flow `{flow['id']}` exported from Jewelia as a {_name(language)} program that uses\n"
        "the official SDK. It performs the flow's steps against your business's API and prints\n"
        "each step's output as JSON, so you can compare it with a run in Jewelia.\n\n"
        + RUN[language]
        + _secrets(definition)
        + "\n## The trigger\n\nIn Jewelia this version starts on:\n\n"
        + (trigger_text or "- (no trigger)\n")
        + "\nHere every trigger is a JSON payload given on the command line (a file, or `-` for\n"
        "stdin): what the webhook, schedule, database change or API call would hand the flow.\n\n"
        "## The steps\n\n" + (listed or "(none)\n") + "\n" + SEMANTICS + "\n"
        "## Expressions and templates\n\n" + ENGINES[language] + "\n" + DIFFERENCES
    )


def _secrets(definition: dict[str, Any]) -> str:
    """The secrets the flow references, as the environment variables the program reads."""
    used = sorted(references(definition))
    if not used:
        return ""
    names = "".join(f"- `FLOW_SECRET_{n}` (`{{{{ secrets.{n} }}}}`)\n" for n in used)
    return (
        "\n## Secrets\n\nThe flow's secrets are not exported: set each as an environment"
        " variable\n(the values are those set in Jewelia, which never shows them again):\n\n"
        + names
    )


def _name(language: str) -> str:
    return {"python": "Python", "typescript": "TypeScript"}[language]


def _trigger(trigger: dict[str, Any]) -> str:
    config = trigger.get("config") or {}
    if trigger["type"] == "schedule":
        return f"(cron `{config.get('cron')}`, {config.get('timezone', 'UTC')})"
    if trigger["type"] == "database_change":
        return f"({config.get('resource')}: {', '.join(config.get('operations') or [])})"
    return ""
