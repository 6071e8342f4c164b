"""REST controller for /api/v1/analytics/alerts: alert rules (reading needs `read`, changing
them `admin`) and their incidents (listed with `read`; acknowledged or resolved with `write`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.params import Parameter

from jewelia.core.api import Pagination, ok, ok_list, parse_page
from jewelia.core.schemas import given
from jewelia.platform.analytics import alerts
from jewelia.platform.apikeys.guard import ApiAuth

ADMIN = {"permission": "admin"}
PageQ = Annotated[int | None, Parameter(ge=1, le=100_000, description="Page number, from 1")]
LimitQ = Annotated[int | None, Parameter(ge=1, le=100, description="Page size, 1-100 (default 20)")]
Metric = Annotated[
    str,
    msgspec.Meta(
        description="error_rate (% of requests answered 5xx), p95_latency (ms),"
        " request_volume (requests), or hourly_limit_share (% of the plan's hourly limit used"
        " in the current UTC hour)",
        examples=["error_rate"],
    ),
]
Channels = Annotated[
    list[str], msgspec.Meta(description="Any of email, in_app, webhook (alert.triggered)")
]


class AlertRuleCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    metric: Metric
    threshold: Annotated[float, msgspec.Meta(description="Percent, ms or a count, per metric")]
    window_minutes: Annotated[int, msgspec.Meta(description="5-1440: measured over the last N")]
    comparison: Annotated[str, msgspec.Meta(description="above (default) or below")] = "above"
    cooldown_minutes: Annotated[
        int, msgspec.Meta(description="1-10080: notify again at most this often while open")
    ] = 60
    channels: Channels = msgspec.field(default_factory=lambda: list(alerts.CHANNELS))
    enabled: bool = True
    api_key_id: Annotated[UUID | None, msgspec.Meta(description="Only this key's requests")] = None
    route: Annotated[
        str | None, msgspec.Meta(description="Only this route template, e.g. /customers")
    ] = None


class AlertRuleUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    metric: str | msgspec.UnsetType = msgspec.UNSET
    threshold: float | msgspec.UnsetType = msgspec.UNSET
    window_minutes: int | msgspec.UnsetType = msgspec.UNSET
    comparison: str | msgspec.UnsetType = msgspec.UNSET
    cooldown_minutes: int | msgspec.UnsetType = msgspec.UNSET
    channels: list[str] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    api_key_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    route: str | msgspec.UnsetType | None = msgspec.UNSET


class AlertRule(msgspec.Struct):
    id: UUID
    name: str
    metric: str
    comparison: str
    threshold: float
    window_minutes: int
    cooldown_minutes: int
    channels: list[str]
    enabled: bool
    api_key_id: UUID | None
    route: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class AlertIncident(msgspec.Struct):
    id: UUID
    rule_id: UUID
    rule_name: str
    metric: str
    comparison: str
    state: Annotated[str, msgspec.Meta(description="triggered, acknowledged or resolved")]
    value: Annotated[float, msgspec.Meta(description="The metric when it fired")]
    last_value: Annotated[float, msgspec.Meta(description="The metric when last measured")]
    threshold: float
    window_minutes: int
    triggered_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: UUID | None
    resolved_at: datetime | None
    resolved_by: UUID | None
    resolved_automatically: bool
    last_notified_at: datetime | None
    notifications: int


class AlertRuleEnvelope(msgspec.Struct):
    success: bool
    data: AlertRule


class AlertRuleList(msgspec.Struct):
    success: bool
    data: list[AlertRule]
    pagination: Pagination


class AlertIncidentEnvelope(msgspec.Struct):
    success: bool
    data: AlertIncident


class AlertIncidentList(msgspec.Struct):
    success: bool
    data: list[AlertIncident]
    pagination: Pagination


class DeletedAlertRule(msgspec.Struct):
    id: UUID
    deleted: bool


class DeletedAlertRuleEnvelope(msgspec.Struct):
    success: bool
    data: DeletedAlertRule


class AlertController(Controller):
    path = "/analytics/alerts"
    tags = ["Analytics"]

    @get(operation_id="listAlertRules", summary="List alert rules")
    async def list_rules(
        self, auth: ApiAuth, page: PageQ = None, limit: LimitQ = None
    ) -> Response[AlertRuleList]:
        paging = parse_page(page, limit, None)
        rules = await alerts.list_rules(auth.tenant.ref)
        return ok_list(rules[paging.offset : paging.offset + paging.limit], paging, len(rules))

    @post(
        operation_id="createAlertRule",
        summary="Create an alert rule (error rate, p95 latency, volume or hourly limit share)",
        status_code=201,
        opt=ADMIN,
    )
    async def create_rule(
        self, auth: ApiAuth, data: AlertRuleCreate
    ) -> Response[AlertRuleEnvelope]:
        rule = await alerts.create_rule(auth.tenant.ref, given(data), auth.actor)
        return ok(rule, status_code=201)

    @get("/incidents", operation_id="listAlertIncidents", summary="List alert incidents")
    async def list_incidents(
        self,
        auth: ApiAuth,
        page: PageQ = None,
        limit: LimitQ = None,
        incident_state: Annotated[
            str | None,
            Parameter(
                query="state",
                description="open (triggered or acknowledged), triggered, acknowledged or resolved",
            ),
        ] = None,
        rule_id: Annotated[UUID | None, Parameter(description="Only this rule's")] = None,
    ) -> Response[AlertIncidentList]:
        paging = parse_page(page, limit, None)
        rows, total = await alerts.list_incidents(auth.tenant.ref, paging, incident_state, rule_id)
        return ok_list(rows, paging, total)

    @get(
        "/incidents/{incident_id:uuid}",
        operation_id="getAlertIncident",
        summary="Get an alert incident",
    )
    async def get_incident(
        self, auth: ApiAuth, incident_id: UUID
    ) -> Response[AlertIncidentEnvelope]:
        return ok(await alerts.get_incident(auth.tenant.ref, incident_id))

    @post(
        "/incidents/{incident_id:uuid}/acknowledge",
        operation_id="acknowledgeAlertIncident",
        summary="Acknowledge an open incident (no more notifications until it resolves)",
        status_code=200,
    )
    async def acknowledge(
        self, auth: ApiAuth, incident_id: UUID
    ) -> Response[AlertIncidentEnvelope]:
        return ok(await alerts.acknowledge(auth.tenant.ref, incident_id, auth.actor))

    @post(
        "/incidents/{incident_id:uuid}/resolve",
        operation_id="resolveAlertIncident",
        summary="Resolve an open incident (alert.resolved is sent)",
        status_code=200,
    )
    async def resolve(self, auth: ApiAuth, incident_id: UUID) -> Response[AlertIncidentEnvelope]:
        return ok(await alerts.resolve(auth.tenant.ref, incident_id, auth.actor))

    @get("/{rule_id:uuid}", operation_id="getAlertRule", summary="Get an alert rule")
    async def get_rule(self, auth: ApiAuth, rule_id: UUID) -> Response[AlertRuleEnvelope]:
        return ok(await alerts.get_rule(auth.tenant.ref, rule_id))

    @patch(
        "/{rule_id:uuid}",
        operation_id="updateAlertRule",
        summary="Update an alert rule (fields sent)",
        opt=ADMIN,
    )
    async def update_rule(
        self, auth: ApiAuth, rule_id: UUID, data: AlertRuleUpdate
    ) -> Response[AlertRuleEnvelope]:
        return ok(await alerts.update_rule(auth.tenant.ref, rule_id, given(data), auth.actor))

    @delete(
        "/{rule_id:uuid}",
        operation_id="deleteAlertRule",
        summary="Delete an alert rule and its incidents",
        status_code=200,
        opt=ADMIN,
    )
    async def delete_rule(self, auth: ApiAuth, rule_id: UUID) -> Response[DeletedAlertRuleEnvelope]:
        await alerts.delete_rule(auth.tenant.ref, rule_id, auth.actor)
        return ok({"id": rule_id, "deleted": True})
