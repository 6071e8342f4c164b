from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="FlowFile")



@_attrs_define
class FlowFile:
    """ 
        Attributes:
            created_at (datetime.datetime):
            download_url (str):
            expires_at (datetime.datetime | None):
            flow_id (UUID):
            format_ (str):
            id (UUID):
            kind (str):
            name (str):
            rows (int | None):
            run_id (None | UUID):
            size (int):
            step_path (None | str):
     """

    created_at: datetime.datetime
    download_url: str
    expires_at: datetime.datetime | None
    flow_id: UUID
    format_: str
    id: UUID
    kind: str
    name: str
    rows: int | None
    run_id: None | UUID
    size: int
    step_path: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        download_url = self.download_url

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        flow_id = str(self.flow_id)

        format_ = self.format_

        id = str(self.id)

        kind = self.kind

        name = self.name

        rows: int | None
        rows = self.rows

        run_id: None | str
        if isinstance(self.run_id, UUID):
            run_id = str(self.run_id)
        else:
            run_id = self.run_id

        size = self.size

        step_path: None | str
        step_path = self.step_path


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "downloadUrl": download_url,
            "expires_at": expires_at,
            "flow_id": flow_id,
            "format": format_,
            "id": id,
            "kind": kind,
            "name": name,
            "rows": rows,
            "run_id": run_id,
            "size": size,
            "step_path": step_path,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        download_url = d.pop("downloadUrl")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        flow_id = UUID(d.pop("flow_id"))




        format_ = d.pop("format")

        id = UUID(d.pop("id"))




        kind = d.pop("kind")

        name = d.pop("name")

        def _parse_rows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rows = _parse_rows(d.pop("rows"))


        def _parse_run_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_id_type_0 = UUID(data)



                return run_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        run_id = _parse_run_id(d.pop("run_id"))


        size = d.pop("size")

        def _parse_step_path(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        step_path = _parse_step_path(d.pop("step_path"))


        flow_file = cls(
            created_at=created_at,
            download_url=download_url,
            expires_at=expires_at,
            flow_id=flow_id,
            format_=format_,
            id=id,
            kind=kind,
            name=name,
            rows=rows,
            run_id=run_id,
            size=size,
            step_path=step_path,
        )


        flow_file.additional_properties = d
        return flow_file

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
