from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AppChargePaymentOut")



@_attrs_define
class AppChargePaymentOut:
    """ 
        Attributes:
            amount (str):
            created_at (datetime.datetime):
            currency (str):
            id (str):
            kind (str):
            period_end (datetime.datetime | None):
            period_start (datetime.datetime | None):
            status (str):
     """

    amount: str
    created_at: datetime.datetime
    currency: str
    id: str
    kind: str
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created_at = self.created_at.isoformat()

        currency = self.currency

        id = self.id

        kind = self.kind

        period_end: None | str
        if isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str
        if isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "createdAt": created_at,
            "currency": currency,
            "id": id,
            "kind": kind,
            "periodEnd": period_end,
            "periodStart": period_start,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        currency = d.pop("currency")

        id = d.pop("id")

        kind = d.pop("kind")

        def _parse_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)



                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_end = _parse_period_end(d.pop("periodEnd"))


        def _parse_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)



                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_start = _parse_period_start(d.pop("periodStart"))


        status = d.pop("status")

        app_charge_payment_out = cls(
            amount=amount,
            created_at=created_at,
            currency=currency,
            id=id,
            kind=kind,
            period_end=period_end,
            period_start=period_start,
            status=status,
        )


        app_charge_payment_out.additional_properties = d
        return app_charge_payment_out

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
