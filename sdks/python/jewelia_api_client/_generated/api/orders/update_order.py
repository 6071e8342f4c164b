from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.order_envelope import OrderEnvelope
from ...models.order_update import OrderUpdate
from typing import cast
from uuid import UUID



def _get_kwargs(
    order_id: UUID,
    *,
    body: OrderUpdate,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/orders/{order_id}".format(order_id=quote(str(order_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderEnvelope | None:
    if response.status_code == 200:
        response_200 = OrderEnvelope.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OrderEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: OrderUpdate,

) -> Response[Error | OrderEnvelope]:
    """ Update an order's status, payment status or notes (fields sent)

    Args:
        order_id (UUID):
        body (OrderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderEnvelope]
     """


    kwargs = _get_kwargs(
        order_id=order_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    order_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: OrderUpdate,

) -> Error | OrderEnvelope | None:
    """ Update an order's status, payment status or notes (fields sent)

    Args:
        order_id (UUID):
        body (OrderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderEnvelope
     """


    return sync_detailed(
        order_id=order_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    order_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: OrderUpdate,

) -> Response[Error | OrderEnvelope]:
    """ Update an order's status, payment status or notes (fields sent)

    Args:
        order_id (UUID):
        body (OrderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderEnvelope]
     """


    kwargs = _get_kwargs(
        order_id=order_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    order_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: OrderUpdate,

) -> Error | OrderEnvelope | None:
    """ Update an order's status, payment status or notes (fields sent)

    Args:
        order_id (UUID):
        body (OrderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderEnvelope
     """


    return (await asyncio_detailed(
        order_id=order_id,
client=client,
body=body,

    )).parsed
