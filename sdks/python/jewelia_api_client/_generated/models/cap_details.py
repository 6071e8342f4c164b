from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CapDetails")



@_attrs_define
class CapDetails:
    """ 
        Attributes:
            amount (float):
            cap (float):
            currency (str):
            period (str):
            period_total (float):
            remaining (float):
     """

    amount: float
    cap: float
    currency: str
    period: str
    period_total: float
    remaining: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        cap = self.cap

        currency = self.currency

        period = self.period

        period_total = self.period_total

        remaining = self.remaining


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
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
        amount = d.pop("amount")

        cap = d.pop("cap")

        currency = d.pop("currency")

        period = d.pop("period")

        period_total = d.pop("periodTotal")

        remaining = d.pop("remaining")

        cap_details = cls(
            amount=amount,
            cap=cap,
            currency=currency,
            period=period,
            period_total=period_total,
            remaining=remaining,
        )


        cap_details.additional_properties = d
        return cap_details

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
