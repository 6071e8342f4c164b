"""The flow builder page's form model: a configuration shown as fields and read back, the
service's error paths put on the right field, and the picker's paths in both languages."""

from __future__ import annotations

from typing import Any

from multidict import MultiDict

from jewelia.core.errors import FieldError
from jewelia.tenants.builder import definition
from jewelia.web.builder import editor
from jewelia.web.builder.runs import pick_fields

CONFIG: dict[str, Any] = {
    "triggers": [
        {"type": "database_change", "config": {"table": "customers", "operation": "insert"}}
    ],
    "actions": [
        {
            "type": "http_request",
            "config": {
                "method": "POST",
                "url": "https://crm.example.com/in",
                "headers": {"X-Key": "{{ trigger.id }}"},
                "body": {"email": "{{ trigger.data.email }}"},
            },
            "retry": {"attempts": 3, "backoff": "fixed"},
        },
        {
            "type": "for_each",
            "config": {
                "items": "trigger.data.tags",
                "actions": [{"type": "transform", "config": {"output": "item"}}],
            },
        },
    ],
}


def _as_form(configuration: dict[str, Any]) -> MultiDict[str]:
    """The editor's fields for a configuration, as the browser posts them."""
    shown = editor.with_ids(configuration)
    trigger = editor.trigger_view(shown)
    form: MultiDict[str] = MultiDict(
        {"trigger.type": trigger["type"], "trigger.resource": trigger["resource"]}
    )
    for op in trigger["operations"]:
        form.add("trigger.operations", op)
    for step in shown["actions"]:
        key = step["id"]
        form.add("order", key)
        form.add(f"{key}.type", step["type"])
        form.add(f"{key}.onError", step.get("onError", "stop"))
        if step.get("retry"):
            form.add(f"{key}.attempts", str(step["retry"]["attempts"]))
        for name, _label, kind, _options, _expr in editor.STEP_FIELDS[step["type"]]:
            form.add(f"{key}.{name}", editor.field_text(step, name, kind))
    return form


def test_fields_read_back_to_the_same_configuration() -> None:
    state = editor.read_form(_as_form(CONFIG), CONFIG)
    assert state.errors == {} and definition.problems(state.configuration) == []
    first, loop = state.configuration["actions"]
    assert first["id"] == "step_1" and loop["id"] == "step_2"
    assert first["config"] == CONFIG["actions"][0]["config"]
    assert first["retry"] == {"attempts": 3, "backoff": "fixed"}  # the unshown part kept
    assert loop["config"]["actions"][0]["id"] == "step_3"  # nested ids made explicit
    assert state.configuration["triggers"] == [
        {"type": "database_change", "config": {"resource": "customers", "operations": ["insert"]}}
    ]
    assert definition.normalise(state.configuration)["actions"][0]["id"] == "step_1"


def test_reordered_cards_keep_their_ids() -> None:
    form = _as_form(CONFIG)
    order = form.getall("order")
    form.popall("order")
    for key in reversed(order):
        form.add("order", key)
    state = editor.read_form(form, CONFIG)
    assert [s["id"] for s in state.configuration["actions"]] == ["step_2", "step_1"]
    assert definition.problems(state.configuration) == []


def test_errors_go_to_their_fields() -> None:
    form = _as_form(CONFIG)
    form["step_1.headers"] = "X-Key: {{ trigger.id"
    form["step_2.config"] = "{broken"
    state = editor.read_form(form, CONFIG)
    assert "Not valid JSON" in state.errors["step_2.config"]
    errors = [
        FieldError("configuration.actions[0].config.url", "bad url", "INVALID_URL"),
        FieldError(
            "configuration.actions[0].config.headers.X-Key", "bad template", "EXPRESSION_INVALID"
        ),
        FieldError(
            "configuration.actions[0].config.extra", "Unknown field 'extra'", "UNKNOWN_FIELD"
        ),
        FieldError("configuration.actions[0].retry.attempts", "too many", "OUT_OF_RANGE"),
        FieldError(
            "configuration.actions[1].config.actions[0].config.output", "bad", "EXPRESSION_INVALID"
        ),
        FieldError("configuration.triggers[0].config.table", "no", "INVALID"),
        FieldError("configuration.triggers", "Needs at least 1 item", "TOO_SHORT"),
    ]
    editor.map_errors(state, errors)
    assert state.errors["step_1.url"] == "bad url"
    assert state.errors["step_1.headers"] == "bad template"
    assert state.errors["step_1.type"] == "config.extra: Unknown field 'extra'"
    assert state.errors["step_1.attempts"] == "too many"
    assert state.errors["step_2.config"].startswith("Not valid JSON")  # the first problem kept
    assert state.errors["trigger.resource"] == "no"
    assert state.general == ["triggers: Needs at least 1 item"]


def test_new_steps_get_unused_ids() -> None:
    configuration = editor.with_ids(CONFIG)
    configuration["actions"].append(editor.new_step(configuration, "transform"))
    assert configuration["actions"][-1]["id"] == "transform_1"
    assert editor.new_step(configuration, "transform")["id"] == "transform_2"


def test_picker_paths_in_both_languages() -> None:
    runs = [
        {
            "trigger_payload": {"data": {"e-mail": "a@b.c", "items": [{"sku": "R1"}]}},
            "steps": [
                {"step_id": "s1", "step_path": "s1", "output": {"status": 200}},
                {"step_id": "t", "step_path": "loop.0.t", "output": {"x": 1}},
            ],
        }
    ]
    picks = pick_fields(runs)
    pairs = {p["jsonata"]: p["template"] for group in picks.values() for p in group}
    assert pairs["trigger.data.`e-mail`"] == '{{ trigger.data["e-mail"] }}'
    assert pairs["trigger.data.items"] == '{{ trigger.data["items"] }}'
    assert pairs["trigger.data.items[0].sku"] == '{{ trigger.data["items"][0].sku }}'
    assert pairs["steps.s1.output.status"] == "{{ steps.s1.output.status }}"
    assert "t" not in picks  # a step inside a loop is not a field of the flow's own level
