from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.render_in_variables import RenderInVariables





T = TypeVar("T", bound="RenderIn")



@_attrs_define
class RenderIn:
    """ 
        Attributes:
            template (str): Template name, e.g. order_created
            variables (RenderInVariables | Unset):
     """

    template: str
    variables: RenderInVariables | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.render_in_variables import RenderInVariables # noqa: PLC0415
        template = self.template

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "template": template,
        })
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.render_in_variables import RenderInVariables # noqa: PLC0415
        d = dict(src_dict)
        template = d.pop("template")

        _variables = d.pop("variables", UNSET)
        variables: RenderInVariables | Unset
        if isinstance(_variables,  Unset):
            variables = UNSET
        else:
            variables = RenderInVariables.from_dict(_variables)




        render_in = cls(
            template=template,
            variables=variables,
        )


        render_in.additional_properties = d
        return render_in

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
