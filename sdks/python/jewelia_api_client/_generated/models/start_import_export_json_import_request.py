from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.start_import_export_json_import_request_format import check_start_import_export_json_import_request_format
from ..models.start_import_export_json_import_request_format import StartImportExportJsonImportRequestFormat
from ..models.start_import_export_json_import_request_type import check_start_import_export_json_import_request_type
from ..models.start_import_export_json_import_request_type import StartImportExportJsonImportRequestType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.start_import_export_json_import_request_import_options import StartImportExportJsonImportRequestImportOptions
  from ..models.start_import_export_json_import_request_mapping_type_0 import StartImportExportJsonImportRequestMappingType0





T = TypeVar("T", bound="StartImportExportJsonImportRequest")



@_attrs_define
class StartImportExportJsonImportRequest:
    """ `data` is the file, base64-encoded (or send multipart/form-data with a `file` part).

        Attributes:
            data (str):
            format_ (StartImportExportJsonImportRequestFormat):
            type_ (StartImportExportJsonImportRequestType):
            file_name (None | str | Unset):
            mapping (None | StartImportExportJsonImportRequestMappingType0 | Unset):
            options (None | StartImportExportJsonImportRequestImportOptions | Unset):
     """

    data: str
    format_: StartImportExportJsonImportRequestFormat
    type_: StartImportExportJsonImportRequestType
    file_name: None | str | Unset = UNSET
    mapping: None | StartImportExportJsonImportRequestMappingType0 | Unset = UNSET
    options: None | StartImportExportJsonImportRequestImportOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.start_import_export_json_import_request_import_options import StartImportExportJsonImportRequestImportOptions # noqa: PLC0415
        from ..models.start_import_export_json_import_request_mapping_type_0 import StartImportExportJsonImportRequestMappingType0 # noqa: PLC0415
        data = self.data

        format_: str = self.format_

        type_: str = self.type_

        file_name: None | str | Unset
        if isinstance(self.file_name, Unset):
            file_name = UNSET
        else:
            file_name = self.file_name

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, StartImportExportJsonImportRequestMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, StartImportExportJsonImportRequestImportOptions):
            options = self.options.to_dict()
        else:
            options = self.options


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "data": data,
            "format": format_,
            "type": type_,
        })
        if file_name is not UNSET:
            field_dict["fileName"] = file_name
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.start_import_export_json_import_request_import_options import StartImportExportJsonImportRequestImportOptions # noqa: PLC0415
        from ..models.start_import_export_json_import_request_mapping_type_0 import StartImportExportJsonImportRequestMappingType0 # noqa: PLC0415
        d = dict(src_dict)
        data = d.pop("data")

        format_ = check_start_import_export_json_import_request_format(d.pop("format"))




        type_ = check_start_import_export_json_import_request_type(d.pop("type"))




        def _parse_file_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_name = _parse_file_name(d.pop("fileName", UNSET))


        def _parse_mapping(data: object) -> None | StartImportExportJsonImportRequestMappingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = StartImportExportJsonImportRequestMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StartImportExportJsonImportRequestMappingType0 | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        def _parse_options(data: object) -> None | StartImportExportJsonImportRequestImportOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_import_options = StartImportExportJsonImportRequestImportOptions.from_dict(data)



                return options_import_options
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StartImportExportJsonImportRequestImportOptions | Unset, data)

        options = _parse_options(d.pop("options", UNSET))


        start_import_export_json_import_request = cls(
            data=data,
            format_=format_,
            type_=type_,
            file_name=file_name,
            mapping=mapping,
            options=options,
        )

        return start_import_export_json_import_request

