from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.receive_webhook_body import ReceiveWebhookBody
from ...models.received_envelope import ReceivedEnvelope
from typing import cast
from uuid import UUID



def _get_kwargs(
    integration_id: UUID,
    *,
    body: ReceiveWebhookBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/{integration_id}".format(integration_id=quote(str(integration_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ReceivedEnvelope | None:
    if response.status_code == 200:
        response_200 = ReceivedEnvelope.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = ReceivedEnvelope.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ReceivedEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    integration_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiveWebhookBody,

) -> Response[Error | ReceivedEnvelope]:
    """ Receive a signed event from an integration

     Receive an event from an installed integration (no API key: the
    sender signs). Sign with HMAC-SHA256, key = the source's secret (`whsec_…`, UTF-8), written
    `sha256=<hex>`, either in the `X-Webhook-Signature` header over the raw body, or in the body's
    `signature` field computed over the body as sent but with `"signature": ""` (the value
    replaced by empty quotes). A `timestamp` (ISO 8601 with zone, or Unix seconds) in the body or
    a `webhook-timestamp` header must be within 5 minutes. Events are deduplicated by the body's
    `id` (or the `webhook-id` header) and by the body's SHA-256: a repeat answers 200 with
    `duplicate: true`; a new event answers 202 and is processed by a worker.

    Args:
        integration_id (UUID):
        body (ReceiveWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReceivedEnvelope]
     """


    kwargs = _get_kwargs(
        integration_id=integration_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    integration_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiveWebhookBody,

) -> Error | ReceivedEnvelope | None:
    """ Receive a signed event from an integration

     Receive an event from an installed integration (no API key: the
    sender signs). Sign with HMAC-SHA256, key = the source's secret (`whsec_…`, UTF-8), written
    `sha256=<hex>`, either in the `X-Webhook-Signature` header over the raw body, or in the body's
    `signature` field computed over the body as sent but with `"signature": ""` (the value
    replaced by empty quotes). A `timestamp` (ISO 8601 with zone, or Unix seconds) in the body or
    a `webhook-timestamp` header must be within 5 minutes. Events are deduplicated by the body's
    `id` (or the `webhook-id` header) and by the body's SHA-256: a repeat answers 200 with
    `duplicate: true`; a new event answers 202 and is processed by a worker.

    Args:
        integration_id (UUID):
        body (ReceiveWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReceivedEnvelope
     """


    return sync_detailed(
        integration_id=integration_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    integration_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiveWebhookBody,

) -> Response[Error | ReceivedEnvelope]:
    """ Receive a signed event from an integration

     Receive an event from an installed integration (no API key: the
    sender signs). Sign with HMAC-SHA256, key = the source's secret (`whsec_…`, UTF-8), written
    `sha256=<hex>`, either in the `X-Webhook-Signature` header over the raw body, or in the body's
    `signature` field computed over the body as sent but with `"signature": ""` (the value
    replaced by empty quotes). A `timestamp` (ISO 8601 with zone, or Unix seconds) in the body or
    a `webhook-timestamp` header must be within 5 minutes. Events are deduplicated by the body's
    `id` (or the `webhook-id` header) and by the body's SHA-256: a repeat answers 200 with
    `duplicate: true`; a new event answers 202 and is processed by a worker.

    Args:
        integration_id (UUID):
        body (ReceiveWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReceivedEnvelope]
     """


    kwargs = _get_kwargs(
        integration_id=integration_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    integration_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiveWebhookBody,

) -> Error | ReceivedEnvelope | None:
    """ Receive a signed event from an integration

     Receive an event from an installed integration (no API key: the
    sender signs). Sign with HMAC-SHA256, key = the source's secret (`whsec_…`, UTF-8), written
    `sha256=<hex>`, either in the `X-Webhook-Signature` header over the raw body, or in the body's
    `signature` field computed over the body as sent but with `"signature": ""` (the value
    replaced by empty quotes). A `timestamp` (ISO 8601 with zone, or Unix seconds) in the body or
    a `webhook-timestamp` header must be within 5 minutes. Events are deduplicated by the body's
    `id` (or the `webhook-id` header) and by the body's SHA-256: a repeat answers 200 with
    `duplicate: true`; a new event answers 202 and is processed by a worker.

    Args:
        integration_id (UUID):
        body (ReceiveWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReceivedEnvelope
     """


    return (await asyncio_detailed(
        integration_id=integration_id,
client=client,
body=body,

    )).parsed
