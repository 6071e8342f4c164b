from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="UsageSummary")



@_attrs_define
class UsageSummary:
    """ 
        Attributes:
            cap (str):
            currency (str):
            period (str):
            period_total (str):
            remaining (str):
     """

    cap: str
    currency: str
    period: str
    period_total: str
    remaining: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cap = self.cap

        currency = self.currency

        period = self.period

        period_total = self.period_total

        remaining = self.remaining


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cap": cap,
            "currency": currency,
            "period": period,
            "periodTotal": period_total,
            "remaining": remaining,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cap = d.pop("cap")

        currency = d.pop("currency")

        period = d.pop("period")

        period_total = d.pop("periodTotal")

        remaining = d.pop("remaining")

        usage_summary = cls(
            cap=cap,
            currency=currency,
            period=period,
            period_total=period_total,
            remaining=remaining,
        )


        usage_summary.additional_properties = d
        return usage_summary

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
