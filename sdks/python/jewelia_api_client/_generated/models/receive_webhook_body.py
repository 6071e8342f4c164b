from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.receive_webhook_body_data import ReceiveWebhookBodyData





T = TypeVar("T", bound="ReceiveWebhookBody")



@_attrs_define
class ReceiveWebhookBody:
    """ 
        Attributes:
            event (str): e.g. order.created
            data (ReceiveWebhookBodyData | Unset):
            id (str | Unset): the sender's event id
            signature (str | Unset): sha256=<hex>
            timestamp (float | str | Unset):
     """

    event: str
    data: ReceiveWebhookBodyData | Unset = UNSET
    id: str | Unset = UNSET
    signature: str | Unset = UNSET
    timestamp: float | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.receive_webhook_body_data import ReceiveWebhookBodyData # noqa: PLC0415
        event = self.event

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        id = self.id

        signature = self.signature

        timestamp: float | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = self.timestamp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "event": event,
        })
        if data is not UNSET:
            field_dict["data"] = data
        if id is not UNSET:
            field_dict["id"] = id
        if signature is not UNSET:
            field_dict["signature"] = signature
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.receive_webhook_body_data import ReceiveWebhookBodyData # noqa: PLC0415
        d = dict(src_dict)
        event = d.pop("event")

        _data = d.pop("data", UNSET)
        data: ReceiveWebhookBodyData | Unset
        if isinstance(_data,  Unset):
            data = UNSET
        else:
            data = ReceiveWebhookBodyData.from_dict(_data)




        id = d.pop("id", UNSET)

        signature = d.pop("signature", UNSET)

        def _parse_timestamp(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))


        receive_webhook_body = cls(
            event=event,
            data=data,
            id=id,
            signature=signature,
            timestamp=timestamp,
        )


        receive_webhook_body.additional_properties = d
        return receive_webhook_body

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
