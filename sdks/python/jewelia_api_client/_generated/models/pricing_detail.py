from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PricingDetail")



@_attrs_define
class PricingDetail:
    """ 
        Attributes:
            amount (float):
            billing_cycle (None | str):
            currency (str):
            model (str):
            trial_days (int):
     """

    amount: float
    billing_cycle: None | str
    currency: str
    model: str
    trial_days: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        billing_cycle: None | str
        billing_cycle = self.billing_cycle

        currency = self.currency

        model = self.model

        trial_days = self.trial_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "billingCycle": billing_cycle,
            "currency": currency,
            "model": model,
            "trialDays": trial_days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        def _parse_billing_cycle(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        billing_cycle = _parse_billing_cycle(d.pop("billingCycle"))


        currency = d.pop("currency")

        model = d.pop("model")

        trial_days = d.pop("trialDays")

        pricing_detail = cls(
            amount=amount,
            billing_cycle=billing_cycle,
            currency=currency,
            model=model,
            trial_days=trial_days,
        )


        pricing_detail.additional_properties = d
        return pricing_detail

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
