from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.preview_mapping_type_0 import PreviewMappingType0
  from ..models.preview_rows_item import PreviewRowsItem
  from ..models.preview_suggested_mapping import PreviewSuggestedMapping





T = TypeVar("T", bound="Preview")



@_attrs_define
class Preview:
    """ 
        Attributes:
            delimiter (None | str):
            encoding (None | str):
            fields (list[str]):
            format_ (str):
            headers (list[str]):
            ignored_columns (list[str]):
            rows (list[PreviewRowsItem]):
            suggested_mapping (PreviewSuggestedMapping):
            mapping (None | PreviewMappingType0 | Unset):
     """

    delimiter: None | str
    encoding: None | str
    fields: list[str]
    format_: str
    headers: list[str]
    ignored_columns: list[str]
    rows: list[PreviewRowsItem]
    suggested_mapping: PreviewSuggestedMapping
    mapping: None | PreviewMappingType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.preview_mapping_type_0 import PreviewMappingType0 # noqa: PLC0415
        from ..models.preview_rows_item import PreviewRowsItem # noqa: PLC0415
        from ..models.preview_suggested_mapping import PreviewSuggestedMapping # noqa: PLC0415
        delimiter: None | str
        delimiter = self.delimiter

        encoding: None | str
        encoding = self.encoding

        fields = self.fields



        format_ = self.format_

        headers = self.headers



        ignored_columns = self.ignored_columns



        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)



        suggested_mapping = self.suggested_mapping.to_dict()

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, PreviewMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "delimiter": delimiter,
            "encoding": encoding,
            "fields": fields,
            "format": format_,
            "headers": headers,
            "ignoredColumns": ignored_columns,
            "rows": rows,
            "suggestedMapping": suggested_mapping,
        })
        if mapping is not UNSET:
            field_dict["mapping"] = mapping

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_mapping_type_0 import PreviewMappingType0 # noqa: PLC0415
        from ..models.preview_rows_item import PreviewRowsItem # noqa: PLC0415
        from ..models.preview_suggested_mapping import PreviewSuggestedMapping # noqa: PLC0415
        d = dict(src_dict)
        def _parse_delimiter(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delimiter = _parse_delimiter(d.pop("delimiter"))


        def _parse_encoding(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        encoding = _parse_encoding(d.pop("encoding"))


        fields = cast(list[str], d.pop("fields"))


        format_ = d.pop("format")

        headers = cast(list[str], d.pop("headers"))


        ignored_columns = cast(list[str], d.pop("ignoredColumns"))


        rows = []
        _rows = d.pop("rows")
        for rows_item_data in (_rows):
            rows_item = PreviewRowsItem.from_dict(rows_item_data)



            rows.append(rows_item)


        suggested_mapping = PreviewSuggestedMapping.from_dict(d.pop("suggestedMapping"))




        def _parse_mapping(data: object) -> None | PreviewMappingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = PreviewMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreviewMappingType0 | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        preview = cls(
            delimiter=delimiter,
            encoding=encoding,
            fields=fields,
            format_=format_,
            headers=headers,
            ignored_columns=ignored_columns,
            rows=rows,
            suggested_mapping=suggested_mapping,
            mapping=mapping,
        )


        preview.additional_properties = d
        return preview

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
