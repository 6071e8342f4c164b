from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.flow_actor import FlowActor
  from ..models.flow_configuration import FlowConfiguration
  from ..models.flow_webhook import FlowWebhook





T = TypeVar("T", bound="Flow")



@_attrs_define
class Flow:
    """ 
        Attributes:
            alert_after_failures (int):
            configuration (FlowConfiguration): `{triggers: [{type, config}], actions: [{type, config}]}`. Trigger types:
                webhook, schedule ({cron, timezone}), database_change ({resource, operations}), api_call. A step (an element of
                actions) is {id?, name?, type, config, if?, retry?, onError?}; types: http_request, database, file,
                notification, transform, delay, and the containers branch and for_each. Problems are reported with their path,
                e.g. configuration.actions[1].config.url.
            created_at (datetime.datetime):
            created_by (FlowActor):
            description (str):
            id (UUID):
            is_active (bool):
            name (str):
            pause_after_failures (int):
            paused_at (datetime.datetime | None):
            paused_reason (None | str):
            published_version (int | None):
            template (None | str):
            updated_at (datetime.datetime):
            webhook (FlowWebhook | None | Unset):
            webhook_secret_preview (None | str | Unset):
            webhook_url (None | str | Unset):
     """

    alert_after_failures: int
    configuration: FlowConfiguration
    created_at: datetime.datetime
    created_by: FlowActor
    description: str
    id: UUID
    is_active: bool
    name: str
    pause_after_failures: int
    paused_at: datetime.datetime | None
    paused_reason: None | str
    published_version: int | None
    template: None | str
    updated_at: datetime.datetime
    webhook: FlowWebhook | None | Unset = UNSET
    webhook_secret_preview: None | str | Unset = UNSET
    webhook_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_actor import FlowActor # noqa: PLC0415
        from ..models.flow_configuration import FlowConfiguration # noqa: PLC0415
        from ..models.flow_webhook import FlowWebhook # noqa: PLC0415
        alert_after_failures = self.alert_after_failures

        configuration = self.configuration.to_dict()

        created_at = self.created_at.isoformat()

        created_by = self.created_by.to_dict()

        description = self.description

        id = str(self.id)

        is_active = self.is_active

        name = self.name

        pause_after_failures = self.pause_after_failures

        paused_at: None | str
        if isinstance(self.paused_at, datetime.datetime):
            paused_at = self.paused_at.isoformat()
        else:
            paused_at = self.paused_at

        paused_reason: None | str
        paused_reason = self.paused_reason

        published_version: int | None
        published_version = self.published_version

        template: None | str
        template = self.template

        updated_at = self.updated_at.isoformat()

        webhook: dict[str, Any] | None | Unset
        if isinstance(self.webhook, Unset):
            webhook = UNSET
        elif isinstance(self.webhook, FlowWebhook):
            webhook = self.webhook.to_dict()
        else:
            webhook = self.webhook

        webhook_secret_preview: None | str | Unset
        if isinstance(self.webhook_secret_preview, Unset):
            webhook_secret_preview = UNSET
        else:
            webhook_secret_preview = self.webhook_secret_preview

        webhook_url: None | str | Unset
        if isinstance(self.webhook_url, Unset):
            webhook_url = UNSET
        else:
            webhook_url = self.webhook_url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alertAfterFailures": alert_after_failures,
            "configuration": configuration,
            "created_at": created_at,
            "created_by": created_by,
            "description": description,
            "id": id,
            "isActive": is_active,
            "name": name,
            "pauseAfterFailures": pause_after_failures,
            "pausedAt": paused_at,
            "pausedReason": paused_reason,
            "published_version": published_version,
            "template": template,
            "updated_at": updated_at,
        })
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_secret_preview is not UNSET:
            field_dict["webhookSecretPreview"] = webhook_secret_preview
        if webhook_url is not UNSET:
            field_dict["webhookUrl"] = webhook_url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_actor import FlowActor # noqa: PLC0415
        from ..models.flow_configuration import FlowConfiguration # noqa: PLC0415
        from ..models.flow_webhook import FlowWebhook # noqa: PLC0415
        d = dict(src_dict)
        alert_after_failures = d.pop("alertAfterFailures")

        configuration = FlowConfiguration.from_dict(d.pop("configuration"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        created_by = FlowActor.from_dict(d.pop("created_by"))




        description = d.pop("description")

        id = UUID(d.pop("id"))




        is_active = d.pop("isActive")

        name = d.pop("name")

        pause_after_failures = d.pop("pauseAfterFailures")

        def _parse_paused_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_at_type_0 = datetime.datetime.fromisoformat(data)



                return paused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paused_at = _parse_paused_at(d.pop("pausedAt"))


        def _parse_paused_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        paused_reason = _parse_paused_reason(d.pop("pausedReason"))


        def _parse_published_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        published_version = _parse_published_version(d.pop("published_version"))


        def _parse_template(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        template = _parse_template(d.pop("template"))


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_webhook(data: object) -> FlowWebhook | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                webhook_type_0 = FlowWebhook.from_dict(data)



                return webhook_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FlowWebhook | None | Unset, data)

        webhook = _parse_webhook(d.pop("webhook", UNSET))


        def _parse_webhook_secret_preview(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_secret_preview = _parse_webhook_secret_preview(d.pop("webhookSecretPreview", UNSET))


        def _parse_webhook_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_url = _parse_webhook_url(d.pop("webhookUrl", UNSET))


        flow = cls(
            alert_after_failures=alert_after_failures,
            configuration=configuration,
            created_at=created_at,
            created_by=created_by,
            description=description,
            id=id,
            is_active=is_active,
            name=name,
            pause_after_failures=pause_after_failures,
            paused_at=paused_at,
            paused_reason=paused_reason,
            published_version=published_version,
            template=template,
            updated_at=updated_at,
            webhook=webhook,
            webhook_secret_preview=webhook_secret_preview,
            webhook_url=webhook_url,
        )


        flow.additional_properties = d
        return flow

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
