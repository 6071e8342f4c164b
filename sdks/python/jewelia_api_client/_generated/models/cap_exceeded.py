from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.cap_details import CapDetails





T = TypeVar("T", bound="CapExceeded")



@_attrs_define
class CapExceeded:
    """ 
        Attributes:
            code (str):
            details (CapDetails):
            error (str):
            success (bool):
            timestamp (str):
     """

    code: str
    details: CapDetails
    error: str
    success: bool
    timestamp: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.cap_details import CapDetails # noqa: PLC0415
        code = self.code

        details = self.details.to_dict()

        error = self.error

        success = self.success

        timestamp = self.timestamp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "details": details,
            "error": error,
            "success": success,
            "timestamp": timestamp,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cap_details import CapDetails # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        details = CapDetails.from_dict(d.pop("details"))




        error = d.pop("error")

        success = d.pop("success")

        timestamp = d.pop("timestamp")

        cap_exceeded = cls(
            code=code,
            details=details,
            error=error,
            success=success,
            timestamp=timestamp,
        )


        cap_exceeded.additional_properties = d
        return cap_exceeded

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
