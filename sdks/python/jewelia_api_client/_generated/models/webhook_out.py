from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.webhook_stats import WebhookStats





T = TypeVar("T", bound="WebhookOut")



@_attrs_define
class WebhookOut:
    """ 
        Attributes:
            created_at (datetime.datetime):
            description (str):
            disabled_reason (None | str):
            enabled (bool):
            events (list[str]):
            failing_since (datetime.datetime | None):
            id (UUID):
            max_attempts (int):
            retry_base_seconds (float):
            secret_rotation_ends_at (datetime.datetime | None):
            updated_at (datetime.datetime):
            url (str):
            stats (None | Unset | WebhookStats):
     """

    created_at: datetime.datetime
    description: str
    disabled_reason: None | str
    enabled: bool
    events: list[str]
    failing_since: datetime.datetime | None
    id: UUID
    max_attempts: int
    retry_base_seconds: float
    secret_rotation_ends_at: datetime.datetime | None
    updated_at: datetime.datetime
    url: str
    stats: None | Unset | WebhookStats = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_stats import WebhookStats # noqa: PLC0415
        created_at = self.created_at.isoformat()

        description = self.description

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        enabled = self.enabled

        events = self.events



        failing_since: None | str
        if isinstance(self.failing_since, datetime.datetime):
            failing_since = self.failing_since.isoformat()
        else:
            failing_since = self.failing_since

        id = str(self.id)

        max_attempts = self.max_attempts

        retry_base_seconds = self.retry_base_seconds

        secret_rotation_ends_at: None | str
        if isinstance(self.secret_rotation_ends_at, datetime.datetime):
            secret_rotation_ends_at = self.secret_rotation_ends_at.isoformat()
        else:
            secret_rotation_ends_at = self.secret_rotation_ends_at

        updated_at = self.updated_at.isoformat()

        url = self.url

        stats: dict[str, Any] | None | Unset
        if isinstance(self.stats, Unset):
            stats = UNSET
        elif isinstance(self.stats, WebhookStats):
            stats = self.stats.to_dict()
        else:
            stats = self.stats


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "description": description,
            "disabled_reason": disabled_reason,
            "enabled": enabled,
            "events": events,
            "failing_since": failing_since,
            "id": id,
            "max_attempts": max_attempts,
            "retry_base_seconds": retry_base_seconds,
            "secret_rotation_ends_at": secret_rotation_ends_at,
            "updated_at": updated_at,
            "url": url,
        })
        if stats is not UNSET:
            field_dict["stats"] = stats

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_stats import WebhookStats # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        description = d.pop("description")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))


        enabled = d.pop("enabled")

        events = cast(list[str], d.pop("events"))


        def _parse_failing_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failing_since_type_0 = datetime.datetime.fromisoformat(data)



                return failing_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        failing_since = _parse_failing_since(d.pop("failing_since"))


        id = UUID(d.pop("id"))




        max_attempts = d.pop("max_attempts")

        retry_base_seconds = d.pop("retry_base_seconds")

        def _parse_secret_rotation_ends_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                secret_rotation_ends_at_type_0 = datetime.datetime.fromisoformat(data)



                return secret_rotation_ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        secret_rotation_ends_at = _parse_secret_rotation_ends_at(d.pop("secret_rotation_ends_at"))


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        url = d.pop("url")

        def _parse_stats(data: object) -> None | Unset | WebhookStats:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                stats_type_0 = WebhookStats.from_dict(data)



                return stats_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WebhookStats, data)

        stats = _parse_stats(d.pop("stats", UNSET))


        webhook_out = cls(
            created_at=created_at,
            description=description,
            disabled_reason=disabled_reason,
            enabled=enabled,
            events=events,
            failing_since=failing_since,
            id=id,
            max_attempts=max_attempts,
            retry_base_seconds=retry_base_seconds,
            secret_rotation_ends_at=secret_rotation_ends_at,
            updated_at=updated_at,
            url=url,
            stats=stats,
        )


        webhook_out.additional_properties = d
        return webhook_out

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
