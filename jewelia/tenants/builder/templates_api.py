"""REST controller for the builder's flow templates: the list (name, title, description,
category, trigger, settings) and one template with its configuration. A flow starts from one
with `POST /integrations/builder` `{name, template, settings?}` and no configuration."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get

from jewelia.core.api import ok
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.tenants.builder import flow_templates
from jewelia.tenants.builder.schemas import Configuration


class TemplateSetting(msgspec.Struct):
    """A value the user fills; `${key}` in the template's configuration is where it goes.
    type: url, email, number, text, cron or timezone."""

    key: str
    label: str
    type: str
    default: Any
    description: str
    example: Any = None


class FlowTemplateSummary(msgspec.Struct):
    name: str
    title: str
    description: str
    category: str
    trigger: str
    settings: list[TemplateSetting]


class FlowTemplate(msgspec.Struct):
    """A template with its configuration, the settings at their defaults."""

    name: str
    title: str
    description: str
    category: str
    trigger: str
    settings: list[TemplateSetting]
    configuration: Configuration


class FlowTemplateList(msgspec.Struct):
    success: bool
    data: list[FlowTemplateSummary]


class FlowTemplateEnvelope(msgspec.Struct):
    success: bool
    data: FlowTemplate


class FlowTemplateController(Controller):
    path = "/integrations/builder/templates"
    tags = ["Integration builder"]

    @get(operation_id="listFlowTemplates", summary="The flow templates, with their settings")
    async def list_templates(self, auth: ApiAuth) -> Response[FlowTemplateList]:
        return ok(flow_templates.list_templates())

    @get(
        "/{name:str}",
        operation_id="getFlowTemplate",
        summary="One flow template with its configuration (settings at their defaults)",
    )
    async def get_template(self, auth: ApiAuth, name: str) -> Response[FlowTemplateEnvelope]:
        return ok(flow_templates.get_template(name))
