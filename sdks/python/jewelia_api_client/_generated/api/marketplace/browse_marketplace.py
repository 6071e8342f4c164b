from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.browse_marketplace_category import BrowseMarketplaceCategory
from ...models.browse_marketplace_category import check_browse_marketplace_category
from ...models.browse_marketplace_is_verified import BrowseMarketplaceIsVerified
from ...models.browse_marketplace_is_verified import check_browse_marketplace_is_verified
from ...models.browse_marketplace_pricing_model import BrowseMarketplacePricingModel
from ...models.browse_marketplace_pricing_model import check_browse_marketplace_pricing_model
from ...models.browse_marketplace_sort_by import BrowseMarketplaceSortBy
from ...models.browse_marketplace_sort_by import check_browse_marketplace_sort_by
from ...models.browse_marketplace_sort_order import BrowseMarketplaceSortOrder
from ...models.browse_marketplace_sort_order import check_browse_marketplace_sort_order
from ...models.error import Error
from ...models.marketplace_list import MarketplaceList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    category: BrowseMarketplaceCategory | Unset = UNSET,
    pricing_model: BrowseMarketplacePricingModel | Unset = UNSET,
    search: None | str | Unset = UNSET,
    is_verified: BrowseMarketplaceIsVerified | Unset = UNSET,
    min_rating: None | str | Unset = UNSET,
    sort_by: BrowseMarketplaceSortBy | Unset = UNSET,
    sort_order: BrowseMarketplaceSortOrder | Unset = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_category: str | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category

    params["category"] = json_category

    json_pricing_model: str | Unset = UNSET
    if not isinstance(pricing_model, Unset):
        json_pricing_model = pricing_model

    params["pricingModel"] = json_pricing_model

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search

    json_is_verified: str | Unset = UNSET
    if not isinstance(is_verified, Unset):
        json_is_verified = is_verified

    params["isVerified"] = json_is_verified

    json_min_rating: None | str | Unset
    if isinstance(min_rating, Unset):
        json_min_rating = UNSET
    else:
        json_min_rating = min_rating
    params["minRating"] = json_min_rating

    json_sort_by: str | Unset = UNSET
    if not isinstance(sort_by, Unset):
        json_sort_by = sort_by

    params["sortBy"] = json_sort_by

    json_sort_order: str | Unset = UNSET
    if not isinstance(sort_order, Unset):
        json_sort_order = sort_order

    params["sortOrder"] = json_sort_order

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


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/integrations/marketplace",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MarketplaceList | None:
    if response.status_code == 200:
        response_200 = MarketplaceList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | MarketplaceList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    category: BrowseMarketplaceCategory | Unset = UNSET,
    pricing_model: BrowseMarketplacePricingModel | Unset = UNSET,
    search: None | str | Unset = UNSET,
    is_verified: BrowseMarketplaceIsVerified | Unset = UNSET,
    min_rating: None | str | Unset = UNSET,
    sort_by: BrowseMarketplaceSortBy | Unset = UNSET,
    sort_order: BrowseMarketplaceSortOrder | Unset = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | MarketplaceList]:
    """ Browse published integrations

    Args:
        category (BrowseMarketplaceCategory | Unset): Category
        pricing_model (BrowseMarketplacePricingModel | Unset): Pricing model
        search (None | str | Unset): Words in name, description, developer or features; the last
            word matches as a prefix (search as you type)
        is_verified (BrowseMarketplaceIsVerified | Unset): true: verified integrations only;
            false: unverified only
        min_rating (None | str | Unset): Lowest rating, 0-5
        sort_by (BrowseMarketplaceSortBy | Unset): rating (default), downloads, newest, name,
            price; relevance (default when searching, only with a search)
        sort_order (BrowseMarketplaceSortOrder | Unset): asc or desc (default desc; asc for name
            and price)
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MarketplaceList]
     """


    kwargs = _get_kwargs(
        category=category,
pricing_model=pricing_model,
search=search,
is_verified=is_verified,
min_rating=min_rating,
sort_by=sort_by,
sort_order=sort_order,
page=page,
limit=limit,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    category: BrowseMarketplaceCategory | Unset = UNSET,
    pricing_model: BrowseMarketplacePricingModel | Unset = UNSET,
    search: None | str | Unset = UNSET,
    is_verified: BrowseMarketplaceIsVerified | Unset = UNSET,
    min_rating: None | str | Unset = UNSET,
    sort_by: BrowseMarketplaceSortBy | Unset = UNSET,
    sort_order: BrowseMarketplaceSortOrder | Unset = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | MarketplaceList | None:
    """ Browse published integrations

    Args:
        category (BrowseMarketplaceCategory | Unset): Category
        pricing_model (BrowseMarketplacePricingModel | Unset): Pricing model
        search (None | str | Unset): Words in name, description, developer or features; the last
            word matches as a prefix (search as you type)
        is_verified (BrowseMarketplaceIsVerified | Unset): true: verified integrations only;
            false: unverified only
        min_rating (None | str | Unset): Lowest rating, 0-5
        sort_by (BrowseMarketplaceSortBy | Unset): rating (default), downloads, newest, name,
            price; relevance (default when searching, only with a search)
        sort_order (BrowseMarketplaceSortOrder | Unset): asc or desc (default desc; asc for name
            and price)
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MarketplaceList
     """


    return sync_detailed(
        client=client,
category=category,
pricing_model=pricing_model,
search=search,
is_verified=is_verified,
min_rating=min_rating,
sort_by=sort_by,
sort_order=sort_order,
page=page,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    category: BrowseMarketplaceCategory | Unset = UNSET,
    pricing_model: BrowseMarketplacePricingModel | Unset = UNSET,
    search: None | str | Unset = UNSET,
    is_verified: BrowseMarketplaceIsVerified | Unset = UNSET,
    min_rating: None | str | Unset = UNSET,
    sort_by: BrowseMarketplaceSortBy | Unset = UNSET,
    sort_order: BrowseMarketplaceSortOrder | Unset = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Response[Error | MarketplaceList]:
    """ Browse published integrations

    Args:
        category (BrowseMarketplaceCategory | Unset): Category
        pricing_model (BrowseMarketplacePricingModel | Unset): Pricing model
        search (None | str | Unset): Words in name, description, developer or features; the last
            word matches as a prefix (search as you type)
        is_verified (BrowseMarketplaceIsVerified | Unset): true: verified integrations only;
            false: unverified only
        min_rating (None | str | Unset): Lowest rating, 0-5
        sort_by (BrowseMarketplaceSortBy | Unset): rating (default), downloads, newest, name,
            price; relevance (default when searching, only with a search)
        sort_order (BrowseMarketplaceSortOrder | Unset): asc or desc (default desc; asc for name
            and price)
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MarketplaceList]
     """


    kwargs = _get_kwargs(
        category=category,
pricing_model=pricing_model,
search=search,
is_verified=is_verified,
min_rating=min_rating,
sort_by=sort_by,
sort_order=sort_order,
page=page,
limit=limit,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    category: BrowseMarketplaceCategory | Unset = UNSET,
    pricing_model: BrowseMarketplacePricingModel | Unset = UNSET,
    search: None | str | Unset = UNSET,
    is_verified: BrowseMarketplaceIsVerified | Unset = UNSET,
    min_rating: None | str | Unset = UNSET,
    sort_by: BrowseMarketplaceSortBy | Unset = UNSET,
    sort_order: BrowseMarketplaceSortOrder | Unset = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,

) -> Error | MarketplaceList | None:
    """ Browse published integrations

    Args:
        category (BrowseMarketplaceCategory | Unset): Category
        pricing_model (BrowseMarketplacePricingModel | Unset): Pricing model
        search (None | str | Unset): Words in name, description, developer or features; the last
            word matches as a prefix (search as you type)
        is_verified (BrowseMarketplaceIsVerified | Unset): true: verified integrations only;
            false: unverified only
        min_rating (None | str | Unset): Lowest rating, 0-5
        sort_by (BrowseMarketplaceSortBy | Unset): rating (default), downloads, newest, name,
            price; relevance (default when searching, only with a search)
        sort_order (BrowseMarketplaceSortOrder | Unset): asc or desc (default desc; asc for name
            and price)
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MarketplaceList
     """


    return (await asyncio_detailed(
        client=client,
category=category,
pricing_model=pricing_model,
search=search,
is_verified=is_verified,
min_rating=min_rating,
sort_by=sort_by,
sort_order=sort_order,
page=page,
limit=limit,
cursor=cursor,

    )).parsed
