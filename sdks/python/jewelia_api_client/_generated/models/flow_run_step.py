from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="FlowRunStep")



@_attrs_define
class FlowRunStep:
    """ 
        Attributes:
            attempts (int):
            duration_ms (int | None):
            error (None | str):
            error_type (None | str):
            finished_at (datetime.datetime | None):
            idempotency_key (str):
            input_ (Any):
            next_attempt_at (datetime.datetime | None):
            output (Any):
            output_ref (None | UUID):
            output_size (int | None):
            started_at (datetime.datetime | None):
            status (str):
            step_id (str):
            step_path (str):
            type_ (str):
     """

    attempts: int
    duration_ms: int | None
    error: None | str
    error_type: None | str
    finished_at: datetime.datetime | None
    idempotency_key: str
    input_: Any
    next_attempt_at: datetime.datetime | None
    output: Any
    output_ref: None | UUID
    output_size: int | None
    started_at: datetime.datetime | None
    status: str
    step_id: str
    step_path: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        duration_ms: int | None
        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        error_type: None | str
        error_type = self.error_type

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        idempotency_key = self.idempotency_key

        input_ = self.input_

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        output = self.output

        output_ref: None | str
        if isinstance(self.output_ref, UUID):
            output_ref = str(self.output_ref)
        else:
            output_ref = self.output_ref

        output_size: int | None
        output_size = self.output_size

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        step_id = self.step_id

        step_path = self.step_path

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "duration_ms": duration_ms,
            "error": error,
            "error_type": error_type,
            "finished_at": finished_at,
            "idempotency_key": idempotency_key,
            "input": input_,
            "next_attempt_at": next_attempt_at,
            "output": output,
            "output_ref": output_ref,
            "output_size": output_size,
            "started_at": started_at,
            "status": status,
            "step_id": step_id,
            "step_path": step_path,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

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


        idempotency_key = d.pop("idempotency_key")

        input_ = d.pop("input")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))


        output = d.pop("output")

        def _parse_output_ref(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                output_ref_type_0 = UUID(data)



                return output_ref_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        output_ref = _parse_output_ref(d.pop("output_ref"))


        def _parse_output_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        output_size = _parse_output_size(d.pop("output_size"))


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

        step_id = d.pop("step_id")

        step_path = d.pop("step_path")

        type_ = d.pop("type")

        flow_run_step = cls(
            attempts=attempts,
            duration_ms=duration_ms,
            error=error,
            error_type=error_type,
            finished_at=finished_at,
            idempotency_key=idempotency_key,
            input_=input_,
            next_attempt_at=next_attempt_at,
            output=output,
            output_ref=output_ref,
            output_size=output_size,
            started_at=started_at,
            status=status,
            step_id=step_id,
            step_path=step_path,
            type_=type_,
        )


        flow_run_step.additional_properties = d
        return flow_run_step

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
