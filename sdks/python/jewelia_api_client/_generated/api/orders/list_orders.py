from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.order_list import OrderList
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    status: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    payment_status: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_page: int | None | Unset
    if isinstance(page, Unset):
        json_page = UNSET
    else:
        json_page = page
    params["page"] = json_page

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    json_customer_id: None | str | Unset
    if isinstance(customer_id, Unset):
        json_customer_id = UNSET
    elif isinstance(customer_id, UUID):
        json_customer_id = str(customer_id)
    else:
        json_customer_id = customer_id
    params["customer_id"] = json_customer_id

    json_payment_status: None | str | Unset
    if isinstance(payment_status, Unset):
        json_payment_status = UNSET
    else:
        json_payment_status = payment_status
    params["payment_status"] = json_payment_status

    json_created_from: None | str | Unset
    if isinstance(created_from, Unset):
        json_created_from = UNSET
    else:
        json_created_from = created_from
    params["created_from"] = json_created_from

    json_created_to: None | str | Unset
    if isinstance(created_to, Unset):
        json_created_to = UNSET
    else:
        json_created_to = created_to
    params["created_to"] = json_created_to

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/orders",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderList | None:
    if response.status_code == 200:
        response_200 = OrderList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OrderList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    status: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    payment_status: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | OrderList]:
    """ List orders, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        status (None | str | Unset): pending, confirmed, in_production, ready, completed,
            cancelled
        customer_id (None | Unset | UUID):
        payment_status (None | str | Unset): pending, partially_paid, paid, refunded, failed
        created_from (None | str | Unset): created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): created before (ISO 8601 date-time)
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
status=status,
customer_id=customer_id,
payment_status=payment_status,
created_from=created_from,
created_to=created_to,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    status: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    payment_status: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | OrderList | None:
    """ List orders, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        status (None | str | Unset): pending, confirmed, in_production, ready, completed,
            cancelled
        customer_id (None | Unset | UUID):
        payment_status (None | str | Unset): pending, partially_paid, paid, refunded, failed
        created_from (None | str | Unset): created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): created before (ISO 8601 date-time)
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderList
     """


    return sync_detailed(
        client=client,
page=page,
limit=limit,
status=status,
customer_id=customer_id,
payment_status=payment_status,
created_from=created_from,
created_to=created_to,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    status: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    payment_status: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | OrderList]:
    """ List orders, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        status (None | str | Unset): pending, confirmed, in_production, ready, completed,
            cancelled
        customer_id (None | Unset | UUID):
        payment_status (None | str | Unset): pending, partially_paid, paid, refunded, failed
        created_from (None | str | Unset): created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): created before (ISO 8601 date-time)
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
status=status,
customer_id=customer_id,
payment_status=payment_status,
created_from=created_from,
created_to=created_to,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    status: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    payment_status: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | OrderList | None:
    """ List orders, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        status (None | str | Unset): pending, confirmed, in_production, ready, completed,
            cancelled
        customer_id (None | Unset | UUID):
        payment_status (None | str | Unset): pending, partially_paid, paid, refunded, failed
        created_from (None | str | Unset): created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): created before (ISO 8601 date-time)
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderList
     """


    return (await asyncio_detailed(
        client=client,
page=page,
limit=limit,
status=status,
customer_id=customer_id,
payment_status=payment_status,
created_from=created_from,
created_to=created_to,
cursor=cursor,

    )).parsed
