from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    flow_id: UUID,
    number: int,
    *,
    language: str | Unset = 'typescript',

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["language"] = language


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/integrations/builder/{flow_id}/versions/{number}/code".format(flow_id=quote(str(flow_id), safe=""),number=quote(str(number), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    flow_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    language: str | Unset = 'typescript',

) -> Response[Error | str]:
    """ A published version as a runnable program (a zip: TypeScript with @jewelia/api-client, or Python
    with jewelia-api-client, and a README)

    Args:
        flow_id (UUID):
        number (int): Version number
        language (str | Unset): typescript (default) or python Default: 'typescript'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
     """


    kwargs = _get_kwargs(
        flow_id=flow_id,
number=number,
language=language,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    flow_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    language: str | Unset = 'typescript',

) -> Error | str | None:
    """ A published version as a runnable program (a zip: TypeScript with @jewelia/api-client, or Python
    with jewelia-api-client, and a README)

    Args:
        flow_id (UUID):
        number (int): Version number
        language (str | Unset): typescript (default) or python Default: 'typescript'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
     """


    return sync_detailed(
        flow_id=flow_id,
number=number,
client=client,
language=language,

    ).parsed

async def asyncio_detailed(
    flow_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    language: str | Unset = 'typescript',

) -> Response[Error | str]:
    """ A published version as a runnable program (a zip: TypeScript with @jewelia/api-client, or Python
    with jewelia-api-client, and a README)

    Args:
        flow_id (UUID):
        number (int): Version number
        language (str | Unset): typescript (default) or python Default: 'typescript'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
     """


    kwargs = _get_kwargs(
        flow_id=flow_id,
number=number,
language=language,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    flow_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient | Client,
    language: str | Unset = 'typescript',

) -> Error | str | None:
    """ A published version as a runnable program (a zip: TypeScript with @jewelia/api-client, or Python
    with jewelia-api-client, and a README)

    Args:
        flow_id (UUID):
        number (int): Version number
        language (str | Unset): typescript (default) or python Default: 'typescript'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
     """


    return (await asyncio_detailed(
        flow_id=flow_id,
number=number,
client=client,
language=language,

    )).parsed
