from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.verify_in_headers import VerifyInHeaders





T = TypeVar("T", bound="VerifyIn")



@_attrs_define
class VerifyIn:
    """ 
        Attributes:
            body (str): The raw body as received
            headers (VerifyInHeaders):
            secret (str): The signing secret (whsec_… or any other text)
            tolerance (int | Unset): Accepted clock skew for webhook-timestamp, s Default: 300.
     """

    body: str
    headers: VerifyInHeaders
    secret: str
    tolerance: int | Unset = 300
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.verify_in_headers import VerifyInHeaders # noqa: PLC0415
        body = self.body

        headers = self.headers.to_dict()

        secret = self.secret

        tolerance = self.tolerance


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "body": body,
            "headers": headers,
            "secret": secret,
        })
        if tolerance is not UNSET:
            field_dict["tolerance"] = tolerance

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.verify_in_headers import VerifyInHeaders # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        headers = VerifyInHeaders.from_dict(d.pop("headers"))




        secret = d.pop("secret")

        tolerance = d.pop("tolerance", UNSET)

        verify_in = cls(
            body=body,
            headers=headers,
            secret=secret,
            tolerance=tolerance,
        )


        verify_in.additional_properties = d
        return verify_in

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
