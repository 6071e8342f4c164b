from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.flow_list import FlowList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    template: None | str | Unset = UNSET,
    is_active: bool | None | Unset = UNSET,
    search: None | str | Unset = UNSET,

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

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_template: None | str | Unset
    if isinstance(template, Unset):
        json_template = UNSET
    else:
        json_template = template
    params["template"] = json_template

    json_is_active: bool | None | Unset
    if isinstance(is_active, Unset):
        json_is_active = UNSET
    else:
        json_is_active = is_active
    params["isActive"] = json_is_active

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/integrations/builder",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | FlowList | None:
    if response.status_code == 200:
        response_200 = FlowList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | FlowList]:
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
    cursor: None | str | Unset = UNSET,
    template: None | str | Unset = UNSET,
    is_active: bool | None | Unset = UNSET,
    search: None | str | Unset = UNSET,

) -> Response[Error | FlowList]:
    """ List flows, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        template (None | str | Unset): One of data_sync, new_order_notification, low_stock_alert,
            order_status_update_to_customer, customer_anniversary_email, metal_price_repricing,
            webhook_to_crm, daily_sales_report
        is_active (bool | None | Unset): Only active (or inactive) flows
        search (None | str | Unset): Text found in the flow's name

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FlowList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
cursor=cursor,
template=template,
is_active=is_active,
search=search,

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
    cursor: None | str | Unset = UNSET,
    template: None | str | Unset = UNSET,
    is_active: bool | None | Unset = UNSET,
    search: None | str | Unset = UNSET,

) -> Error | FlowList | None:
    """ List flows, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        template (None | str | Unset): One of data_sync, new_order_notification, low_stock_alert,
            order_status_update_to_customer, customer_anniversary_email, metal_price_repricing,
            webhook_to_crm, daily_sales_report
        is_active (bool | None | Unset): Only active (or inactive) flows
        search (None | str | Unset): Text found in the flow's name

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FlowList
     """


    return sync_detailed(
        client=client,
page=page,
limit=limit,
cursor=cursor,
template=template,
is_active=is_active,
search=search,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    template: None | str | Unset = UNSET,
    is_active: bool | None | Unset = UNSET,
    search: None | str | Unset = UNSET,

) -> Response[Error | FlowList]:
    """ List flows, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        template (None | str | Unset): One of data_sync, new_order_notification, low_stock_alert,
            order_status_update_to_customer, customer_anniversary_email, metal_price_repricing,
            webhook_to_crm, daily_sales_report
        is_active (bool | None | Unset): Only active (or inactive) flows
        search (None | str | Unset): Text found in the flow's name

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FlowList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
cursor=cursor,
template=template,
is_active=is_active,
search=search,

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
    cursor: None | str | Unset = UNSET,
    template: None | str | Unset = UNSET,
    is_active: bool | None | Unset = UNSET,
    search: None | str | Unset = UNSET,

) -> Error | FlowList | None:
    """ List flows, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        template (None | str | Unset): One of data_sync, new_order_notification, low_stock_alert,
            order_status_update_to_customer, customer_anniversary_email, metal_price_repricing,
            webhook_to_crm, daily_sales_report
        is_active (bool | None | Unset): Only active (or inactive) flows
        search (None | str | Unset): Text found in the flow's name

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FlowList
     """


    return (await asyncio_detailed(
        client=client,
page=page,
limit=limit,
cursor=cursor,
template=template,
is_active=is_active,
search=search,

    )).parsed
