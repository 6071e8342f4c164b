"""A flow's configuration: its JSON Schema, the checks a schema cannot express, and the
normalised form a published version stores.

The contract's body is `{triggers: [{type, config}], actions: [{type, config}]}`; a step (an
element of `actions`) may also carry an `id`, a `name`, an `if` condition (JSONata), a `retry`
policy and an `onError` route, and the container types `branch` and `for_each` hold steps of
their own. `validate` answers every problem at once as FieldErrors whose field is the path in
the request body (`configuration.actions[1].config.url`); `normalise` fills what a version must
not leave to later defaults (step ids, retry policy, `onError`, the contract's spelling of a
database-change trigger), so a published version means the same thing forever.

Step ids: a step without one is `step_<n>`, n its 1-based position in depth-first document
order over the whole flow (containers before their children); ids are unique in the flow,
defaults included, so an explicit `step_2` on another step than the second is a duplicate.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from croniter import croniter
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.core.outbound import check_url
from jewelia.tenants.builder.engine.actions.database import MATCH_FIELDS, WRITE_FIELDS
from jewelia.tenants.builder.expressions import check_expression, check_template
from jewelia.tenants.builder.secrets import references as secret_references

ROOT = "configuration"
TEMPLATES = (
    "data_sync",
    "new_order_notification",
    "low_stock_alert",
    "order_status_update_to_customer",
    "customer_anniversary_email",
    "metal_price_repricing",
    "webhook_to_crm",
    "daily_sales_report",
)
TRIGGER_TYPES = ("webhook", "schedule", "database_change", "api_call")
ACTION_TYPES = ("http_request", "database", "file", "notification", "transform", "delay")
CONTAINER_TYPES = ("branch", "for_each")
STEP_TYPES = ACTION_TYPES + CONTAINER_TYPES
RESOURCES = ("customers", "inventory", "orders")
OPERATIONS = ("insert", "update", "delete")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
RETRY_ON = ("5xx", "429", "timeout", "network")
DEFAULT_RETRY: dict[str, Any] = {
    "attempts": 1,
    "backoff": "exponential",
    "delaySeconds": 1,
    "retryOn": list(RETRY_ON),
}
MAX_STEPS = 200  # in the whole flow, containers' children included
MAX_DEPTH = 5  # containers inside containers
MAX_TRIGGERS = 10
STEP_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
TAG = re.compile(r"\{[{%#]")  # what makes a string a template (as expressions.render_value)

Schema = dict[str, Any]


def _obj(props: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


def _when(key: str, value: str | tuple[str, ...], then: Schema) -> Schema:
    """`then` applies to the object when its `key` is `value` (or one of the values)."""
    match = {"const": value} if isinstance(value, str) else {"enum": list(value)}
    return {"if": {"properties": {key: match}, "required": [key]}, "then": then}


def _typed(kinds: tuple[str, ...], configs: dict[str, Schema]) -> list[Schema]:
    """For each type, its `config` schema (a step's or a trigger's `type` decides it)."""
    return [_when("type", kind, {"properties": {"config": configs[kind]}}) for kind in kinds]


EXPRESSION: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": 10_000,
    "description": "A JSONata expression",
}
TEMPLATE: Schema = {
    "type": "string",
    "maxLength": 100_000,
    "description": "Text; {{ }} inserts values from the run (Jinja, sandboxed)",
}
NAME: Schema = {"type": "string", "minLength": 1, "maxLength": 255}
URL: Schema = {"type": "string", "minLength": 1, "maxLength": 2000}
FIELD_NAME: Schema = {
    "pattern": "^[a-z][a-z0-9_]{0,62}$",
    "x-message": "A field name is lowercase letters, digits and _",
}
HEADER_NAME: Schema = {
    "pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$",
    "x-message": "A header name is letters, digits and - (no spaces or colons)",
}
RESOURCE: Schema = {"enum": list(RESOURCES)}
STEPS: Schema = {"type": "array", "items": {"$ref": "#/$defs/step"}, "maxItems": 100}

TRIGGER_CONFIGS: dict[str, Schema] = {
    "webhook": _obj({}),
    "api_call": _obj({}),
    "schedule": _obj(
        {
            "cron": {"type": "string", "minLength": 1, "maxLength": 100},
            "timezone": {"type": "string", "minLength": 1, "maxLength": 64},
        },
        ("cron",),
    ),
    # `resource` and `operations`; the contract's example spells them `table` and
    # `operation` ("insert,update"): either spelling, not both.
    "database_change": _obj(
        {
            "resource": RESOURCE,
            "table": RESOURCE,
            "operations": {
                "type": "array",
                "items": {"enum": list(OPERATIONS)},
                "minItems": 1,
                "uniqueItems": True,
            },
            "operation": {
                "type": "string",
                "pattern": "^ *(insert|update|delete)( *, *(insert|update|delete))* *$",
                "x-message": "Operations are insert, update and delete, separated by commas",
            },
        }
    ),
}

STEP_CONFIGS: dict[str, Schema] = {
    "http_request": _obj(
        {
            "method": {"enum": list(HTTP_METHODS)},
            "url": URL,
            "headers": {
                "type": "object",
                "propertyNames": HEADER_NAME,
                "additionalProperties": {"type": "string", "maxLength": 8000},
                "maxProperties": 50,
            },
            "body": {"description": "A template string, or JSON whose strings may hold {{ }}"},
            "timeoutSeconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 30},
        },
        ("method", "url"),
    ),
    "database": _obj(
        {
            "resource": RESOURCE,
            "operation": {"enum": ["find", "create", "update"]},
            "match": {
                "type": "object",
                "propertyNames": FIELD_NAME,
                "additionalProperties": EXPRESSION,
                "minProperties": 1,
                "maxProperties": 20,
            },
            "data": {
                "type": "object",
                "propertyNames": FIELD_NAME,
                "maxProperties": 100,
                "description": "Field to a JSONata expression (a string) or a literal value",
            },
            "limit": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "description": "find: at most this many records (100 by default)",
            },
        },
        ("resource", "operation"),
        allOf=[
            _when("operation", ("find", "update"), {"required": ["match"]}),
            _when("operation", ("create", "update"), {"required": ["data"]}),
        ],
    ),
    "file": _obj(
        {
            "operation": {"enum": ["write", "read"]},
            "format": {"enum": ["csv", "json", "xlsx"]},
            "name": {**TEMPLATE, "minLength": 1, "maxLength": 255},
            "rows": EXPRESSION,
        },
        ("operation", "format", "name"),
        allOf=[_when("operation", "write", {"required": ["rows"]})],
    ),
    "notification": _obj(
        {
            "channel": {"enum": ["email", "in_app", "slack"]},
            "to": {**TEMPLATE, "maxLength": 2000},
            "subject": {**TEMPLATE, "maxLength": 1000},
            "body": {**TEMPLATE, "minLength": 1},
            "webhookUrl": URL,
        },
        ("channel", "body"),
        allOf=[
            _when("channel", "email", {"required": ["to"]}),
            _when("channel", "slack", {"required": ["webhookUrl"]}),
        ],
    ),
    "transform": _obj({"output": EXPRESSION}, ("output",)),
    "delay": _obj(
        {"seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 86_400}}, ("seconds",)
    ),
    "branch": _obj(
        {
            "branches": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": _obj({"if": EXPRESSION, "actions": STEPS}, ("if", "actions")),
            },
            "else": STEPS,
        },
        ("branches",),
    ),
    "for_each": _obj(
        {
            "items": EXPRESSION,
            "actions": {**STEPS, "minItems": 1},
            "maxItems": {"type": "integer", "minimum": 1, "maximum": 1000},
        },
        ("items", "actions"),
    ),
}

RETRY: Schema = _obj(
    {
        "attempts": {"type": "integer", "minimum": 1, "maximum": 10},
        "backoff": {"enum": ["exponential", "fixed"]},
        "delaySeconds": {"type": "number", "minimum": 0.1, "maximum": 3600},
        "retryOn": {
            "type": "array",
            "items": {"enum": list(RETRY_ON)},
            "minItems": 1,
            "uniqueItems": True,
        },
    }
)

SCHEMA: Schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Flow configuration",
    "type": "object",
    "properties": {
        "triggers": {
            "type": "array",
            "items": {"$ref": "#/$defs/trigger"},
            "minItems": 1,
            "maxItems": MAX_TRIGGERS,
        },
        "actions": {**STEPS, "minItems": 1},
    },
    "required": ["triggers", "actions"],
    "additionalProperties": False,
    "$defs": {
        "trigger": _obj(
            {"type": {"enum": list(TRIGGER_TYPES)}, "config": {"type": "object"}},
            ("type", "config"),
            allOf=_typed(TRIGGER_TYPES, TRIGGER_CONFIGS),
        ),
        "step": _obj(
            {
                "id": {
                    "type": "string",
                    "pattern": f"^{STEP_ID.pattern}$",
                    "x-message": "A step id is a lowercase letter, then up to 39 lowercase"
                    " letters, digits or _",
                },
                "name": {"type": "string", "maxLength": 200},
                "type": {"enum": list(STEP_TYPES)},
                "config": {"type": "object"},
                "if": EXPRESSION,
                "retry": RETRY,
                "onError": {"enum": ["stop", "continue"]},
            },
            ("type", "config"),
            allOf=_typed(STEP_TYPES, STEP_CONFIGS),
        ),
    },
}
Draft202012Validator.check_schema(SCHEMA)
_VALIDATOR = Draft202012Validator(SCHEMA)


# --- walking a configuration ---------------------------------------------------------------


@dataclass(frozen=True)
class StepAt:
    """A step found in a configuration: its path, its (default or given) id, its depth."""

    path: str
    step: dict[str, Any]
    id: str
    depth: int


def _children(path: str, step: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """The step lists a container holds, with their paths."""
    config = step.get("config")
    if not isinstance(config, dict):
        return
    if step.get("type") == "branch":
        branches = config.get("branches")
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict) and isinstance(branch.get("actions"), list):
                yield f"{path}.config.branches[{i}].actions", branch["actions"]
        if isinstance(config.get("else"), list):
            yield f"{path}.config.else", config["else"]
    elif step.get("type") == "for_each" and isinstance(config.get("actions"), list):
        yield f"{path}.config.actions", config["actions"]


def steps(configuration: Any, root: str = ROOT) -> list[StepAt]:
    """Every step of a configuration in depth-first document order, with its id (the given
    one, else `step_<n>`). Tolerates malformed input: non-objects are skipped."""
    found: list[StepAt] = []

    def walk(path: str, items: list[Any], depth: int) -> None:
        for i, step in enumerate(items):
            if not isinstance(step, dict):
                continue
            here = f"{path}[{i}]"
            given = step.get("id")
            found.append(
                StepAt(
                    here, step, given if isinstance(given, str) else f"step_{len(found) + 1}", depth
                )
            )
            for child_path, child in _children(here, step):
                walk(child_path, child, depth + 1)

    actions = configuration.get("actions") if isinstance(configuration, dict) else None
    if isinstance(actions, list):
        walk(f"{root}.actions", actions, 1)
    return found


def expressions(configuration: Any, root: str = ROOT) -> list[tuple[str, str]]:
    """(path, JSONata expression) for every expression in a configuration."""
    found: list[tuple[str, str]] = []

    def add(path: str, value: Any) -> None:
        if isinstance(value, str):
            found.append((path, value))

    for at in steps(configuration, root):
        step, config = at.step, at.step.get("config")
        add(f"{at.path}.if", step.get("if"))
        if not isinstance(config, dict):
            continue
        kind = step.get("type")
        if kind == "transform":
            add(f"{at.path}.config.output", config.get("output"))
        elif kind == "for_each":
            add(f"{at.path}.config.items", config.get("items"))
        elif kind == "file":
            add(f"{at.path}.config.rows", config.get("rows"))
        elif kind == "branch" and isinstance(config.get("branches"), list):
            for i, branch in enumerate(config["branches"]):
                if isinstance(branch, dict):
                    add(f"{at.path}.config.branches[{i}].if", branch.get("if"))
        elif kind == "database":
            for key in ("match", "data"):  # strings in `data` are expressions too
                if isinstance(config.get(key), dict):
                    for name, value in config[key].items():
                        add(f"{at.path}.config.{key}.{name}", value)
    return found


def _template_strings(path: str, value: Any, found: list[tuple[str, str]]) -> None:
    """The strings of a JSON body that hold a tag (rendered as templates when sent)."""
    if isinstance(value, str):
        if TAG.search(value):
            found.append((path, value))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _template_strings(f"{path}[{i}]", item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _template_strings(f"{path}.{key}", item, found)


def templates(configuration: Any, root: str = ROOT) -> list[tuple[str, str]]:
    """(path, `{{ }}` template) for every text a run renders: an HTTP request's URL, header
    values and body (a string, or each string of a JSON body that holds a tag), a file's name,
    a notification's recipient, subject and body."""
    found: list[tuple[str, str]] = []
    for at in steps(configuration, root):
        config, kind = at.step.get("config"), at.step.get("type")
        if not isinstance(config, dict):
            continue
        here = f"{at.path}.config"
        names: tuple[str, ...] = ()
        if kind == "http_request":
            if isinstance(config.get("url"), str):
                found.append((f"{here}.url", config["url"]))
            if isinstance(config.get("headers"), dict):
                for key, value in config["headers"].items():
                    if isinstance(value, str):
                        found.append((f"{here}.headers.{key}", value))
            body = config.get("body")
            if isinstance(body, str):
                found.append((f"{here}.body", body))
            else:
                _template_strings(f"{here}.body", body, found)
        elif kind == "file":
            names = ("name",)
        elif kind == "notification":
            names = ("to", "subject", "body")
        for name in names:
            if isinstance(config.get(name), str):
                found.append((f"{here}.{name}", config[name]))
    return found


# --- validation ----------------------------------------------------------------------------


def _path(root: str, parts: Any) -> str:
    out = root
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _bounds(schema: Schema) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    above = "more than" if "exclusiveMinimum" in schema else "at least"
    if low is not None and high is not None:
        return f"Must be {above} {low} and at most {high}"
    return f"Must be {above} {low}" if low is not None else f"Must be at most {high}"


def _schema_errors(error: ValidationError, root: str) -> list[FieldError]:
    """One jsonschema error as our field errors (some name several fields)."""
    kind, schema, where = error.validator, error.schema, list(error.absolute_path)
    field = _path(root, where)
    if not isinstance(schema, dict):
        return [FieldError(field, error.message, "INVALID")]
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in error.validator_value if name not in instance]
        return [
            FieldError(f"{field}.{name}", f"{name} is required", "REQUIRED") for name in missing
        ]
    if kind == "additionalProperties":
        known = schema.get("properties", {})
        extra = (
            [k for k in error.instance if k not in known]
            if isinstance(error.instance, dict)
            else []
        )
        return [
            FieldError(f"{field}.{name}", f"Unknown field {name!r}", "UNKNOWN_FIELD")
            for name in extra
        ]
    if "propertyNames" in error.schema_path:
        name = str(error.instance)[:100]
        message = schema.get("x-message", error.message)
        return [FieldError(f"{field}.{name}", message, "INVALID_FORMAT")]
    if kind == "type":
        wanted = error.validator_value
        words = " or ".join(
            _TYPE_WORDS.get(str(t), str(t))
            for t in (wanted if isinstance(wanted, list) else [wanted])
        )
        return [FieldError(field, f"Must be {words}", "INVALID_TYPE")]
    if kind in ("enum", "const"):
        values = error.validator_value if kind == "enum" else [error.validator_value]
        shown = str(error.instance)[:100] if isinstance(error.instance, str) else "This value"
        message = f"{shown!r} is not allowed: use one of {', '.join(map(str, values))}"
        if not isinstance(error.instance, str):
            message = f"Must be one of {', '.join(map(str, values))}"
        return [FieldError(field, message, "INVALID_CHOICE")]
    if kind == "pattern":
        return [FieldError(field, schema.get("x-message", error.message), "INVALID_FORMAT")]
    if kind == "minLength":
        if error.validator_value == 1:
            return [FieldError(field, "Must not be empty", "REQUIRED")]
        return [FieldError(field, f"At least {error.validator_value} characters", "TOO_SHORT")]
    if kind == "maxLength":
        return [FieldError(field, f"At most {error.validator_value} characters", "TOO_LONG")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [FieldError(field, _bounds(schema), "OUT_OF_RANGE")]
    if kind in ("minItems", "minProperties"):
        noun = "item" if kind == "minItems" else "field"
        count = error.validator_value
        message = f"Needs at least {count} {noun}{'' if count == 1 else 's'}"
        return [FieldError(field, message, "TOO_SHORT")]
    if kind in ("maxItems", "maxProperties"):
        return [FieldError(field, f"At most {error.validator_value} allowed", "TOO_MANY")]
    if kind == "uniqueItems":
        return [FieldError(field, "Values must not repeat", "DUPLICATE")]
    return [FieldError(field, error.message[:300], "INVALID")]


def _check_url(field: str, url: Any, errors: list[FieldError]) -> None:
    """A URL we will send to: http(s), and (without templates) past the SSRF guard's check.
    A URL that holds `{{ }}` is checked at send time, where the guard runs on every request."""
    if not isinstance(url, str) or not url:
        return
    head = url.split("{{", 1)[0]
    if "{{" in url:
        if head and not any(
            head.startswith(p) or p.startswith(head) for p in ("http://", "https://")
        ):
            errors.append(FieldError(field, "URL must be http:// or https://", "INVALID_URL"))
        return
    try:
        parts = httpx.URL(url)
        shaped = parts.scheme in ("http", "https") and bool(parts.host)
    except (httpx.InvalidURL, TypeError, ValueError):
        shaped = False
    if not shaped:
        errors.append(
            FieldError(field, "Not a valid URL: use http:// or https:// with a host", "INVALID_URL")
        )
        return
    try:
        check_url(url, field)
    except ValidationFailed as exc:
        errors.extend(exc.errors)


def _check_trigger(path: str, trigger: Any, errors: list[FieldError]) -> None:
    if not isinstance(trigger, dict) or not isinstance(trigger.get("config"), dict):
        return
    config, kind = trigger["config"], trigger.get("type")
    if kind == "schedule":
        cron, zone = config.get("cron"), config.get("timezone")
        if isinstance(cron, str) and cron.strip():
            fields = len(cron.split())
            if (fields != 5 and not cron.startswith("@")) or not croniter.is_valid(cron):
                errors.append(
                    FieldError(
                        f"{path}.config.cron",
                        f"{cron[:100]!r} is not a cron expression (five fields: minute hour"
                        " day-of-month month day-of-week, e.g. 0 9 * * *, or @daily)",
                        "INVALID_CRON",
                    )
                )
        if isinstance(zone, str) and zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                errors.append(
                    FieldError(
                        f"{path}.config.timezone",
                        f"Unknown time zone {zone[:64]!r}: use an IANA name such as"
                        " Europe/Paris or UTC",
                        "UNKNOWN_TIMEZONE",
                    )
                )
    elif kind == "database_change":
        for new, old in (("resource", "table"), ("operations", "operation")):
            if new in config and old in config:
                errors.append(
                    FieldError(f"{path}.config.{old}", f"Give {new} or {old}, not both", "INVALID")
                )
        if "resource" not in config and "table" not in config:
            errors.append(FieldError(f"{path}.config.resource", "resource is required", "REQUIRED"))


def _check_steps(configuration: Any, errors: list[FieldError]) -> None:
    found = steps(configuration)
    if len(found) > MAX_STEPS:
        errors.append(
            FieldError(f"{ROOT}.actions", f"At most {MAX_STEPS} steps in a flow", "TOO_MANY")
        )
    first: dict[str, str] = {}
    for at in found:
        if at.depth > MAX_DEPTH:
            errors.append(
                FieldError(
                    at.path, f"Containers nest at most {MAX_DEPTH - 1} levels deep", "TOO_DEEP"
                )
            )
        if at.id in first:
            errors.append(
                FieldError(
                    f"{at.path}.id",
                    f"Step id {at.id!r} is already used by {first[at.id]}",
                    "DUPLICATE",
                )
            )
        else:
            first[at.id] = at.path if "id" in at.step else f"{at.path} (its default id)"
        config = at.step.get("config")
        if not isinstance(config, dict):
            continue
        if at.step.get("type") == "http_request":
            _check_url(f"{at.path}.config.url", config.get("url"), errors)
        elif at.step.get("type") == "notification" and "webhookUrl" in config:
            _check_url(f"{at.path}.config.webhookUrl", config.get("webhookUrl"), errors)
        elif at.step.get("type") == "database":
            _check_database_fields(f"{at.path}.config", config, errors)


def _check_database_fields(path: str, config: dict[str, Any], errors: list[FieldError]) -> None:
    """The fields a database step matches on and writes exist for its resource and operation
    (else every run would fail on them)."""
    resource, operation = config.get("resource"), config.get("operation")
    if resource not in MATCH_FIELDS or operation not in ("find", "create", "update"):
        return
    allowed = {"match": MATCH_FIELDS[resource], "data": WRITE_FIELDS.get((resource, operation))}
    for part, fields in allowed.items():
        given = config.get(part)
        if not isinstance(given, dict) or fields is None:
            continue
        for name in given:
            if name not in fields:
                errors.append(
                    FieldError(
                        f"{path}.{part}.{name}",
                        f"{operation} {resource} {'matches on' if part == 'match' else 'takes'}"
                        f" {', '.join(fields)}; not {name}",
                        "UNKNOWN_FIELD",
                    )
                )


def secret_problems(configuration: Any, known: set[str], root: str = ROOT) -> list[FieldError]:
    """UNKNOWN_SECRET for each `{{ secrets.NAME }}` whose NAME the flow does not have, at the
    path of the text referencing it (e.g. `configuration.actions[0].config.headers.X`)."""
    found = templates(configuration, root)
    for at in steps(configuration, root):
        config = at.step.get("config")
        if at.step.get("type") == "notification" and isinstance(config, dict):
            if isinstance(config.get("webhookUrl"), str):
                found.append((f"{at.path}.config.webhookUrl", config["webhookUrl"]))
    errors = []
    for path, text in found:
        for name in sorted(secret_references(text) - known):
            errors.append(
                FieldError(
                    path,
                    f"The flow has no secret named {name}: set it with PUT"
                    f" /integrations/builder/{{id}}/secrets/{name}",
                    "UNKNOWN_SECRET",
                )
            )
    return errors


def _check_expressions(configuration: Any, errors: list[FieldError]) -> None:
    """JSONata syntax of every expression and `{{ }}` syntax of every template, as the run
    would compile them (expressions.check_expression / check_template)."""
    for path, expression in expressions(configuration):
        problem = check_expression(expression) if expression else None  # "": REQUIRED
        if problem:
            errors.append(
                FieldError(path, f"Not a valid JSONata expression: {problem}", "EXPRESSION_INVALID")
            )
    for path, template in templates(configuration):
        problem = check_template(template)
        if problem:
            errors.append(
                FieldError(path, f"Not a valid template: {problem}", "EXPRESSION_INVALID")
            )


def problems(configuration: Any, root: str = ROOT) -> list[FieldError]:
    """Every problem of a configuration (empty when it is valid), fields named by path."""
    errors: list[FieldError] = []
    for error in _VALIDATOR.iter_errors(configuration):
        errors.extend(_schema_errors(error, root))
    if isinstance(configuration, dict):
        triggers = configuration.get("triggers")
        for i, trigger in enumerate(triggers if isinstance(triggers, list) else []):
            _check_trigger(f"{root}.triggers[{i}]", trigger, errors)
        _check_steps(configuration, errors)
        _check_expressions(configuration, errors)
    unique: dict[tuple[str, str, str], FieldError] = {}
    for e in errors:
        unique.setdefault((e["field"], e["message"], e["code"]), e)
    return list(unique.values())


def validate(configuration: Any) -> dict[str, Any]:
    """The configuration, or ValidationFailed listing every problem."""
    errors = problems(configuration)
    if errors:
        raise ValidationFailed(errors, "The flow's configuration is not valid")
    return configuration  # type: ignore[no-any-return]


# --- the normalised form a version stores -----------------------------------------------


def _normal_trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    out = {"type": trigger["type"], "config": dict(trigger["config"])}
    config = out["config"]
    if trigger["type"] == "database_change":
        if "table" in config:
            config["resource"] = config.pop("table")
        if "operation" in config:
            named = [p.strip() for p in config.pop("operation").split(",")]
            config["operations"] = list(dict.fromkeys(named))
        config.setdefault("operations", list(OPERATIONS))
    elif trigger["type"] == "schedule":
        config.setdefault("timezone", "UTC")
    return out


def normalise(configuration: dict[str, Any]) -> dict[str, Any]:
    """A valid configuration as a version stores it: every step with its id, `onError` and a
    full retry policy; database-change triggers as `resource` and `operations` (all three by
    default); schedules with their time zone (UTC by default)."""
    out = copy.deepcopy(configuration)
    out["triggers"] = [_normal_trigger(t) for t in out["triggers"]]
    for at in steps(out):
        step = at.step
        step.setdefault("id", at.id)
        step.setdefault("onError", "stop")
        step["retry"] = {**DEFAULT_RETRY, **(step.get("retry") or {})}
    return out
