from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.flow_run_list import FlowRunList
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    flow_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
    trigger: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,

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

    json_flow_id: None | str | Unset
    if isinstance(flow_id, Unset):
        json_flow_id = UNSET
    elif isinstance(flow_id, UUID):
        json_flow_id = str(flow_id)
    else:
        json_flow_id = flow_id
    params["flow_id"] = json_flow_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    json_trigger: None | str | Unset
    if isinstance(trigger, Unset):
        json_trigger = UNSET
    else:
        json_trigger = trigger
    params["trigger"] = json_trigger

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


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/integrations/builder/runs",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | FlowRunList | None:
    if response.status_code == 200:
        response_200 = FlowRunList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | FlowRunList]:
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
    flow_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
    trigger: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,

) -> Response[Error | FlowRunList]:
    """ List runs, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        flow_id (None | Unset | UUID): Runs of this flow
        status (None | str | Unset): queued, running, succeeded, failed, cancelled
        version (int | None | Unset): Runs of this version
        trigger (None | str | Unset): webhook, schedule, database_change, api_call or manual
        created_from (None | str | Unset): Created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): Created before (ISO 8601 date-time)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FlowRunList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
cursor=cursor,
flow_id=flow_id,
status=status,
version=version,
trigger=trigger,
created_from=created_from,
created_to=created_to,

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
    flow_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
    trigger: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,

) -> Error | FlowRunList | None:
    """ List runs, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        flow_id (None | Unset | UUID): Runs of this flow
        status (None | str | Unset): queued, running, succeeded, failed, cancelled
        version (int | None | Unset): Runs of this version
        trigger (None | str | Unset): webhook, schedule, database_change, api_call or manual
        created_from (None | str | Unset): Created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): Created before (ISO 8601 date-time)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FlowRunList
     """


    return sync_detailed(
        client=client,
page=page,
limit=limit,
cursor=cursor,
flow_id=flow_id,
status=status,
version=version,
trigger=trigger,
created_from=created_from,
created_to=created_to,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    flow_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
    trigger: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,

) -> Response[Error | FlowRunList]:
    """ List runs, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        flow_id (None | Unset | UUID): Runs of this flow
        status (None | str | Unset): queued, running, succeeded, failed, cancelled
        version (int | None | Unset): Runs of this version
        trigger (None | str | Unset): webhook, schedule, database_change, api_call or manual
        created_from (None | str | Unset): Created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): Created before (ISO 8601 date-time)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FlowRunList]
     """


    kwargs = _get_kwargs(
        page=page,
limit=limit,
cursor=cursor,
flow_id=flow_id,
status=status,
version=version,
trigger=trigger,
created_from=created_from,
created_to=created_to,

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
    flow_id: None | Unset | UUID = UNSET,
    status: None | str | Unset = UNSET,
    version: int | None | Unset = UNSET,
    trigger: None | str | Unset = UNSET,
    created_from: None | str | Unset = UNSET,
    created_to: None | str | Unset = UNSET,

) -> Error | FlowRunList | None:
    """ List runs, newest first

    Args:
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page
        flow_id (None | Unset | UUID): Runs of this flow
        status (None | str | Unset): queued, running, succeeded, failed, cancelled
        version (int | None | Unset): Runs of this version
        trigger (None | str | Unset): webhook, schedule, database_change, api_call or manual
        created_from (None | str | Unset): Created at or after (ISO 8601 date-time)
        created_to (None | str | Unset): Created before (ISO 8601 date-time)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FlowRunList
     """


    return (await asyncio_detailed(
        client=client,
page=page,
limit=limit,
cursor=cursor,
flow_id=flow_id,
status=status,
version=version,
trigger=trigger,
created_from=created_from,
created_to=created_to,

    )).parsed
