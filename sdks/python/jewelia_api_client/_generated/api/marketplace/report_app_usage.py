from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.cap_exceeded import CapExceeded
from ...models.error import Error
from ...models.usage_create import UsageCreate
from ...models.usage_envelope import UsageEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: UsageCreate,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/marketplace/usage",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CapExceeded | Error | UsageEnvelope | None:
    if response.status_code == 201:
        response_201 = UsageEnvelope.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 402:
        response_402 = CapExceeded.from_dict(response.json())



        return response_402

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())



        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CapExceeded | Error | UsageEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UsageCreate,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[CapExceeded | Error | UsageEnvelope]:
    """ Report usage of a usage-based app (app token only; idempotent by key; refused whole over the
    business's monthly cap)

    Args:
        idempotency_key (None | str | Unset): The report's idempotency key when the body has no
            idempotencyKey
        body (UsageCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CapExceeded | Error | UsageEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UsageCreate,
    idempotency_key: None | str | Unset = UNSET,

) -> CapExceeded | Error | UsageEnvelope | None:
    """ Report usage of a usage-based app (app token only; idempotent by key; refused whole over the
    business's monthly cap)

    Args:
        idempotency_key (None | str | Unset): The report's idempotency key when the body has no
            idempotencyKey
        body (UsageCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CapExceeded | Error | UsageEnvelope
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UsageCreate,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[CapExceeded | Error | UsageEnvelope]:
    """ Report usage of a usage-based app (app token only; idempotent by key; refused whole over the
    business's monthly cap)

    Args:
        idempotency_key (None | str | Unset): The report's idempotency key when the body has no
            idempotencyKey
        body (UsageCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CapExceeded | Error | UsageEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UsageCreate,
    idempotency_key: None | str | Unset = UNSET,

) -> CapExceeded | Error | UsageEnvelope | None:
    """ Report usage of a usage-based app (app token only; idempotent by key; refused whole over the
    business's monthly cap)

    Args:
        idempotency_key (None | str | Unset): The report's idempotency key when the body has no
            idempotencyKey
        body (UsageCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CapExceeded | Error | UsageEnvelope
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
