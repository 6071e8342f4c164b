from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dry_run_error import DryRunError
  from ..models.step_result import StepResult





T = TypeVar("T", bound="DryRun")



@_attrs_define
class DryRun:
    """ 
        Attributes:
            duration_ms (float):
            error (DryRunError | None):
            status (str):
            steps (list[StepResult]):
            version (int | None):
     """

    duration_ms: float
    error: DryRunError | None
    status: str
    steps: list[StepResult]
    version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dry_run_error import DryRunError # noqa: PLC0415
        from ..models.step_result import StepResult # noqa: PLC0415
        duration_ms = self.duration_ms

        error: dict[str, Any] | None
        if isinstance(self.error, DryRunError):
            error = self.error.to_dict()
        else:
            error = self.error

        status = self.status

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)



        version: int | None
        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "durationMs": duration_ms,
            "error": error,
            "status": status,
            "steps": steps,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dry_run_error import DryRunError # noqa: PLC0415
        from ..models.step_result import StepResult # noqa: PLC0415
        d = dict(src_dict)
        duration_ms = d.pop("durationMs")

        def _parse_error(data: object) -> DryRunError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = DryRunError.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DryRunError | None, data)

        error = _parse_error(d.pop("error"))


        status = d.pop("status")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in (_steps):
            steps_item = StepResult.from_dict(steps_item_data)



            steps.append(steps_item)


        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))


        dry_run = cls(
            duration_ms=duration_ms,
            error=error,
            status=status,
            steps=steps,
            version=version,
        )


        dry_run.additional_properties = d
        return dry_run

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
