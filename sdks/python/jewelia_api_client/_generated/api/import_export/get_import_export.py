from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_import_export_status_type_0 import check_get_import_export_status_type_0
from ...models.get_import_export_status_type_0 import GetImportExportStatusType0
from ...models.get_import_export_type_type_0 import check_get_import_export_type_type_0
from ...models.get_import_export_type_type_0 import GetImportExportTypeType0
from ...models.job_envelope import JobEnvelope
from ...models.job_list import JobList
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    job_id: None | Unset | UUID = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    type_: GetImportExportTypeType0 | None | Unset = UNSET,
    status: GetImportExportStatusType0 | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_job_id: None | str | Unset
    if isinstance(job_id, Unset):
        json_job_id = UNSET
    elif isinstance(job_id, UUID):
        json_job_id = str(job_id)
    else:
        json_job_id = job_id
    params["jobId"] = json_job_id

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

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, str):
        json_type_ = type_
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, str):
        json_status = status
    else:
        json_status = status
    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/import-export",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | JobEnvelope | JobList | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> JobEnvelope | JobList:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = JobEnvelope.from_dict(data)



                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = JobList.from_dict(data)



            return response_200_type_1

        response_200 = _parse_response_200(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | JobEnvelope | JobList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    job_id: None | Unset | UUID = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    type_: GetImportExportTypeType0 | None | Unset = UNSET,
    status: GetImportExportStatusType0 | None | Unset = UNSET,

) -> Response[Error | JobEnvelope | JobList]:
    """ A job's status (jobId), or the jobs list

    Args:
        job_id (None | Unset | UUID):
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        type_ (GetImportExportTypeType0 | None | Unset): import or export
        status (GetImportExportStatusType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobEnvelope | JobList]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
page=page,
limit=limit,
type_=type_,
status=status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    job_id: None | Unset | UUID = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    type_: GetImportExportTypeType0 | None | Unset = UNSET,
    status: GetImportExportStatusType0 | None | Unset = UNSET,

) -> Error | JobEnvelope | JobList | None:
    """ A job's status (jobId), or the jobs list

    Args:
        job_id (None | Unset | UUID):
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        type_ (GetImportExportTypeType0 | None | Unset): import or export
        status (GetImportExportStatusType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobEnvelope | JobList
     """


    return sync_detailed(
        client=client,
job_id=job_id,
page=page,
limit=limit,
type_=type_,
status=status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    job_id: None | Unset | UUID = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    type_: GetImportExportTypeType0 | None | Unset = UNSET,
    status: GetImportExportStatusType0 | None | Unset = UNSET,

) -> Response[Error | JobEnvelope | JobList]:
    """ A job's status (jobId), or the jobs list

    Args:
        job_id (None | Unset | UUID):
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        type_ (GetImportExportTypeType0 | None | Unset): import or export
        status (GetImportExportStatusType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobEnvelope | JobList]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
page=page,
limit=limit,
type_=type_,
status=status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    job_id: None | Unset | UUID = UNSET,
    page: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    type_: GetImportExportTypeType0 | None | Unset = UNSET,
    status: GetImportExportStatusType0 | None | Unset = UNSET,

) -> Error | JobEnvelope | JobList | None:
    """ A job's status (jobId), or the jobs list

    Args:
        job_id (None | Unset | UUID):
        page (int | None | Unset): Page number, from 1
        limit (int | None | Unset): Page size, 1-100 (default 20)
        type_ (GetImportExportTypeType0 | None | Unset): import or export
        status (GetImportExportStatusType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobEnvelope | JobList
     """


    return (await asyncio_detailed(
        client=client,
job_id=job_id,
page=page,
limit=limit,
type_=type_,
status=status,

    )).parsed
