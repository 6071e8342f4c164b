from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.row_error_errors_item import RowErrorErrorsItem
  from ..models.row_error_values import RowErrorValues





T = TypeVar("T", bound="RowError")



@_attrs_define
class RowError:
    """ 
        Attributes:
            errors (list[RowErrorErrorsItem]):
            row (int):
            values (RowErrorValues):
     """

    errors: list[RowErrorErrorsItem]
    row: int
    values: RowErrorValues
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.row_error_errors_item import RowErrorErrorsItem # noqa: PLC0415
        from ..models.row_error_values import RowErrorValues # noqa: PLC0415
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)



        row = self.row

        values = self.values.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "errors": errors,
            "row": row,
            "values": values,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.row_error_errors_item import RowErrorErrorsItem # noqa: PLC0415
        from ..models.row_error_values import RowErrorValues # noqa: PLC0415
        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in (_errors):
            errors_item = RowErrorErrorsItem.from_dict(errors_item_data)



            errors.append(errors_item)


        row = d.pop("row")

        values = RowErrorValues.from_dict(d.pop("values"))




        row_error = cls(
            errors=errors,
            row=row,
            values=values,
        )


        row_error.additional_properties = d
        return row_error

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
