from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="StartImportExportJsonImportRequestMappingType0MappingRule")



@_attrs_define
class StartImportExportJsonImportRequestMappingType0MappingRule:
    """ A field and transforms applied in order: trim, lower, upper, split[:sep],
    date:<strftime format>, number, number_comma, number_dot.

        Attributes:
            field (str):
            transforms (list[str] | Unset):
     """

    field: str
    transforms: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        field = self.field

        transforms: list[str] | Unset = UNSET
        if not isinstance(self.transforms, Unset):
            transforms = self.transforms




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "field": field,
        })
        if transforms is not UNSET:
            field_dict["transforms"] = transforms

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        transforms = cast(list[str], d.pop("transforms", UNSET))


        start_import_export_json_import_request_mapping_type_0_mapping_rule = cls(
            field=field,
            transforms=transforms,
        )

        return start_import_export_json_import_request_mapping_type_0_mapping_rule

