from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.job_started_envelope import JobStartedEnvelope
from ...models.start_import_export_action import check_start_import_export_action
from ...models.start_import_export_action import StartImportExportAction
from ...models.start_import_export_files_body import StartImportExportFilesBody
from ...models.start_import_export_json_export_request import StartImportExportJsonExportRequest
from ...models.start_import_export_json_import_request import StartImportExportJsonImportRequest
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    body:    StartImportExportJsonExportRequest | StartImportExportJsonImportRequest  |     StartImportExportFilesBody  | Unset = UNSET,
    action: StartImportExportAction,
    job_id: None | Unset | UUID = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_action: str = action
    params["action"] = json_action

    json_job_id: None | str | Unset
    if isinstance(job_id, Unset):
        json_job_id = UNSET
    elif isinstance(job_id, UUID):
        json_job_id = str(job_id)
    else:
        json_job_id = job_id
    params["jobId"] = json_job_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/import-export",
        "params": params,
    }

    if isinstance(body, StartImportExportJsonExportRequest | StartImportExportJsonImportRequest):
        
        if isinstance(body, StartImportExportJsonImportRequest):
            _kwargs["json"] = body.to_dict()
        else:
            _kwargs["json"] = body.to_dict()


        headers["Content-Type"] = "application/json"
    if isinstance(body, StartImportExportFilesBody):
        if not isinstance(body, Unset):
            _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | JobStartedEnvelope | None:
    if response.status_code == 202:
        response_202 = JobStartedEnvelope.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | JobStartedEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    StartImportExportJsonExportRequest | StartImportExportJsonImportRequest  |     StartImportExportFilesBody  | Unset = UNSET,
    action: StartImportExportAction,
    job_id: None | Unset | UUID = UNSET,

) -> Response[Error | JobStartedEnvelope]:
    """ Start an import or export job, or cancel one (action=import|export|cancel)

    Args:
        action (StartImportExportAction): import (write), export (read) or cancel (write)
        job_id (None | Unset | UUID): The job to cancel
        body (StartImportExportJsonExportRequest | StartImportExportJsonImportRequest | Unset):
        body (StartImportExportFilesBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobStartedEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
action=action,
job_id=job_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body:    StartImportExportJsonExportRequest | StartImportExportJsonImportRequest  |     StartImportExportFilesBody  | Unset = UNSET,
    action: StartImportExportAction,
    job_id: None | Unset | UUID = UNSET,

) -> Error | JobStartedEnvelope | None:
    """ Start an import or export job, or cancel one (action=import|export|cancel)

    Args:
        action (StartImportExportAction): import (write), export (read) or cancel (write)
        job_id (None | Unset | UUID): The job to cancel
        body (StartImportExportJsonExportRequest | StartImportExportJsonImportRequest | Unset):
        body (StartImportExportFilesBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobStartedEnvelope
     """


    return sync_detailed(
        client=client,
body=body,
action=action,
job_id=job_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    StartImportExportJsonExportRequest | StartImportExportJsonImportRequest  |     StartImportExportFilesBody  | Unset = UNSET,
    action: StartImportExportAction,
    job_id: None | Unset | UUID = UNSET,

) -> Response[Error | JobStartedEnvelope]:
    """ Start an import or export job, or cancel one (action=import|export|cancel)

    Args:
        action (StartImportExportAction): import (write), export (read) or cancel (write)
        job_id (None | Unset | UUID): The job to cancel
        body (StartImportExportJsonExportRequest | StartImportExportJsonImportRequest | Unset):
        body (StartImportExportFilesBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobStartedEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
action=action,
job_id=job_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body:    StartImportExportJsonExportRequest | StartImportExportJsonImportRequest  |     StartImportExportFilesBody  | Unset = UNSET,
    action: StartImportExportAction,
    job_id: None | Unset | UUID = UNSET,

) -> Error | JobStartedEnvelope | None:
    """ Start an import or export job, or cancel one (action=import|export|cancel)

    Args:
        action (StartImportExportAction): import (write), export (read) or cancel (write)
        job_id (None | Unset | UUID): The job to cancel
        body (StartImportExportJsonExportRequest | StartImportExportJsonImportRequest | Unset):
        body (StartImportExportFilesBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobStartedEnvelope
     """


    return (await asyncio_detailed(
        client=client,
body=body,
action=action,
job_id=job_id,

    )).parsed
