from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.app_charge_payment_out import AppChargePaymentOut





T = TypeVar("T", bound="AppChargeOut")



@_attrs_define
class AppChargeOut:
    """ 
        Attributes:
            accepted_at (datetime.datetime | None):
            amount (str):
            cancelled_at (datetime.datetime | None):
            cap (None | str):
            created_at (datetime.datetime):
            currency (str):
            current_period_end (datetime.datetime | None):
            id (UUID):
            interval (None | str):
            kind (str):
            listing_id (UUID):
            listing_name (str):
            payments (list[AppChargePaymentOut]):
            refunded (str):
            status (str):
            terms (str):
            trial_days (int):
            trial_ends_at (datetime.datetime | None):
     """

    accepted_at: datetime.datetime | None
    amount: str
    cancelled_at: datetime.datetime | None
    cap: None | str
    created_at: datetime.datetime
    currency: str
    current_period_end: datetime.datetime | None
    id: UUID
    interval: None | str
    kind: str
    listing_id: UUID
    listing_name: str
    payments: list[AppChargePaymentOut]
    refunded: str
    status: str
    terms: str
    trial_days: int
    trial_ends_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.app_charge_payment_out import AppChargePaymentOut # noqa: PLC0415
        accepted_at: None | str
        if isinstance(self.accepted_at, datetime.datetime):
            accepted_at = self.accepted_at.isoformat()
        else:
            accepted_at = self.accepted_at

        amount = self.amount

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        cap: None | str
        cap = self.cap

        created_at = self.created_at.isoformat()

        currency = self.currency

        current_period_end: None | str
        if isinstance(self.current_period_end, datetime.datetime):
            current_period_end = self.current_period_end.isoformat()
        else:
            current_period_end = self.current_period_end

        id = str(self.id)

        interval: None | str
        interval = self.interval

        kind = self.kind

        listing_id = str(self.listing_id)

        listing_name = self.listing_name

        payments = []
        for payments_item_data in self.payments:
            payments_item = payments_item_data.to_dict()
            payments.append(payments_item)



        refunded = self.refunded

        status = self.status

        terms = self.terms

        trial_days = self.trial_days

        trial_ends_at: None | str
        if isinstance(self.trial_ends_at, datetime.datetime):
            trial_ends_at = self.trial_ends_at.isoformat()
        else:
            trial_ends_at = self.trial_ends_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "acceptedAt": accepted_at,
            "amount": amount,
            "cancelledAt": cancelled_at,
            "cap": cap,
            "createdAt": created_at,
            "currency": currency,
            "currentPeriodEnd": current_period_end,
            "id": id,
            "interval": interval,
            "kind": kind,
            "listingId": listing_id,
            "listingName": listing_name,
            "payments": payments,
            "refunded": refunded,
            "status": status,
            "terms": terms,
            "trialDays": trial_days,
            "trialEndsAt": trial_ends_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.app_charge_payment_out import AppChargePaymentOut # noqa: PLC0415
        d = dict(src_dict)
        def _parse_accepted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                accepted_at_type_0 = datetime.datetime.fromisoformat(data)



                return accepted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        accepted_at = _parse_accepted_at(d.pop("acceptedAt"))


        amount = d.pop("amount")

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)



                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelledAt"))


        def _parse_cap(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cap = _parse_cap(d.pop("cap"))


        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        currency = d.pop("currency")

        def _parse_current_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_end_type_0 = datetime.datetime.fromisoformat(data)



                return current_period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        current_period_end = _parse_current_period_end(d.pop("currentPeriodEnd"))


        id = UUID(d.pop("id"))




        def _parse_interval(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        interval = _parse_interval(d.pop("interval"))


        kind = d.pop("kind")

        listing_id = UUID(d.pop("listingId"))




        listing_name = d.pop("listingName")

        payments = []
        _payments = d.pop("payments")
        for payments_item_data in (_payments):
            payments_item = AppChargePaymentOut.from_dict(payments_item_data)



            payments.append(payments_item)


        refunded = d.pop("refunded")

        status = d.pop("status")

        terms = d.pop("terms")

        trial_days = d.pop("trialDays")

        def _parse_trial_ends_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trial_ends_at_type_0 = datetime.datetime.fromisoformat(data)



                return trial_ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        trial_ends_at = _parse_trial_ends_at(d.pop("trialEndsAt"))


        app_charge_out = cls(
            accepted_at=accepted_at,
            amount=amount,
            cancelled_at=cancelled_at,
            cap=cap,
            created_at=created_at,
            currency=currency,
            current_period_end=current_period_end,
            id=id,
            interval=interval,
            kind=kind,
            listing_id=listing_id,
            listing_name=listing_name,
            payments=payments,
            refunded=refunded,
            status=status,
            terms=terms,
            trial_days=trial_days,
            trial_ends_at=trial_ends_at,
        )


        app_charge_out.additional_properties = d
        return app_charge_out

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
