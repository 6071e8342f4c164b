from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.pinned_input import PinnedInput





T = TypeVar("T", bound="StepTestRequest")



@_attrs_define
class StepTestRequest:
    """ 
        Attributes:
            input_ (PinnedInput | Unset):
            run_id (None | Unset | UUID):
            simulate (bool | Unset):  Default: False.
            version (int | None | Unset):
     """

    input_: PinnedInput | Unset = UNSET
    run_id: None | Unset | UUID = UNSET
    simulate: bool | Unset = False
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pinned_input import PinnedInput # noqa: PLC0415
        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        elif isinstance(self.run_id, UUID):
            run_id = str(self.run_id)
        else:
            run_id = self.run_id

        simulate = self.simulate

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if input_ is not UNSET:
            field_dict["input"] = input_
        if run_id is not UNSET:
            field_dict["runId"] = run_id
        if simulate is not UNSET:
            field_dict["simulate"] = simulate
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pinned_input import PinnedInput # noqa: PLC0415
        d = dict(src_dict)
        _input_ = d.pop("input", UNSET)
        input_: PinnedInput | Unset
        if isinstance(_input_,  Unset):
            input_ = UNSET
        else:
            input_ = PinnedInput.from_dict(_input_)




        def _parse_run_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_id_type_0 = UUID(data)



                return run_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        run_id = _parse_run_id(d.pop("runId", UNSET))


        simulate = d.pop("simulate", UNSET)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        step_test_request = cls(
            input_=input_,
            run_id=run_id,
            simulate=simulate,
            version=version,
        )


        step_test_request.additional_properties = d
        return step_test_request

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
