from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.flow_run_step import FlowRunStep





T = TypeVar("T", bound="FlowRun")



@_attrs_define
class FlowRun:
    """ 
        Attributes:
            created_at (datetime.datetime):
            duration_ms (int | None):
            error (None | str):
            error_type (None | str):
            failed_step_id (None | str):
            finished_at (datetime.datetime | None):
            flow_id (UUID):
            flow_name (str):
            flow_version_id (None | UUID):
            id (UUID):
            started_at (datetime.datetime | None):
            status (str):
            timeout_seconds (int):
            trigger_type (str):
            version (int | None):
            steps (list[FlowRunStep] | Unset):
            trigger_payload (Any | Unset):
     """

    created_at: datetime.datetime
    duration_ms: int | None
    error: None | str
    error_type: None | str
    failed_step_id: None | str
    finished_at: datetime.datetime | None
    flow_id: UUID
    flow_name: str
    flow_version_id: None | UUID
    id: UUID
    started_at: datetime.datetime | None
    status: str
    timeout_seconds: int
    trigger_type: str
    version: int | None
    steps: list[FlowRunStep] | Unset = UNSET
    trigger_payload: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flow_run_step import FlowRunStep # noqa: PLC0415
        created_at = self.created_at.isoformat()

        duration_ms: int | None
        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        error_type: None | str
        error_type = self.error_type

        failed_step_id: None | str
        failed_step_id = self.failed_step_id

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        flow_id = str(self.flow_id)

        flow_name = self.flow_name

        flow_version_id: None | str
        if isinstance(self.flow_version_id, UUID):
            flow_version_id = str(self.flow_version_id)
        else:
            flow_version_id = self.flow_version_id

        id = str(self.id)

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        timeout_seconds = self.timeout_seconds

        trigger_type = self.trigger_type

        version: int | None
        version = self.version

        steps: list[dict[str, Any]] | Unset
        if isinstance(self.steps, Unset):
            steps = UNSET
        else:
            steps = []
            for steps_type_0_item_data in self.steps:
                steps_type_0_item = steps_type_0_item_data.to_dict()
                steps.append(steps_type_0_item)




        trigger_payload = self.trigger_payload


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "duration_ms": duration_ms,
            "error": error,
            "error_type": error_type,
            "failed_step_id": failed_step_id,
            "finished_at": finished_at,
            "flow_id": flow_id,
            "flow_name": flow_name,
            "flow_version_id": flow_version_id,
            "id": id,
            "started_at": started_at,
            "status": status,
            "timeout_seconds": timeout_seconds,
            "trigger_type": trigger_type,
            "version": version,
        })
        if steps is not UNSET:
            field_dict["steps"] = steps
        if trigger_payload is not UNSET:
            field_dict["trigger_payload"] = trigger_payload

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flow_run_step import FlowRunStep # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_duration_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))


        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        def _parse_error_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error_type = _parse_error_type(d.pop("error_type"))


        def _parse_failed_step_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failed_step_id = _parse_failed_step_id(d.pop("failed_step_id"))


        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        flow_id = UUID(d.pop("flow_id"))




        flow_name = d.pop("flow_name")

        def _parse_flow_version_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                flow_version_id_type_0 = UUID(data)



                return flow_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        flow_version_id = _parse_flow_version_id(d.pop("flow_version_id"))


        id = UUID(d.pop("id"))




        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))


        status = d.pop("status")

        timeout_seconds = d.pop("timeout_seconds")

        trigger_type = d.pop("trigger_type")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))


        def _parse_steps(data: object) -> list[FlowRunStep] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            steps_type_0 = []
            _steps_type_0 = data
            for steps_type_0_item_data in (_steps_type_0):
                steps_type_0_item = FlowRunStep.from_dict(steps_type_0_item_data)



                steps_type_0.append(steps_type_0_item)

            return steps_type_0

        steps = _parse_steps(d.pop("steps", UNSET))


        trigger_payload = d.pop("trigger_payload", UNSET)

        flow_run = cls(
            created_at=created_at,
            duration_ms=duration_ms,
            error=error,
            error_type=error_type,
            failed_step_id=failed_step_id,
            finished_at=finished_at,
            flow_id=flow_id,
            flow_name=flow_name,
            flow_version_id=flow_version_id,
            id=id,
            started_at=started_at,
            status=status,
            timeout_seconds=timeout_seconds,
            trigger_type=trigger_type,
            version=version,
            steps=steps,
            trigger_payload=trigger_payload,
        )


        flow_run.additional_properties = d
        return flow_run

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
