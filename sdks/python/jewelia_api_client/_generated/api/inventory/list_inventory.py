from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.item_list import ItemList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
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

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    else:
        json_category = category
    params["category"] = json_category

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search

    json_min_price: None | str | Unset
    if isinstance(min_price, Unset):
        json_min_price = UNSET
    else:
        json_min_price = min_price
    params["min_price"] = json_min_price

    json_max_price: None | str | Unset
    if isinstance(max_price, Unset):
        json_max_price = UNSET
    else:
        json_max_price = max_price
    params["max_price"] = json_max_price

    json_sort: None | str | Unset
    if isinstance(sort, Unset):
        json_sort = UNSET
    else:
        json_sort = sort
    params["sort"] = json_sort

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/inventory",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ItemList | None:
    if response.status_code == 200:
        response_200 = ItemList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ItemList]:
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
    category: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | ItemList]:
    """ List inventory items

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        category (None | str | Unset):
        status (None | str | Unset): in_stock, reserved, sold, on_memo, consignment, discontinued
        search (None | str | Unset):
        min_price (None | str | Unset):
        max_price (None | str | Unset):
        sort (None | str | Unset): created_at, name, sku, price, quantity; - for descending
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ItemList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
category=category,
status=status,
search=search,
min_price=min_price,
max_price=max_price,
sort=sort,
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
    category: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | ItemList | None:
    """ List inventory items

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        category (None | str | Unset):
        status (None | str | Unset): in_stock, reserved, sold, on_memo, consignment, discontinued
        search (None | str | Unset):
        min_price (None | str | Unset):
        max_price (None | str | Unset):
        sort (None | str | Unset): created_at, name, sku, price, quantity; - for descending
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ItemList
     """


    return sync_detailed(
        client=client,
page=page,
limit=limit,
category=category,
status=status,
search=search,
min_price=min_price,
max_price=max_price,
sort=sort,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    category: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | ItemList]:
    """ List inventory items

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        category (None | str | Unset):
        status (None | str | Unset): in_stock, reserved, sold, on_memo, consignment, discontinued
        search (None | str | Unset):
        min_price (None | str | Unset):
        max_price (None | str | Unset):
        sort (None | str | Unset): created_at, name, sku, price, quantity; - for descending
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ItemList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
category=category,
status=status,
search=search,
min_price=min_price,
max_price=max_price,
sort=sort,
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
    category: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    sort: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | ItemList | None:
    """ List inventory items

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        category (None | str | Unset):
        status (None | str | Unset): in_stock, reserved, sold, on_memo, consignment, discontinued
        search (None | str | Unset):
        min_price (None | str | Unset):
        max_price (None | str | Unset):
        sort (None | str | Unset): created_at, name, sku, price, quantity; - for descending
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ItemList
     """


    return (await asyncio_detailed(
        client=client,
page=page,
limit=limit,
category=category,
status=status,
search=search,
min_price=min_price,
max_price=max_price,
sort=sort,
cursor=cursor,

    )).parsed
