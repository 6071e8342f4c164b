from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.api_usage_envelope import ApiUsageEnvelope
from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    start_date: None | str | Unset = UNSET,
    end_date: None | str | Unset = UNSET,
    group_by: str | Unset = 'day',
    api_key: None | str | Unset = UNSET,
    route: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    source: str | Unset = 'server',

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_start_date: None | str | Unset
    if isinstance(start_date, Unset):
        json_start_date = UNSET
    else:
        json_start_date = start_date
    params["startDate"] = json_start_date

    json_end_date: None | str | Unset
    if isinstance(end_date, Unset):
        json_end_date = UNSET
    else:
        json_end_date = end_date
    params["endDate"] = json_end_date

    params["groupBy"] = group_by

    json_api_key: None | str | Unset
    if isinstance(api_key, Unset):
        json_api_key = UNSET
    else:
        json_api_key = api_key
    params["apiKey"] = json_api_key

    json_route: None | str | Unset
    if isinstance(route, Unset):
        json_route = UNSET
    else:
        json_route = route
    params["route"] = json_route

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    params["source"] = source


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/api-usage",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ApiUsageEnvelope | Error | None:
    if response.status_code == 200:
        response_200 = ApiUsageEnvelope.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ApiUsageEnvelope | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_date: None | str | Unset = UNSET,
    end_date: None | str | Unset = UNSET,
    group_by: str | Unset = 'day',
    api_key: None | str | Unset = UNSET,
    route: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    source: str | Unset = 'server',

) -> Response[ApiUsageEnvelope | Error]:
    """ API usage: requests, failures and latency over time, by endpoint and by key

     Measured by the server (source=server, the default) or as logged by clients (source=client). The
    current hour is counted as it happens.

    Args:
        start_date (None | str | Unset): ISO 8601; default the start of the day 29 days ago
            (groupBy=hour: of the hour 23 hours ago)
        end_date (None | str | Unset): ISO 8601, exclusive; default now
        group_by (str | Unset): hour, day (default) or week (UTC) Default: 'day'.
        api_key (None | str | Unset): An API key's id or prefix
        route (None | str | Unset): A route template, e.g. /customers/{id}
        status (None | str | Unset): A status class: 2xx … 5xx
        source (str | Unset): server (default) or client Default: 'server'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiUsageEnvelope | Error]
     """


    kwargs = _get_kwargs(
        start_date=start_date,
end_date=end_date,
group_by=group_by,
api_key=api_key,
route=route,
status=status,
source=source,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    start_date: None | str | Unset = UNSET,
    end_date: None | str | Unset = UNSET,
    group_by: str | Unset = 'day',
    api_key: None | str | Unset = UNSET,
    route: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    source: str | Unset = 'server',

) -> ApiUsageEnvelope | Error | None:
    """ API usage: requests, failures and latency over time, by endpoint and by key

     Measured by the server (source=server, the default) or as logged by clients (source=client). The
    current hour is counted as it happens.

    Args:
        start_date (None | str | Unset): ISO 8601; default the start of the day 29 days ago
            (groupBy=hour: of the hour 23 hours ago)
        end_date (None | str | Unset): ISO 8601, exclusive; default now
        group_by (str | Unset): hour, day (default) or week (UTC) Default: 'day'.
        api_key (None | str | Unset): An API key's id or prefix
        route (None | str | Unset): A route template, e.g. /customers/{id}
        status (None | str | Unset): A status class: 2xx … 5xx
        source (str | Unset): server (default) or client Default: 'server'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiUsageEnvelope | Error
     """


    return sync_detailed(
        client=client,
start_date=start_date,
end_date=end_date,
group_by=group_by,
api_key=api_key,
route=route,
status=status,
source=source,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_date: None | str | Unset = UNSET,
    end_date: None | str | Unset = UNSET,
    group_by: str | Unset = 'day',
    api_key: None | str | Unset = UNSET,
    route: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    source: str | Unset = 'server',

) -> Response[ApiUsageEnvelope | Error]:
    """ API usage: requests, failures and latency over time, by endpoint and by key

     Measured by the server (source=server, the default) or as logged by clients (source=client). The
    current hour is counted as it happens.

    Args:
        start_date (None | str | Unset): ISO 8601; default the start of the day 29 days ago
            (groupBy=hour: of the hour 23 hours ago)
        end_date (None | str | Unset): ISO 8601, exclusive; default now
        group_by (str | Unset): hour, day (default) or week (UTC) Default: 'day'.
        api_key (None | str | Unset): An API key's id or prefix
        route (None | str | Unset): A route template, e.g. /customers/{id}
        status (None | str | Unset): A status class: 2xx … 5xx
        source (str | Unset): server (default) or client Default: 'server'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiUsageEnvelope | Error]
     """


    kwargs = _get_kwargs(
        start_date=start_date,
end_date=end_date,
group_by=group_by,
api_key=api_key,
route=route,
status=status,
source=source,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    start_date: None | str | Unset = UNSET,
    end_date: None | str | Unset = UNSET,
    group_by: str | Unset = 'day',
    api_key: None | str | Unset = UNSET,
    route: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    source: str | Unset = 'server',

) -> ApiUsageEnvelope | Error | None:
    """ API usage: requests, failures and latency over time, by endpoint and by key

     Measured by the server (source=server, the default) or as logged by clients (source=client). The
    current hour is counted as it happens.

    Args:
        start_date (None | str | Unset): ISO 8601; default the start of the day 29 days ago
            (groupBy=hour: of the hour 23 hours ago)
        end_date (None | str | Unset): ISO 8601, exclusive; default now
        group_by (str | Unset): hour, day (default) or week (UTC) Default: 'day'.
        api_key (None | str | Unset): An API key's id or prefix
        route (None | str | Unset): A route template, e.g. /customers/{id}
        status (None | str | Unset): A status class: 2xx … 5xx
        source (str | Unset): server (default) or client Default: 'server'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiUsageEnvelope | Error
     """


    return (await asyncio_detailed(
        client=client,
start_date=start_date,
end_date=end_date,
group_by=group_by,
api_key=api_key,
route=route,
status=status,
source=source,

    )).parsed
