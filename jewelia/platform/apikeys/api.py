"""REST controllers for API keys (admin permission) and for JWT tokens (no key needed)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post

from jewelia.core.api import Page, ok, ok_list
from jewelia.core.errors import AppError, AuthenticationFailed
from jewelia.core.schemas import given
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import service, tokens
from jewelia.platform.apikeys.guard import ApiAuth
from jewelia.platform.apikeys.schemas import (
    ApiKeyCreate,
    ApiKeyCreatedEnvelope,
    ApiKeyEnvelope,
    ApiKeyList,
    ApiKeyRotate,
    ApiKeyUpdate,
    RefreshRequest,
    TokenEnvelope,
    TokenRequest,
)


def key_out(key: service.ApiKey) -> dict[str, Any]:
    """A key in the API's shape (never the secret)."""
    return {**asdict(key), "status": key.status}


class ApiKeyController(Controller):
    path = "/api-keys"
    tags = ["API keys"]
    opt = {"permission": "admin"}

    @get(operation_id="listApiKeys", summary="List API keys")
    async def list_keys(self, auth: ApiAuth) -> Response[ApiKeyList]:
        keys = [key_out(k) for k in await service.list_keys(auth.tenant.id)]
        return ok_list(keys, Page(1, max(1, len(keys))), len(keys))

    @post(
        operation_id="createApiKey",
        summary="Create an API key (the key is shown once)",
        status_code=201,
    )
    async def create_key(
        self, auth: ApiAuth, data: ApiKeyCreate
    ) -> Response[ApiKeyCreatedEnvelope]:
        new = await service.create_key(
            auth.tenant.id,
            data.name,
            data.permissions,
            auth.actor.id,
            data.expires_at,
            hourly_limit=data.hourly_limit,
            allowed_ips=data.allowed_ips,
        )
        return ok({**key_out(new.key), "key": new.secret}, status_code=201)

    @get("/{key_id:uuid}", operation_id="getApiKey", summary="Get an API key")
    async def get_key(self, auth: ApiAuth, key_id: UUID) -> Response[ApiKeyEnvelope]:
        return ok(key_out(await service.get_key(auth.tenant.id, key_id)))

    @patch(
        "/{key_id:uuid}",
        operation_id="updateApiKey",
        summary="Change a key's name, hourly limit (null: the plan's) or IP allow-list ([]: any)",
    )
    async def update_key(
        self, auth: ApiAuth, key_id: UUID, data: ApiKeyUpdate
    ) -> Response[ApiKeyEnvelope]:
        return ok(key_out(await service.update_key(auth.tenant.id, key_id, given(data))))

    @post(
        "/{key_id:uuid}/rotate",
        operation_id="rotateApiKey",
        status_code=201,
        summary="Rotate: a new secret; the old one works for grace_period_hours (default 24, max 168)",
    )
    async def rotate_key(
        self, auth: ApiAuth, key_id: UUID, data: ApiKeyRotate | None = None
    ) -> Response[ApiKeyCreatedEnvelope]:
        grace = data.grace_period_hours if data else service.DEFAULT_GRACE_HOURS
        new = await service.rotate_key(auth.tenant.id, key_id, grace, auth.actor.id)
        return ok({**key_out(new.key), "key": new.secret}, status_code=201)

    @delete(
        "/{key_id:uuid}", operation_id="revokeApiKey", summary="Revoke an API key", status_code=200
    )
    async def revoke_key(self, auth: ApiAuth, key_id: UUID) -> Response[ApiKeyEnvelope]:
        return ok(key_out(await service.revoke_key(auth.tenant.id, key_id)))


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/auth"
    tags = ["Authentication"]
    security = [{}]

    @post(
        "/token",
        operation_id="createToken",
        status_code=200,
        summary="Exchange email, password (and TOTP code) for a JWT pair",
    )
    async def token(
        self, request: Request[Any, Any, Any], data: TokenRequest
    ) -> Response[TokenEnvelope]:
        ip = _client_ip(request)
        user = await accounts.authenticate(data.email, data.password, ip)
        if user.totp_enabled:
            if not data.totp_code:
                raise AuthenticationFailed("totp_code is required for this account")
            await accounts.verify_second_factor(user.id, data.totp_code, ip)
        mine = await accounts.memberships(user.id)
        member = next((m for m in mine if data.tenant_id in (None, m.tenant.id)), None)
        if member is None:
            raise AuthenticationFailed("Not a member of that business")
        pair = await tokens.issue_pair(user.id, member.tenant.id, member.role, user.session_epoch)
        return ok({**asdict(pair), "tenant_id": member.tenant.id, "role": member.role})

    @post(
        "/refresh",
        operation_id="refreshToken",
        status_code=200,
        summary="Spend a refresh token for a new JWT pair",
    )
    async def refresh(self, data: RefreshRequest) -> Response[TokenEnvelope]:
        grant = await tokens.use_refresh(data.refresh_token)
        try:
            member = await accounts.membership(grant.user_id, grant.tenant_id)
        except AppError as exc:
            raise AuthenticationFailed("Not a member of that business any more") from exc
        pair = await tokens.issue_pair(
            grant.user_id, grant.tenant_id, member.role, grant.session_epoch, grant.family_id
        )
        return ok({**asdict(pair), "tenant_id": grant.tenant_id, "role": member.role})
