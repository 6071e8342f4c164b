from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.import_options import ImportOptions
  from ..models.run_again_mapping_type_0 import RunAgainMappingType0





T = TypeVar("T", bound="RunAgain")



@_attrs_define
class RunAgain:
    """ 
        Attributes:
            mapping (None | RunAgainMappingType0 | Unset):
            options (ImportOptions | None | Unset):
     """

    mapping: None | RunAgainMappingType0 | Unset = UNSET
    options: ImportOptions | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_options import ImportOptions # noqa: PLC0415
        from ..models.run_again_mapping_type_0 import RunAgainMappingType0 # noqa: PLC0415
        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, RunAgainMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        options: dict[str, Any] | None | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        elif isinstance(self.options, ImportOptions):
            options = self.options.to_dict()
        else:
            options = self.options


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_options import ImportOptions # noqa: PLC0415
        from ..models.run_again_mapping_type_0 import RunAgainMappingType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_mapping(data: object) -> None | RunAgainMappingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = RunAgainMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunAgainMappingType0 | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        def _parse_options(data: object) -> ImportOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                options_type_0 = ImportOptions.from_dict(data)



                return options_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportOptions | None | Unset, data)

        options = _parse_options(d.pop("options", UNSET))


        run_again = cls(
            mapping=mapping,
            options=options,
        )


        run_again.additional_properties = d
        return run_again

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
