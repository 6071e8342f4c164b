from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.rendered_request_headers import RenderedRequestHeaders
  from ..models.rendered_request_payload import RenderedRequestPayload





T = TypeVar("T", bound="RenderedRequest")



@_attrs_define
class RenderedRequest:
    """ 
        Attributes:
            event (str):
            headers (RenderedRequestHeaders):
            method (str):
            name (str):
            payload (RenderedRequestPayload):
     """

    event: str
    headers: RenderedRequestHeaders
    method: str
    name: str
    payload: RenderedRequestPayload
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.rendered_request_headers import RenderedRequestHeaders # noqa: PLC0415
        from ..models.rendered_request_payload import RenderedRequestPayload # noqa: PLC0415
        event = self.event

        headers = self.headers.to_dict()

        method = self.method

        name = self.name

        payload = self.payload.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "event": event,
            "headers": headers,
            "method": method,
            "name": name,
            "payload": payload,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rendered_request_headers import RenderedRequestHeaders # noqa: PLC0415
        from ..models.rendered_request_payload import RenderedRequestPayload # noqa: PLC0415
        d = dict(src_dict)
        event = d.pop("event")

        headers = RenderedRequestHeaders.from_dict(d.pop("headers"))




        method = d.pop("method")

        name = d.pop("name")

        payload = RenderedRequestPayload.from_dict(d.pop("payload"))




        rendered_request = cls(
            event=event,
            headers=headers,
            method=method,
            name=name,
            payload=payload,
        )


        rendered_request.additional_properties = d
        return rendered_request

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
