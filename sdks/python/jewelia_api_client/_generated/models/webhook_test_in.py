from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.webhook_test_in_headers import WebhookTestInHeaders





T = TypeVar("T", bound="WebhookTestIn")



@_attrs_define
class WebhookTestIn:
    """ 
        Attributes:
            webhook_url (str): http(s) URL of your endpoint
            headers (WebhookTestInHeaders | Unset):
            method (str | Unset): POST, PUT or PATCH Default: 'POST'.
            payload (Any | Unset):
            retries (int | Unset): Extra attempts on failure or 5xx Default: 0.
            secret (None | str | Unset): The signing secret (whsec_… or any other text)
            timeout (int | Unset): Per attempt, in milliseconds Default: 10000.
     """

    webhook_url: str
    headers: WebhookTestInHeaders | Unset = UNSET
    method: str | Unset = 'POST'
    payload: Any | Unset = UNSET
    retries: int | Unset = 0
    secret: None | str | Unset = UNSET
    timeout: int | Unset = 10000
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_test_in_headers import WebhookTestInHeaders # noqa: PLC0415
        webhook_url = self.webhook_url

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        method = self.method

        payload = self.payload

        retries = self.retries

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        timeout = self.timeout


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "webhookUrl": webhook_url,
        })
        if headers is not UNSET:
            field_dict["headers"] = headers
        if method is not UNSET:
            field_dict["method"] = method
        if payload is not UNSET:
            field_dict["payload"] = payload
        if retries is not UNSET:
            field_dict["retries"] = retries
        if secret is not UNSET:
            field_dict["secret"] = secret
        if timeout is not UNSET:
            field_dict["timeout"] = timeout

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_test_in_headers import WebhookTestInHeaders # noqa: PLC0415
        d = dict(src_dict)
        webhook_url = d.pop("webhookUrl")

        _headers = d.pop("headers", UNSET)
        headers: WebhookTestInHeaders | Unset
        if isinstance(_headers,  Unset):
            headers = UNSET
        else:
            headers = WebhookTestInHeaders.from_dict(_headers)




        method = d.pop("method", UNSET)

        payload = d.pop("payload", UNSET)

        retries = d.pop("retries", UNSET)

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))


        timeout = d.pop("timeout", UNSET)

        webhook_test_in = cls(
            webhook_url=webhook_url,
            headers=headers,
            method=method,
            payload=payload,
            retries=retries,
            secret=secret,
            timeout=timeout,
        )


        webhook_test_in.additional_properties = d
        return webhook_test_in

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
