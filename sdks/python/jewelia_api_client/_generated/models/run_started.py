from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from uuid import UUID






T = TypeVar("T", bound="RunStarted")



@_attrs_define
class RunStarted:
    """ 
        Attributes:
            flow_id (UUID):
            run_id (UUID):
            status (str):
            version (int):
     """

    flow_id: UUID
    run_id: UUID
    status: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        flow_id = str(self.flow_id)

        run_id = str(self.run_id)

        status = self.status

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "flow_id": flow_id,
            "run_id": run_id,
            "status": status,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        flow_id = UUID(d.pop("flow_id"))




        run_id = UUID(d.pop("run_id"))




        status = d.pop("status")

        version = d.pop("version")

        run_started = cls(
            flow_id=flow_id,
            run_id=run_id,
            status=status,
            version=version,
        )


        run_started.additional_properties = d
        return run_started

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
