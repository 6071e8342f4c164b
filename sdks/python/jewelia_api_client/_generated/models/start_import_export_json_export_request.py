from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.start_import_export_json_export_request_format import check_start_import_export_json_export_request_format
from ..models.start_import_export_json_export_request_format import StartImportExportJsonExportRequestFormat
from ..models.start_import_export_json_export_request_type import check_start_import_export_json_export_request_type
from ..models.start_import_export_json_export_request_type import StartImportExportJsonExportRequestType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.start_import_export_json_export_request_export_options import StartImportExportJsonExportRequestExportOptions
  from ..models.start_import_export_json_export_request_filters_type_0 import StartImportExportJsonExportRequestFiltersType0





T = TypeVar("T", bound="StartImportExportJsonExportRequest")



@_attrs_define
class StartImportExportJsonExportRequest:
    """ `filters` are the list API's for the type; `fields` the record's fields (default all).

        Attributes:
            format_ (StartImportExportJsonExportRequestFormat):
            type_ (StartImportExportJsonExportRequestType):
            fields (list[str] | None | Unset):
            filters (None | StartImportExportJsonExportRequestFiltersType0 | Unset):
            options (None | StartImportExportJsonExportRequestExportOptions | Unset):
     """

    format_: StartImportExportJsonExportRequestFormat
    type_: StartImportExportJsonExportRequestType
    fields: list[str] | None | Unset = UNSET
    filters: None | StartImportExportJsonExportRequestFiltersType0 | Unset = UNSET
    options: None | StartImportExportJsonExportRequestExportOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.start_import_export_json_export_request_export_options import StartImportExportJsonExportRequestExportOptions # noqa: PLC0415
        from ..models.start_import_export_json_export_request_filters_type_0 import StartImportExportJsonExportRequestFiltersType0 # noqa: PLC0415
        format_: str = self.format_

        type_: str = self.type_

        fields: list[str] | None | Unset
        if isinstance(self.fields, Unset):
            fields = UNSET
        elif isinstance(self.fields, list):
            fields = self.fields


        else:
            fields = self.fields

        filters: dict[str, Any] | None | Unset
        if isinstance(self.filters, Unset):
            filters = UNSET
        elif isinstance(self.filters, StartImportExportJsonExportRequestFiltersType0):
            filters = self.filters.to_dict()
        else:
            filters = self.filters

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, StartImportExportJsonExportRequestExportOptions):
            options = self.options.to_dict()
        else:
            options = self.options


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "format": format_,
            "type": type_,
        })
        if fields is not UNSET:
            field_dict["fields"] = fields
        if filters is not UNSET:
            field_dict["filters"] = filters
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.start_import_export_json_export_request_export_options import StartImportExportJsonExportRequestExportOptions # noqa: PLC0415
        from ..models.start_import_export_json_export_request_filters_type_0 import StartImportExportJsonExportRequestFiltersType0 # noqa: PLC0415
        d = dict(src_dict)
        format_ = check_start_import_export_json_export_request_format(d.pop("format"))




        type_ = check_start_import_export_json_export_request_type(d.pop("type"))




        def _parse_fields(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                fields_type_0 = cast(list[str], data)

                return fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        fields = _parse_fields(d.pop("fields", UNSET))


        def _parse_filters(data: object) -> None | StartImportExportJsonExportRequestFiltersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filters_type_0 = StartImportExportJsonExportRequestFiltersType0.from_dict(data)



                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StartImportExportJsonExportRequestFiltersType0 | Unset, data)

        filters = _parse_filters(d.pop("filters", UNSET))


        def _parse_options(data: object) -> None | StartImportExportJsonExportRequestExportOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_export_options = StartImportExportJsonExportRequestExportOptions.from_dict(data)



                return options_export_options
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StartImportExportJsonExportRequestExportOptions | Unset, data)

        options = _parse_options(d.pop("options", UNSET))


        start_import_export_json_export_request = cls(
            format_=format_,
            type_=type_,
            fields=fields,
            filters=filters,
            options=options,
        )

        return start_import_export_json_export_request

