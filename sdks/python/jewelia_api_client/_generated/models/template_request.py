from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.template_request_headers import TemplateRequestHeaders
  from ..models.template_request_payload import TemplateRequestPayload
  from ..models.template_variable import TemplateVariable





T = TypeVar("T", bound="TemplateRequest")



@_attrs_define
class TemplateRequest:
    """ 
        Attributes:
            headers (TemplateRequestHeaders):
            method (str):
            payload (TemplateRequestPayload):
            variables (list[TemplateVariable]):
     """

    headers: TemplateRequestHeaders
    method: str
    payload: TemplateRequestPayload
    variables: list[TemplateVariable]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_request_headers import TemplateRequestHeaders # noqa: PLC0415
        from ..models.template_request_payload import TemplateRequestPayload # noqa: PLC0415
        from ..models.template_variable import TemplateVariable # noqa: PLC0415
        headers = self.headers.to_dict()

        method = self.method

        payload = self.payload.to_dict()

        variables = []
        for variables_item_data in self.variables:
            variables_item = variables_item_data.to_dict()
            variables.append(variables_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "headers": headers,
            "method": method,
            "payload": payload,
            "variables": variables,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_request_headers import TemplateRequestHeaders # noqa: PLC0415
        from ..models.template_request_payload import TemplateRequestPayload # noqa: PLC0415
        from ..models.template_variable import TemplateVariable # noqa: PLC0415
        d = dict(src_dict)
        headers = TemplateRequestHeaders.from_dict(d.pop("headers"))




        method = d.pop("method")

        payload = TemplateRequestPayload.from_dict(d.pop("payload"))




        variables = []
        _variables = d.pop("variables")
        for variables_item_data in (_variables):
            variables_item = TemplateVariable.from_dict(variables_item_data)



            variables.append(variables_item)


        template_request = cls(
            headers=headers,
            method=method,
            payload=payload,
            variables=variables,
        )


        template_request.additional_properties = d
        return template_request

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
