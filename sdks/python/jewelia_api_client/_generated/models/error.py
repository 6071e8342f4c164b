from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.error_details_type_2_item import ErrorDetailsType2Item





T = TypeVar("T", bound="Error")



@_attrs_define
class Error:
    """ 
        Attributes:
            code (str):
            error (str):
            success (bool):
            timestamp (datetime.datetime):
            details (list[ErrorDetailsType2Item] | None | str | Unset):
     """

    code: str
    error: str
    success: bool
    timestamp: datetime.datetime
    details: list[ErrorDetailsType2Item] | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.error_details_type_2_item import ErrorDetailsType2Item # noqa: PLC0415
        code = self.code

        error = self.error

        success = self.success

        timestamp = self.timestamp.isoformat()

        details: list[dict[str, Any]] | None | str | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, list):
            details = []
            for details_type_2_item_data in self.details:
                details_type_2_item = details_type_2_item_data.to_dict()
                details.append(details_type_2_item)


        else:
            details = self.details


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "error": error,
            "success": success,
            "timestamp": timestamp,
        })
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_details_type_2_item import ErrorDetailsType2Item # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        error = d.pop("error")

        success = d.pop("success")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))




        def _parse_details(data: object) -> list[ErrorDetailsType2Item] | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                details_type_2 = []
                _details_type_2 = data
                for details_type_2_item_data in (_details_type_2):
                    details_type_2_item = ErrorDetailsType2Item.from_dict(details_type_2_item_data)



                    details_type_2.append(details_type_2_item)

                return details_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ErrorDetailsType2Item] | None | str | Unset, data)

        details = _parse_details(d.pop("details", UNSET))


        error = cls(
            code=code,
            error=error,
            success=success,
            timestamp=timestamp,
            details=details,
        )


        error.additional_properties = d
        return error

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
