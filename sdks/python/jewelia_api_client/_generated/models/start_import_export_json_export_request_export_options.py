from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="StartImportExportJsonExportRequestExportOptions")



@_attrs_define
class StartImportExportJsonExportRequestExportOptions:
    """ includeMetadata: id and timestamps on every record, and the export's own details (JSON
    envelope, XML attributes, an Excel sheet). compress: a zip archive of the file.

        Attributes:
            compress (bool | Unset):  Default: False.
            include_metadata (bool | Unset):  Default: False.
     """

    compress: bool | Unset = False
    include_metadata: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        compress = self.compress

        include_metadata = self.include_metadata


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if compress is not UNSET:
            field_dict["compress"] = compress
        if include_metadata is not UNSET:
            field_dict["includeMetadata"] = include_metadata

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        compress = d.pop("compress", UNSET)

        include_metadata = d.pop("includeMetadata", UNSET)

        start_import_export_json_export_request_export_options = cls(
            compress=compress,
            include_metadata=include_metadata,
        )

        return start_import_export_json_export_request_export_options

