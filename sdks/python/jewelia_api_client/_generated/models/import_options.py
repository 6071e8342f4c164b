from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ImportOptions")



@_attrs_define
class ImportOptions:
    """ 
        Attributes:
            dry_run (bool | Unset):  Default: False.
            skip_duplicates (bool | Unset):  Default: False.
            update_existing (bool | Unset):  Default: True.
            validate_data (bool | Unset):  Default: True.
     """

    dry_run: bool | Unset = False
    skip_duplicates: bool | Unset = False
    update_existing: bool | Unset = True
    validate_data: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        skip_duplicates = self.skip_duplicates

        update_existing = self.update_existing

        validate_data = self.validate_data


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if dry_run is not UNSET:
            field_dict["dryRun"] = dry_run
        if skip_duplicates is not UNSET:
            field_dict["skipDuplicates"] = skip_duplicates
        if update_existing is not UNSET:
            field_dict["updateExisting"] = update_existing
        if validate_data is not UNSET:
            field_dict["validateData"] = validate_data

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dry_run = d.pop("dryRun", UNSET)

        skip_duplicates = d.pop("skipDuplicates", UNSET)

        update_existing = d.pop("updateExisting", UNSET)

        validate_data = d.pop("validateData", UNSET)

        import_options = cls(
            dry_run=dry_run,
            skip_duplicates=skip_duplicates,
            update_existing=update_existing,
            validate_data=validate_data,
        )


        import_options.additional_properties = d
        return import_options

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
