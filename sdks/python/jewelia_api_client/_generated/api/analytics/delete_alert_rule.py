from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.deleted_alert_rule_envelope import DeletedAlertRuleEnvelope
from ...models.error import Error
from typing import cast
from uuid import UUID



def _get_kwargs(
    rule_id: UUID,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/analytics/alerts/{rule_id}".format(rule_id=quote(str(rule_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeletedAlertRuleEnvelope | Error | None:
    if response.status_code == 200:
        response_200 = DeletedAlertRuleEnvelope.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DeletedAlertRuleEnvelope | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    rule_id: UUID,
    *,
    client: AuthenticatedClient | Client,

) -> Response[DeletedAlertRuleEnvelope | Error]:
    """ Delete an alert rule and its incidents

    Args:
        rule_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedAlertRuleEnvelope | Error]
     """


    kwargs = _get_kwargs(
        rule_id=rule_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    rule_id: UUID,
    *,
    client: AuthenticatedClient | Client,

) -> DeletedAlertRuleEnvelope | Error | None:
    """ Delete an alert rule and its incidents

    Args:
        rule_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedAlertRuleEnvelope | Error
     """


    return sync_detailed(
        rule_id=rule_id,
client=client,

    ).parsed

async def asyncio_detailed(
    rule_id: UUID,
    *,
    client: AuthenticatedClient | Client,

) -> Response[DeletedAlertRuleEnvelope | Error]:
    """ Delete an alert rule and its incidents

    Args:
        rule_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedAlertRuleEnvelope | Error]
     """


    kwargs = _get_kwargs(
        rule_id=rule_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    rule_id: UUID,
    *,
    client: AuthenticatedClient | Client,

) -> DeletedAlertRuleEnvelope | Error | None:
    """ Delete an alert rule and its incidents

    Args:
        rule_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedAlertRuleEnvelope | Error
     """


    return (await asyncio_detailed(
        rule_id=rule_id,
client=client,

    )).parsed
