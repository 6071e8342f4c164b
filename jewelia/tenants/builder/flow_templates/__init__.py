"""The builder's eight flow templates (definition.TEMPLATES): ready-made configurations a flow
starts from, each with the settings a user fills and a fixture that shows it working.

    list_templates() -> list[dict]            name, title, description, category, trigger,
                                              settings (no configuration)
    get_template(name) -> dict                the same with `configuration` (defaults filled in)
    configure(name, settings) -> dict         the configuration with the user's settings
    fixture(name) -> dict                     fixtures/<name>.json, parsed

Settings. A template's configuration holds `${key}` where a setting goes. A string that is
exactly `${key}` becomes the setting's value with its type (a number stays a number);
anywhere else the value's text is inserted (into a URL, a template or a JSONata expression, so
values are checked by type first: `url` http(s), `email` one address, `number` from 0 to 10^9,
`text` letters, digits, spaces and - _ . , & ! only, `cron` and `timezone` as the schedule's).
A setting left out takes its default; the result is validated like any flow.

Fixtures (plain JSON, read by tests and by the code generator's tests):

    {
      "template": "<name>",
      "settings": {<key>: <value>},          the settings the test uses
      "setup": {"customers": [{"ref": "ada", <API create fields>}],
                "inventory": [{"ref": "ring", ...}],
                "orders": [{"ref": "o1", "customer": "ada",
                            "items": [{"inventory": "ring", "quantity": 1}]}],
                "changes": [{"resource": "orders", "ref": "o1", "data": {...}}]},
      "trigger": {"type": "<trigger type>", "payload": <what the trigger hands the run>},
      "responses": {"GET /path": {"status": 200, "body": <JSON>}},
      "expected": {<step_id>: <subset of the step's output>},
      "effects": {"requests": [{"method", "path", "body": <subset>}],
                  "emails": [{"to", "subject": <text it contains>}]}
    }

Placeholders, in any string of a fixture: `{receiver}` the base URL of a test HTTP server that
answers `responses` for those requests and 200 {"received": true} to any other; `{<ref>.<field>}`
a field of a record made by `setup` (created in order through the CRM services, then `changes`
applied; the trigger payload is what the trigger makes of the last of them); `{today}` the UTC
date (YYYY-MM-DD); `{today:<year>}` today's month and day in that year; `{unique}` a token made
once per test run (emails and SKUs in it never collide with other tests'). A string that is
exactly a placeholder takes the value's type. Matching `expected`: an object matches when each
of its keys matches, a list when it has the same length and each item matches, anything else
when equal. `effects.requests` are the requests the receiver got (in order), `effects.emails`
the mail outbox rows for those addresses.
"""

from __future__ import annotations

import copy
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.core.validation import Checker
from jewelia.tenants.builder import definition
from jewelia.tenants.builder.flow_templates.catalog import TEMPLATES, Template

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = re.compile(r"\$\{([a-z_]+)\}")
TEXT = re.compile(r"[\w .,&!-]{1,80}")
NUMBER_MAX = 1_000_000_000
_BY_NAME = {t["name"]: t for t in TEMPLATES}

__all__ = ["configure", "fixture", "get_template", "list_templates", "template_names"]


def template_names() -> list[str]:
    """The eight names, in the catalog's order (definition.TEMPLATES's)."""
    return [t["name"] for t in TEMPLATES]


def _trigger(template: Template) -> str:
    return str(template["configuration"]["triggers"][0]["type"])


def _summary(template: Template) -> dict[str, Any]:
    return {
        "name": template["name"],
        "title": template["title"],
        "description": template["description"],
        "category": template["category"],
        "trigger": _trigger(template),
        "settings": copy.deepcopy(template["settings"]),
    }


def list_templates() -> list[dict[str, Any]]:
    """Every template without its configuration (the builder's picker)."""
    return [_summary(t) for t in TEMPLATES]


def get_template(name: str) -> dict[str, Any]:
    """One template with its configuration (settings at their defaults), or NotFound."""
    template = _BY_NAME.get(name)
    if template is None:
        raise NotFound(f"No flow template named {name[:60]!r}")
    return {**_summary(template), "configuration": _default_configuration(name)}


@cache
def _default_json(name: str) -> str:
    return json.dumps(configure(name, {}))


def _default_configuration(name: str) -> dict[str, Any]:
    return json.loads(_default_json(name))  # type: ignore[no-any-return]


def _checked(setting: dict[str, Any], value: Any, check: Checker, field: str) -> Any:
    """The value as the setting's type allows it (errors added to `check`)."""
    kind = setting["type"]
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.add(field, f"{setting['key']} must be a number", "INVALID_TYPE")
        elif not (math.isfinite(value) and 0 <= value <= NUMBER_MAX):
            check.add(field, f"{setting['key']} must be from 0 to {NUMBER_MAX}", "OUT_OF_RANGE")
        else:
            return int(value) if float(value).is_integer() else round(float(value), 6)
        return None
    if not isinstance(value, str) or not value.strip():
        check.add(field, f"{setting['key']} must be a non-empty text", "INVALID_TYPE")
        return None
    value = value.strip()
    if kind == "email":
        return check.email(field, value)
    if kind == "url" and not value.lower().startswith(("http://", "https://")):
        check.add(field, "URL must be http:// or https://", "INVALID_URL")
    if kind == "text" and not TEXT.fullmatch(value):
        check.add(
            field,
            "Use up to 80 letters, digits, spaces and - _ . , & ! (no quotes or braces)",
            "INVALID_FORMAT",
        )
    if len(value) > 2000:
        check.add(field, "At most 2000 characters", "TOO_LONG")
    return value


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _substitute(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = TOKEN.fullmatch(value)
        if whole:
            return values[whole.group(1)]
        return TOKEN.sub(lambda m: _text(values[m.group(1)]), value)
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    return value


def configure(name: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The template's configuration with `settings` put in (defaults for those not given), or
    ValidationFailed naming `settings.<key>` (or the configuration's path) for each problem."""
    template = _BY_NAME.get(name)
    if template is None:
        raise NotFound(f"No flow template named {name[:60]!r}")
    given = settings or {}
    check = Checker()
    if not isinstance(given, dict):
        raise ValidationFailed([FieldError("settings", "Must be an object", "INVALID_TYPE")])
    known = {s["key"]: s for s in template["settings"]}
    for key in given:
        if key not in known:
            check.add(
                f"settings.{str(key)[:60]}",
                f"{name} has no setting {str(key)[:60]!r} (it has: {', '.join(known) or 'none'})",
                "UNKNOWN_FIELD",
            )
    values = {
        key: _checked(s, given.get(key, s["default"]), check, f"settings.{key}")
        for key, s in known.items()
    }
    check.raise_if_any()
    configuration = _substitute(copy.deepcopy(template["configuration"]), values)
    errors = definition.problems(configuration)
    if errors:
        raise ValidationFailed(errors, f"The settings do not make a valid {name} flow")
    return configuration  # type: ignore[no-any-return]


def fixture(name: str) -> dict[str, Any]:
    """A template's fixture (see the module's docstring), or NotFound."""
    if name not in _BY_NAME:
        raise NotFound(f"No flow template named {name[:60]!r}")
    return json.loads((FIXTURES / f"{name}.json").read_text())  # type: ignore[no-any-return]
