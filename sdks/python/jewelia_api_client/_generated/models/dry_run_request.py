from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dry_run_request_payload_type_0 import DryRunRequestPayloadType0





T = TypeVar("T", bound="DryRunRequest")



@_attrs_define
class DryRunRequest:
    """ 
        Attributes:
            payload (DryRunRequestPayloadType0 | None | Unset):
            version (int | None | Unset):
     """

    payload: DryRunRequestPayloadType0 | None | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dry_run_request_payload_type_0 import DryRunRequestPayloadType0 # noqa: PLC0415
        payload: dict[str, Any] | None | Unset
        if isinstance(self.payload, Unset):
            payload = UNSET
        elif isinstance(self.payload, DryRunRequestPayloadType0):
            payload = self.payload.to_dict()
        else:
            payload = self.payload

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if payload is not UNSET:
            field_dict["payload"] = payload
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dry_run_request_payload_type_0 import DryRunRequestPayloadType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_payload(data: object) -> DryRunRequestPayloadType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payload_type_0 = DryRunRequestPayloadType0.from_dict(data)



                return payload_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DryRunRequestPayloadType0 | None | Unset, data)

        payload = _parse_payload(d.pop("payload", UNSET))


        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))


        dry_run_request = cls(
            payload=payload,
            version=version,
        )


        dry_run_request.additional_properties = d
        return dry_run_request

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
