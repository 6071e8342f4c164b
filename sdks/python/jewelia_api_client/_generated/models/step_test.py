from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.step_error import StepError





T = TypeVar("T", bound="StepTest")



@_attrs_define
class StepTest:
    """ 
        Attributes:
            duration_ms (float):
            error (None | StepError):
            input_ (Any):
            output (Any):
            path (str):
            simulated (bool):
            status (str):
            step_id (str):
            type_ (str):
            version (int | None):
     """

    duration_ms: float
    error: None | StepError
    input_: Any
    output: Any
    path: str
    simulated: bool
    status: str
    step_id: str
    type_: str
    version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.step_error import StepError # noqa: PLC0415
        duration_ms = self.duration_ms

        error: dict[str, Any] | None
        if isinstance(self.error, StepError):
            error = self.error.to_dict()
        else:
            error = self.error

        input_ = self.input_

        output = self.output

        path = self.path

        simulated = self.simulated

        status = self.status

        step_id = self.step_id

        type_ = self.type_

        version: int | None
        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "durationMs": duration_ms,
            "error": error,
            "input": input_,
            "output": output,
            "path": path,
            "simulated": simulated,
            "status": status,
            "stepId": step_id,
            "type": type_,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.step_error import StepError # noqa: PLC0415
        d = dict(src_dict)
        duration_ms = d.pop("durationMs")

        def _parse_error(data: object) -> None | StepError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = StepError.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StepError, data)

        error = _parse_error(d.pop("error"))


        input_ = d.pop("input")

        output = d.pop("output")

        path = d.pop("path")

        simulated = d.pop("simulated")

        status = d.pop("status")

        step_id = d.pop("stepId")

        type_ = d.pop("type")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))


        step_test = cls(
            duration_ms=duration_ms,
            error=error,
            input_=input_,
            output=output,
            path=path,
            simulated=simulated,
            status=status,
            step_id=step_id,
            type_=type_,
            version=version,
        )


        step_test.additional_properties = d
        return step_test

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
