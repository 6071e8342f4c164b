"""Builder flow request and response structs: the contract's field names (`name, description,
template, configuration, isActive`; PUT carries `id` in the body), snake_case for our own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from jewelia.core.api import Pagination

CONFIGURATION_DOC = (
    "`{triggers: [{type, config}], actions: [{type, config}]}`. Trigger types: webhook,"
    " schedule ({cron, timezone}), database_change ({resource, operations}), api_call. A step"
    " (an element of actions) is {id?, name?, type, config, if?, retry?, onError?}; types:"
    " http_request, database, file, notification, transform, delay, and the containers branch"
    " and for_each. Problems are reported with their path, e.g."
    " configuration.actions[1].config.url."
)

Configuration = Annotated[dict[str, Any], msgspec.Meta(description=CONFIGURATION_DOC)]
Settings = Annotated[
    dict[str, Any],
    msgspec.Meta(
        description="A template's settings by key (GET /integrations/builder/templates lists"
        " them); those left out take their defaults"
    ),
]
Threshold = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=1000,
        description="Consecutive failed runs before the owners and admins are emailed"
        " (alertAfterFailures, default 3) or the flow is switched off (pauseAfterFailures,"
        " default 10; pausedReason and pausedAt then say why and when)",
    ),
]


class FlowCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new flow; `configuration` becomes its draft. With `isActive` true the draft is also
    published as version 1, so the flow runs at once. With a `template` and no configuration,
    the draft is the template's configuration with `settings` put in."""

    name: str
    configuration: Configuration | None = None
    description: str | None = ""
    template: str | None = None
    isActive: bool = False
    settings: Settings | None = None
    alertAfterFailures: Threshold | None = None
    pauseAfterFailures: Threshold | None = None


class FlowUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """The flow `id` and the fields to change. `configuration` edits the draft (the keys sent
    replace the draft's: `{actions: [...]}` keeps the triggers); publish to run it."""

    id: UUID
    name: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType | None = msgspec.UNSET
    template: str | msgspec.UnsetType | None = msgspec.UNSET
    configuration: Configuration | msgspec.UnsetType = msgspec.UNSET
    isActive: bool | msgspec.UnsetType = msgspec.UNSET
    alertAfterFailures: Threshold | msgspec.UnsetType = msgspec.UNSET
    pauseAfterFailures: Threshold | msgspec.UnsetType = msgspec.UNSET


class FlowActor(msgspec.Struct):
    """Who did it: a user, an API key (its prefix as the label) or the system."""

    type: str
    id: UUID | None
    label: str


class FlowWebhook(msgspec.Struct):
    """A flow's webhook URL and signing secret (`whsec_…`), shown only when minted: on the first
    publish of a version with a webhook trigger (and by rotateFlowWebhook)."""

    url: str
    secret: str


class Flow(msgspec.Struct):
    id: UUID
    name: str
    description: str
    template: str | None
    configuration: Configuration
    isActive: bool
    published_version: int | None
    alertAfterFailures: int
    pauseAfterFailures: int
    pausedReason: str | None
    pausedAt: datetime | None
    created_by: FlowActor
    created_at: datetime
    updated_at: datetime
    webhookUrl: str | None = None
    webhookSecretPreview: str | None = None
    webhook: FlowWebhook | None = None


class FlowEnvelope(msgspec.Struct):
    success: bool
    data: Flow


class FlowList(msgspec.Struct):
    success: bool
    data: list[Flow]
    pagination: Pagination


class FlowVersion(msgspec.Struct):
    """A published version: immutable, its configuration normalised (every step with its id,
    retry policy and onError)."""

    id: UUID
    flow_id: UUID
    number: int
    configuration: dict[str, Any]
    published_by: FlowActor
    published_at: datetime
    webhook: FlowWebhook | None = None


class FlowVersionEnvelope(msgspec.Struct):
    success: bool
    data: FlowVersion


class FlowVersionList(msgspec.Struct):
    success: bool
    data: list[FlowVersion]
    pagination: Pagination


class DeletedFlow(msgspec.Struct):
    id: UUID
    deleted: bool


class DeletedFlowEnvelope(msgspec.Struct):
    success: bool
    data: DeletedFlow
