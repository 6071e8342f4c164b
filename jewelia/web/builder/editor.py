"""The builder editor's form: a flow configuration laid out as a trigger card and step cards,
read back from the posted fields, and the service's error paths mapped onto those fields.

Every step carries an explicit id in the editor (the default `step_<n>` is filled in when the
draft is opened), so a card keeps its id, and its field names, when steps are reordered.
Containers (branch, for_each) are edited as one JSON field: their nested steps live there.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from jewelia.tenants.builder import definition

# kinds: text, number, select, textarea, json (a JSON object), lines (headers "Name: value").
# `expr` says what the output picker inserts there: "jsonata", "template" or "".
Field = tuple[str, str, str, tuple[str, ...], str]
STEP_FIELDS: dict[str, list[Field]] = {
    "http_request": [
        ("method", "Method", "select", definition.HTTP_METHODS, ""),
        ("url", "URL", "text", (), "template"),
        (
            "headers",
            "Headers (one per line: Name: value; credentials as {{ secrets.NAME }})",
            "lines",
            (),
            "template",
        ),
        ("body", "Body (JSON or text; {{ }} inserts values)", "textarea", (), "template"),
        ("timeoutSeconds", "Timeout (seconds)", "number", (), ""),
    ],
    "database": [
        ("resource", "Resource", "select", definition.RESOURCES, ""),
        ("operation", "Operation", "select", ("find", "create", "update"), ""),
        ("match", "Match (JSON: field to JSONata)", "json", (), "jsonata"),
        ("data", "Data (JSON: field to JSONata or a value)", "json", (), "jsonata"),
        ("limit", "Find at most (records; 100 if empty, up to 1,000)", "number", (), ""),
    ],
    "file": [
        ("operation", "Operation", "select", ("write", "read"), ""),
        ("format", "Format", "select", ("csv", "json", "xlsx"), ""),
        ("name", "File name", "text", (), "template"),
        ("rows", "Rows (JSONata)", "textarea", (), "jsonata"),
    ],
    "notification": [
        ("channel", "Channel", "select", ("email", "slack", "in_app"), ""),
        ("to", "To", "text", (), "template"),
        ("subject", "Subject", "text", (), "template"),
        ("body", "Message", "textarea", (), "template"),
        ("webhookUrl", "Slack webhook URL", "text", (), ""),
    ],
    "transform": [("output", "Output (JSONata)", "textarea", (), "jsonata")],
    "delay": [("seconds", "Seconds", "number", (), "")],
    "branch": [("config", "Branches (JSON; nested steps are edited here)", "json", (), "")],
    "for_each": [("config", "Loop (JSON; nested steps are edited here)", "json", (), "")],
}
TYPE_LABELS = {
    "http_request": "HTTP request",
    "database": "Database",
    "file": "File",
    "notification": "Notification",
    "transform": "Transform",
    "delay": "Delay",
    "branch": "Branch",
    "for_each": "For each",
}
NEW_STEP: dict[str, dict[str, Any]] = {
    "http_request": {"method": "POST", "url": ""},
    "database": {"resource": "customers", "operation": "find", "match": {"email": "trigger.email"}},
    "file": {"operation": "write", "format": "csv", "name": "export.csv", "rows": "trigger"},
    "notification": {"channel": "email", "to": "", "subject": "", "body": ""},
    "transform": {"output": "trigger"},
    "delay": {"seconds": 60},
    "branch": {"branches": [{"if": "true", "actions": []}], "else": []},
    "for_each": {
        "items": "trigger.items",
        "actions": [{"type": "transform", "config": {"output": "item"}}],
    },
}
TRIGGER_LABELS = {
    "webhook": "Webhook",
    "schedule": "Schedule",
    "database_change": "Database change",
    "api_call": "API call",
}
PATH = re.compile(r"^configuration\.(actions|triggers)\[(\d+)\](?:\.(.*))?$")


@dataclass
class EditorState:
    """What the editor shows: the configuration, raw text of fields that did not parse, and
    errors by `<step id>.<field>` (or `trigger.<field>`), plus those no field shows."""

    configuration: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)


def with_ids(configuration: dict[str, Any]) -> dict[str, Any]:
    """A copy where every step (nested ones too) carries its id explicitly."""
    out = copy.deepcopy(configuration)
    for at in definition.steps(out):
        at.step.setdefault("id", at.id)
    return out


def new_step_id(configuration: dict[str, Any], kind: str) -> str:
    """An unused id for a new step of this type (`http_request_2`)."""
    used = {at.id for at in definition.steps(configuration)}
    n = 1
    while f"{kind}_{n}" in used:
        n += 1
    return f"{kind}_{n}"


def new_step(configuration: dict[str, Any], kind: str) -> dict[str, Any]:
    """A new step of this type with a starting configuration to fill in."""
    return {
        "id": new_step_id(configuration, kind),
        "type": kind,
        "config": copy.deepcopy(NEW_STEP[kind]),
    }


def field_text(step: dict[str, Any], name: str, kind: str) -> str:
    """A step config value as its form field shows it."""
    config = step.get("config") or {}
    if name == "config":
        return json.dumps(config, indent=2, ensure_ascii=False)
    value = config.get(name)
    if value is None:
        return ""
    if kind == "lines" and isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if kind == "json" or (name == "body" and not isinstance(value, str)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return str(value)


def trigger_view(configuration: dict[str, Any]) -> dict[str, Any]:
    """The first trigger as the trigger card shows it (either spelling of a database change)."""
    triggers = configuration.get("triggers") or [{"type": "api_call", "config": {}}]
    first = triggers[0] if isinstance(triggers[0], dict) else {}
    config = first.get("config") or {}
    operations = config.get("operations")
    if operations is None and isinstance(config.get("operation"), str):
        operations = [p.strip() for p in config["operation"].split(",")]
    return {
        "type": first.get("type", "api_call"),
        "cron": config.get("cron", ""),
        "timezone": config.get("timezone", "UTC"),
        "resource": config.get("resource") or config.get("table") or "customers",
        "operations": operations if operations is not None else list(definition.OPERATIONS),
        "others": len(triggers) - 1,
    }


def number_or_text(text: str) -> Any:
    """An int or float when the text is one, else the text (the service names the problem)."""
    return _number(text)


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text  # the service names it


def _read_trigger(form: Any, base: list[Any]) -> list[Any]:
    kind = str(form.get("trigger.type") or "api_call")
    config: dict[str, Any] = {}
    if kind == "schedule":
        config = {"cron": str(form.get("trigger.cron") or "").strip()}
        zone = str(form.get("trigger.timezone") or "").strip()
        if zone:
            config["timezone"] = zone
    elif kind == "database_change":
        config = {
            "resource": str(form.get("trigger.resource") or ""),
            "operations": [str(o) for o in form.getall("trigger.operations")]
            if "trigger.operations" in form
            else [],
        }
    return [{"type": kind, "config": config}, *base[1:]]


def _read_step(form: Any, key: str, base: dict[str, Any], state: EditorState) -> dict[str, Any]:
    kind = str(form.get(f"{key}.type") or base.get("type") or "transform")
    step = {k: v for k, v in base.items() if k not in ("config", "if", "name")}
    step.update({"id": key, "type": kind})
    name = str(form.get(f"{key}.name") or "").strip()
    if name:
        step["name"] = name
    condition = str(form.get(f"{key}.if") or "").strip()
    if condition:
        step["if"] = condition
    if f"{key}.onError" in form:
        step["onError"] = str(form.get(f"{key}.onError"))
    attempts = str(form.get(f"{key}.attempts") or "").strip()
    if attempts:
        step["retry"] = {**(base.get("retry") or {}), "attempts": _number(attempts)}
    config: dict[str, Any] = {}
    for name_, _label, fkind, _options, _expr in STEP_FIELDS.get(kind, []):
        text = str(form.get(f"{key}.{name_}") or "")
        stripped = text.strip()
        if not stripped:
            continue
        if fkind == "json":
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError as exc:
                state.raw[f"{key}.{name_}"] = text
                state.errors[f"{key}.{name_}"] = f"Not valid JSON: {exc.msg} (line {exc.lineno})"
                continue
            if name_ == "config":
                config = value if isinstance(value, dict) else {}
                if not isinstance(value, dict):
                    state.raw[f"{key}.config"] = text
                    state.errors[f"{key}.config"] = "Must be a JSON object"
                continue
            config[name_] = value
        elif fkind == "lines":
            headers: dict[str, str] = {}
            for line in stripped.splitlines():
                if line.strip():
                    head, _, value = line.partition(":")
                    headers[head.strip()] = value.strip()
            config[name_] = headers
        elif fkind == "number":
            config[name_] = _number(stripped)
        elif name_ == "body" and kind == "http_request" and stripped[:1] in "{[":
            try:
                config[name_] = json.loads(stripped)
            except ValueError:
                config[name_] = text
        else:
            config[name_] = stripped if fkind != "textarea" else text
    step["config"] = config
    return step


def read_form(form: Any, draft: dict[str, Any]) -> EditorState:
    """The configuration the posted editor describes (steps in the order of their cards); steps
    keep what the form does not show (a retry policy's back-off) from the draft."""
    draft = with_ids(draft)
    by_id = {s.get("id"): s for s in draft.get("actions") or [] if isinstance(s, dict)}
    state = EditorState(configuration={})
    actions = []
    for key in [str(k) for k in form.getall("order")] if "order" in form else []:
        actions.append(_read_step(form, key, by_id.get(key, {}), state))
    state.configuration = {
        "triggers": _read_trigger(form, draft.get("triggers") or []),
        "actions": actions,
    }
    return state


def _names(step: dict[str, Any]) -> set[str]:
    return {f[0] for f in STEP_FIELDS.get(str(step.get("type")), [])}


def map_errors(state: EditorState, errors: list[Any]) -> None:
    """Put the service's field errors (paths into the configuration) on the editor's fields."""
    actions = state.configuration.get("actions") or []
    for error in errors:
        path, message = str(error["field"]), str(error["message"])
        match = PATH.match(path)
        target = None
        if match:
            what, index, rest = match.group(1), int(match.group(2)), match.group(3) or ""
            parts = re.split(r"[.\[]", rest) if rest else []
            if what == "triggers" and index == 0:
                name = (
                    parts[1]
                    if len(parts) > 1 and parts[0] == "config"
                    else (parts[0] if parts else "type")
                )
                target = "trigger." + {"table": "resource", "operation": "operations"}.get(
                    name, name
                )
            elif what == "actions" and index < len(actions):
                step = actions[index]
                key = step.get("id")
                if not parts:
                    target = f"{key}.type"
                elif parts[0] == "config" and step.get("type") in ("branch", "for_each"):
                    target = f"{key}.config"
                elif parts[0] == "config" and len(parts) > 1 and parts[1] in _names(step):
                    target = f"{key}.{parts[1]}"
                elif parts[0] == "retry":
                    target = f"{key}.attempts"
                elif parts[0] in ("if", "name", "onError", "id", "type"):
                    target = f"{key}.{parts[0]}"
                else:
                    target, message = f"{key}.type", f"{rest}: {message}"  # the card's top
        if target:
            state.errors.setdefault(target, message)
        elif not target:
            state.general.append(f"{path.removeprefix('configuration.')}: {message}")
