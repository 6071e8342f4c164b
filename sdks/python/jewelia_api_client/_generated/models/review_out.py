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
  from ..models.review_reply import ReviewReply





T = TypeVar("T", bound="ReviewOut")



@_attrs_define
class ReviewOut:
    """ 
        Attributes:
            body (str):
            business (str):
            created_at (datetime.datetime):
            edited (bool):
            id (UUID):
            listing_id (UUID):
            rating (int):
            reply (None | ReviewReply):
            status (str):
            updated_at (datetime.datetime):
            used_for (str):
            used_for_seconds (int):
     """

    body: str
    business: str
    created_at: datetime.datetime
    edited: bool
    id: UUID
    listing_id: UUID
    rating: int
    reply: None | ReviewReply
    status: str
    updated_at: datetime.datetime
    used_for: str
    used_for_seconds: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.review_reply import ReviewReply # noqa: PLC0415
        body = self.body

        business = self.business

        created_at = self.created_at.isoformat()

        edited = self.edited

        id = str(self.id)

        listing_id = str(self.listing_id)

        rating = self.rating

        reply: dict[str, Any] | None
        if isinstance(self.reply, ReviewReply):
            reply = self.reply.to_dict()
        else:
            reply = self.reply

        status = self.status

        updated_at = self.updated_at.isoformat()

        used_for = self.used_for

        used_for_seconds = self.used_for_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "body": body,
            "business": business,
            "createdAt": created_at,
            "edited": edited,
            "id": id,
            "listingId": listing_id,
            "rating": rating,
            "reply": reply,
            "status": status,
            "updatedAt": updated_at,
            "usedFor": used_for,
            "usedForSeconds": used_for_seconds,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_reply import ReviewReply # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        business = d.pop("business")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        edited = d.pop("edited")

        id = UUID(d.pop("id"))




        listing_id = UUID(d.pop("listingId"))




        rating = d.pop("rating")

        def _parse_reply(data: object) -> None | ReviewReply:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reply_type_0 = ReviewReply.from_dict(data)



                return reply_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewReply, data)

        reply = _parse_reply(d.pop("reply"))


        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        used_for = d.pop("usedFor")

        used_for_seconds = d.pop("usedForSeconds")

        review_out = cls(
            body=body,
            business=business,
            created_at=created_at,
            edited=edited,
            id=id,
            listing_id=listing_id,
            rating=rating,
            reply=reply,
            status=status,
            updated_at=updated_at,
            used_for=used_for,
            used_for_seconds=used_for_seconds,
        )


        review_out.additional_properties = d
        return review_out

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
