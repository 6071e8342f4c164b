from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.start_import_export_files_body_format import check_start_import_export_files_body_format
from ..models.start_import_export_files_body_format import StartImportExportFilesBodyFormat
from ..models.start_import_export_files_body_type import check_start_import_export_files_body_type
from ..models.start_import_export_files_body_type import StartImportExportFilesBodyType
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast






T = TypeVar("T", bound="StartImportExportFilesBody")



@_attrs_define
class StartImportExportFilesBody:
    """ 
        Attributes:
            file (File):
            format_ (StartImportExportFilesBodyFormat):
            type_ (StartImportExportFilesBodyType):
            mapping (str | Unset): The mapping as JSON text
            options (str | Unset): ImportOptions as JSON text
     """

    file: File
    format_: StartImportExportFilesBodyFormat
    type_: StartImportExportFilesBodyType
    mapping: str | Unset = UNSET
    options: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        format_: str = self.format_

        type_: str = self.type_

        mapping = self.mapping

        options = self.options


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
            "format": format_,
            "type": type_,
        })
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        files.append(("format", (None, str(self.format_).encode(), "text/plain")))



        files.append(("type", (None, str(self.type_).encode(), "text/plain")))



        if not isinstance(self.mapping, Unset):
            files.append(("mapping", (None, str(self.mapping).encode(), "text/plain")))



        if not isinstance(self.options, Unset):
            files.append(("options", (None, str(self.options).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        format_ = check_start_import_export_files_body_format(d.pop("format"))




        type_ = check_start_import_export_files_body_type(d.pop("type"))




        mapping = d.pop("mapping", UNSET)

        options = d.pop("options", UNSET)

        start_import_export_files_body = cls(
            file=file,
            format_=format_,
            type_=type_,
            mapping=mapping,
            options=options,
        )


        start_import_export_files_body.additional_properties = d
        return start_import_export_files_body

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
