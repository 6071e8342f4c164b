from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="WebhookStats")



@_attrs_define
class WebhookStats:
    """ 
        Attributes:
            failed (int):
            p50_ms (float | None):
            p95_ms (float | None):
            succeeded (int):
            success_rate (float | None):
            total (int):
            waiting (int):
     """

    failed: int
    p50_ms: float | None
    p95_ms: float | None
    succeeded: int
    success_rate: float | None
    total: int
    waiting: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        failed = self.failed

        p50_ms: float | None
        p50_ms = self.p50_ms

        p95_ms: float | None
        p95_ms = self.p95_ms

        succeeded = self.succeeded

        success_rate: float | None
        success_rate = self.success_rate

        total = self.total

        waiting = self.waiting


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "failed": failed,
            "p50_ms": p50_ms,
            "p95_ms": p95_ms,
            "succeeded": succeeded,
            "success_rate": success_rate,
            "total": total,
            "waiting": waiting,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        failed = d.pop("failed")

        def _parse_p50_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p50_ms = _parse_p50_ms(d.pop("p50_ms"))


        def _parse_p95_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p95_ms = _parse_p95_ms(d.pop("p95_ms"))


        succeeded = d.pop("succeeded")

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))


        total = d.pop("total")

        waiting = d.pop("waiting")

        webhook_stats = cls(
            failed=failed,
            p50_ms=p50_ms,
            p95_ms=p95_ms,
            succeeded=succeeded,
            success_rate=success_rate,
            total=total,
            waiting=waiting,
        )


        webhook_stats.additional_properties = d
        return webhook_stats

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
