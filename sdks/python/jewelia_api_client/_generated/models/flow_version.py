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
  from ..models.flow_version_configuration import FlowVersionConfiguration
  from ..models.flow_webhook import FlowWebhook





T = TypeVar("T", bound="FlowVersion")



@_attrs_define
class FlowVersion:
    """ 
        Attributes:
            configuration (FlowVersionConfiguration):
            flow_id (UUID):
            id (UUID):
            number (int):
            published_at (datetime.datetime):
            published_by (FlowActor):
            webhook (FlowWebhook | None | Unset):
     """

    configuration: FlowVersionConfiguration
    flow_id: UUID
    id: UUID
    number: int
    published_at: datetime.datetime
    published_by: FlowActor
    webhook: FlowWebhook | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_actor import FlowActor # noqa: PLC0415
        from ..models.flow_version_configuration import FlowVersionConfiguration # noqa: PLC0415
        from ..models.flow_webhook import FlowWebhook # noqa: PLC0415
        configuration = self.configuration.to_dict()

        flow_id = str(self.flow_id)

        id = str(self.id)

        number = self.number

        published_at = self.published_at.isoformat()

        published_by = self.published_by.to_dict()

        webhook: dict[str, Any] | None | Unset
        if isinstance(self.webhook, Unset):
            webhook = UNSET
        elif isinstance(self.webhook, FlowWebhook):
            webhook = self.webhook.to_dict()
        else:
            webhook = self.webhook


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "configuration": configuration,
            "flow_id": flow_id,
            "id": id,
            "number": number,
            "published_at": published_at,
            "published_by": published_by,
        })
        if webhook is not UNSET:
            field_dict["webhook"] = webhook

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_actor import FlowActor # noqa: PLC0415
        from ..models.flow_version_configuration import FlowVersionConfiguration # noqa: PLC0415
        from ..models.flow_webhook import FlowWebhook # noqa: PLC0415
        d = dict(src_dict)
        configuration = FlowVersionConfiguration.from_dict(d.pop("configuration"))




        flow_id = UUID(d.pop("flow_id"))




        id = UUID(d.pop("id"))




        number = d.pop("number")

        published_at = datetime.datetime.fromisoformat(d.pop("published_at"))




        published_by = FlowActor.from_dict(d.pop("published_by"))




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


        flow_version = cls(
            configuration=configuration,
            flow_id=flow_id,
            id=id,
            number=number,
            published_at=published_at,
            published_by=published_by,
            webhook=webhook,
        )


        flow_version.additional_properties = d
        return flow_version

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
