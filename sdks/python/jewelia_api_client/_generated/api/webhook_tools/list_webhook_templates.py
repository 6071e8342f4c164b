from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.list_webhook_templates_category_type_0 import check_list_webhook_templates_category_type_0
from ...models.list_webhook_templates_category_type_0 import ListWebhookTemplatesCategoryType0
from ...models.template_list_envelope import TemplateListEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    category: ListWebhookTemplatesCategoryType0 | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    elif isinstance(category, str):
        json_category = category
    else:
        json_category = category
    params["category"] = json_category


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/webhooks/test",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | TemplateListEnvelope | None:
    if response.status_code == 200:
        response_200 = TemplateListEnvelope.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | TemplateListEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    category: ListWebhookTemplatesCategoryType0 | None | Unset = UNSET,

) -> Response[Error | TemplateListEnvelope]:
    """ Webhook templates

     Example requests with `{{variable}}` placeholders and the variables they take.

    Args:
        category (ListWebhookTemplatesCategoryType0 | None | Unset): Only this category's
            templates

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TemplateListEnvelope]
     """


    kwargs = _get_kwargs(
        category=category,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    category: ListWebhookTemplatesCategoryType0 | None | Unset = UNSET,

) -> Error | TemplateListEnvelope | None:
    """ Webhook templates

     Example requests with `{{variable}}` placeholders and the variables they take.

    Args:
        category (ListWebhookTemplatesCategoryType0 | None | Unset): Only this category's
            templates

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TemplateListEnvelope
     """


    return sync_detailed(
        client=client,
category=category,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    category: ListWebhookTemplatesCategoryType0 | None | Unset = UNSET,

) -> Response[Error | TemplateListEnvelope]:
    """ Webhook templates

     Example requests with `{{variable}}` placeholders and the variables they take.

    Args:
        category (ListWebhookTemplatesCategoryType0 | None | Unset): Only this category's
            templates

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TemplateListEnvelope]
     """


    kwargs = _get_kwargs(
        category=category,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    category: ListWebhookTemplatesCategoryType0 | None | Unset = UNSET,

) -> Error | TemplateListEnvelope | None:
    """ Webhook templates

     Example requests with `{{variable}}` placeholders and the variables they take.

    Args:
        category (ListWebhookTemplatesCategoryType0 | None | Unset): Only this category's
            templates

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TemplateListEnvelope
     """


    return (await asyncio_detailed(
        client=client,
category=category,

    )).parsed
