from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.signature_out_headers import SignatureOutHeaders





T = TypeVar("T", bound="SignatureOut")



@_attrs_define
class SignatureOut:
    """ 
        Attributes:
            body (str):
            headers (SignatureOutHeaders):
            id (str):
            legacy_signature (str):
            signed_content (str):
            standard_signature (str):
            timestamp (int):
     """

    body: str
    headers: SignatureOutHeaders
    id: str
    legacy_signature: str
    signed_content: str
    standard_signature: str
    timestamp: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.signature_out_headers import SignatureOutHeaders # noqa: PLC0415
        body = self.body

        headers = self.headers.to_dict()

        id = self.id

        legacy_signature = self.legacy_signature

        signed_content = self.signed_content

        standard_signature = self.standard_signature

        timestamp = self.timestamp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "body": body,
            "headers": headers,
            "id": id,
            "legacySignature": legacy_signature,
            "signedContent": signed_content,
            "standardSignature": standard_signature,
            "timestamp": timestamp,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signature_out_headers import SignatureOutHeaders # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        headers = SignatureOutHeaders.from_dict(d.pop("headers"))




        id = d.pop("id")

        legacy_signature = d.pop("legacySignature")

        signed_content = d.pop("signedContent")

        standard_signature = d.pop("standardSignature")

        timestamp = d.pop("timestamp")

        signature_out = cls(
            body=body,
            headers=headers,
            id=id,
            legacy_signature=legacy_signature,
            signed_content=signed_content,
            standard_signature=standard_signature,
            timestamp=timestamp,
        )


        signature_out.additional_properties = d
        return signature_out

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
