"""Developer organizations: any signed-in user creates one; members are owners, admins or
developers. Listings carry the organization's name (denormalised for search)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from jewelia.core.outbound import BlockedDestination, check_url_shape
from jewelia.core.validation import Checker

ROLES = ("owner", "admin", "developer")
MANAGERS = ("owner", "admin")
RESERVED_SLUGS = frozenset({"new", "media", "settings", "admin", "staff", "api"})


def slugify(text: str, max_len: int = 60) -> str:
    """Lower-case ASCII words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:max_len].strip("-") or "org"


def check_web_url(check: Checker, field: str, value: str, label: str, required: bool) -> str:
    """An http(s) URL of bounded length (empty allowed when not required)."""
    value = (value or "").strip()
    if not value:
        if required:
            check.add(field, f"{label} is required", "REQUIRED")
        return value
    if len(value) > 2000:
        check.add(field, f"{label} must be at most 2000 characters", "TOO_LONG")
        return value
    try:
        check_url_shape(value, field)
    except BlockedDestination as exc:
        check.add(field, f"{label}: {exc.message}", "INVALID_URL")
    return value


def _clean(name: str, website: str, support_email: str) -> tuple[str, str, str]:
    check = Checker()
    name = check.text("name", name, "Name", 120)
    website = check_web_url(check, "website", website, "Website", required=False)
    email = (support_email or "").strip()
    if email:
        email = check.email("support_email", email)
    check.raise_if_any()
    return name, website, email


async def _free_slug(base: str) -> str:
    rows = await fetch(
        "SELECT slug FROM public.developer_org WHERE slug = $1 OR slug LIKE $1 || '-%'", base
    )
    taken = {r["slug"] for r in rows} | RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


async def create_org(
    user_id: uuid.UUID, name: str, website: str = "", support_email: str = ""
) -> dict[str, Any]:
    """A new organization with its creator as owner; the slug comes from the name."""
    name, website, support_email = _clean(name, website, support_email)
    org_id = uuid.uuid4()
    async with DB.transaction():
        await execute("SELECT pg_advisory_xact_lock(hashtext('developer_org_slug'))")
        slug = await _free_slug(slugify(name))
        await execute(
            "INSERT INTO public.developer_org (id, name, slug, website, support_email, created_by)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            org_id,
            name,
            slug,
            website,
            support_email,
            user_id,
        )
        await execute(
            "INSERT INTO public.developer_member (org_id, user_id, role) VALUES ($1, $2, 'owner')",
            org_id,
            user_id,
        )
    return await get_org(org_id)


async def get_org(org_id: uuid.UUID) -> dict[str, Any]:
    """One organization by id, or NotFound."""
    rows = await fetch("SELECT * FROM public.developer_org WHERE id = $1", org_id)
    if not rows:
        raise NotFound("Organization not found")
    return rows[0]


async def get_org_by_slug(slug: str) -> dict[str, Any]:
    """One organization by slug, or NotFound."""
    rows = await fetch("SELECT * FROM public.developer_org WHERE slug = $1", slug)
    if not rows:
        raise NotFound("Organization not found")
    return rows[0]


async def my_orgs(user_id: uuid.UUID) -> list[dict[str, Any]]:
    """The user's organizations with their role, by name."""
    return await fetch(
        "SELECT o.*, m.role, (SELECT count(*) FROM public.listing l WHERE l.org_id = o.id)"
        " AS listing_count FROM public.developer_org o"
        " JOIN public.developer_member m ON m.org_id = o.id WHERE m.user_id = $1"
        " ORDER BY lower(o.name)",
        user_id,
    )


async def org_role(user_id: uuid.UUID, org_id: uuid.UUID) -> str | None:
    """The user's role in the organization, or None."""
    rows = await fetch(
        "SELECT role FROM public.developer_member WHERE org_id = $1 AND user_id = $2",
        org_id,
        user_id,
    )
    return str(rows[0]["role"]) if rows else None


async def require_role(
    user_id: uuid.UUID, org_id: uuid.UUID, roles: tuple[str, ...] = ROLES
) -> str:
    """The user's role, or NotFound for outsiders and PermissionDenied for too small a role."""
    role = await org_role(user_id, org_id)
    if role is None:
        raise NotFound("Organization not found")
    if role not in roles:
        raise PermissionDenied(f"This needs the {' or '.join(roles)} role in the organization")
    return role


async def update_org(
    user_id: uuid.UUID, org_id: uuid.UUID, name: str, website: str, support_email: str
) -> dict[str, Any]:
    """Change name, website and support email (owners and admins); listings follow the name."""
    await require_role(user_id, org_id, MANAGERS)
    name, website, support_email = _clean(name, website, support_email)
    async with DB.transaction():
        await execute(
            "UPDATE public.developer_org SET name = $2, website = $3, support_email = $4"
            " WHERE id = $1",
            org_id,
            name,
            website,
            support_email,
        )
        await execute(
            "UPDATE public.listing SET developer_name = $2, updated_at = now()"
            " WHERE org_id = $1 AND developer_name IS DISTINCT FROM $2",
            org_id,
            name,
        )
    return await get_org(org_id)


async def members(org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Members with name, email and role; owners first."""
    return await fetch(
        "SELECT m.user_id, m.role, m.created_at, u.email, u.full_name"
        " FROM public.developer_member m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.org_id = $1"
        " ORDER BY array_position(ARRAY['owner','admin','developer']::text[], m.role::text),"
        " lower(u.email)",
        org_id,
    )


async def add_member(
    actor_id: uuid.UUID, org_id: uuid.UUID, email: str, role: str
) -> dict[str, Any]:
    """Add an existing user by email (owners and admins; only an owner adds an owner)."""
    actor_role = await require_role(actor_id, org_id, MANAGERS)
    check = Checker()
    email = check.email("email", email)
    check.choice("role", role, ROLES, "Role")
    check.raise_if_any()
    if role == "owner" and actor_role != "owner":
        raise PermissionDenied("Only an owner can add another owner")
    users = await fetch("SELECT id FROM public.app_user WHERE lower(email) = lower($1)", email)
    if not users:
        raise ValidationFailed(
            [
                FieldError(
                    "email",
                    "No Jewelia account uses this email; ask them to sign up first",
                    "UNKNOWN_USER",
                )
            ]
        )
    user_id = users[0]["id"]
    done = await execute(
        "INSERT INTO public.developer_member (org_id, user_id, role) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        org_id,
        user_id,
        role,
    )
    if done.endswith(" 0"):
        raise ValidationFailed(
            [FieldError("email", "This person is already a member", "ALREADY_MEMBER")]
        )
    return {"user_id": user_id, "email": email, "role": role}


async def remove_member(actor_id: uuid.UUID, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Remove a member (owners only); the last owner stays."""
    await require_role(actor_id, org_id, ("owner",))
    async with DB.transaction():
        rows = await fetch(
            "SELECT user_id, role FROM public.developer_member WHERE org_id = $1 FOR UPDATE",
            org_id,
        )
        target = next((r for r in rows if r["user_id"] == user_id), None)
        if target is None:
            raise NotFound("Member not found")
        owners = [r for r in rows if r["role"] == "owner"]
        if target["role"] == "owner" and len(owners) == 1:
            raise PermissionDenied("An organization keeps at least one owner")
        await execute(
            "DELETE FROM public.developer_member WHERE org_id = $1 AND user_id = $2",
            org_id,
            user_id,
        )


async def manager_emails(org_id: uuid.UUID) -> list[str]:
    """Email addresses of the organization's owners and admins (they hear about its listings)."""
    rows = await fetch(
        "SELECT u.email FROM public.developer_member m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.org_id = $1 AND m.role IN ('owner', 'admin') ORDER BY u.email",
        org_id,
    )
    return [str(r["email"]) for r in rows]
