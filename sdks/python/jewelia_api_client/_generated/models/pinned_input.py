from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.pinned_input_steps_type_0 import PinnedInputStepsType0





T = TypeVar("T", bound="PinnedInput")



@_attrs_define
class PinnedInput:
    """ 
        Attributes:
            index (int | None | Unset):
            item (Any | Unset):
            steps (None | PinnedInputStepsType0 | Unset):
            trigger (Any | Unset):
     """

    index: int | None | Unset = UNSET
    item: Any | Unset = UNSET
    steps: None | PinnedInputStepsType0 | Unset = UNSET
    trigger: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pinned_input_steps_type_0 import PinnedInputStepsType0 # noqa: PLC0415
        index: int | None | Unset
        if isinstance(self.index, Unset):
            index = UNSET
        else:
            index = self.index

        item = self.item

        steps: dict[str, Any] | None | Unset
        if isinstance(self.steps, Unset):
            steps = UNSET
        elif isinstance(self.steps, PinnedInputStepsType0):
            steps = self.steps.to_dict()
        else:
            steps = self.steps

        trigger = self.trigger


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if index is not UNSET:
            field_dict["index"] = index
        if item is not UNSET:
            field_dict["item"] = item
        if steps is not UNSET:
            field_dict["steps"] = steps
        if trigger is not UNSET:
            field_dict["trigger"] = trigger

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pinned_input_steps_type_0 import PinnedInputStepsType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        index = _parse_index(d.pop("index", UNSET))


        item = d.pop("item", UNSET)

        def _parse_steps(data: object) -> None | PinnedInputStepsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                steps_type_0 = PinnedInputStepsType0.from_dict(data)



                return steps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PinnedInputStepsType0 | Unset, data)

        steps = _parse_steps(d.pop("steps", UNSET))


        trigger = d.pop("trigger", UNSET)

        pinned_input = cls(
            index=index,
            item=item,
            steps=steps,
            trigger=trigger,
        )


        pinned_input.additional_properties = d
        return pinned_input

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
