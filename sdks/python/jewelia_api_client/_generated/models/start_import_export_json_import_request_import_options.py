from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="StartImportExportJsonImportRequestImportOptions")



@_attrs_define
class StartImportExportJsonImportRequestImportOptions:
    """ updateExisting: existing records (same email / SKU / order reference) are updated, else
    skipped. skipDuplicates: a repeated key within the file is skipped instead of reported.
    validateData: when false, optional fields that fail their rule are left out instead of
    failing the row. dryRun: everything is checked and counted, nothing is written.

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





    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        skip_duplicates = self.skip_duplicates

        update_existing = self.update_existing

        validate_data = self.validate_data


        field_dict: dict[str, Any] = {}

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

        start_import_export_json_import_request_import_options = cls(
            dry_run=dry_run,
            skip_duplicates=skip_duplicates,
            update_existing=update_existing,
            validate_data=validate_data,
        )

        return start_import_export_json_import_request_import_options

