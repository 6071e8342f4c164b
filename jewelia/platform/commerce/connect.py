"""Developer payout settings: the Stripe Connect Express account and the tax profile.

The Express account is created once per organization (Stripe idempotency key connect:<org>,
and the org's row locked while it is made); onboarding happens at Stripe through account links
that come back to the payout settings page. Its status arrives by account.updated events and is
re-read when the developer comes back. The tax profile's TIN is encrypted at rest with the
secret helper webhook secrets use and only its last four characters are ever shown.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import NotFound
from jewelia.core.security import decrypt_secret, encrypt_secret
from jewelia.core.validation import Checker
from jewelia.platform.billing import service as billing
from jewelia.platform.billing import stripe_gateway
from jewelia.platform.marketplace import orgs

FORMS = ("w9", "w8ben")
US_TIN_TYPES = ("ssn", "ein")
# ISO 3166-1 alpha-2: the 249 officially assigned codes (as in tzdata's iso3166.tab)
COUNTRIES = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
        "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
        "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
        "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
        "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
        "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
        "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
        "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
        "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
    ).split()
)
_FOREIGN_TIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,28}[A-Za-z0-9]$")


async def account(org_id: uuid.UUID) -> dict[str, Any] | None:
    """The org's Connect account row, or None before onboarding started."""
    rows = await fetch("SELECT * FROM public.connect_account WHERE org_id = $1", org_id)
    return rows[0] if rows else None


async def _ensure_account(org_id: uuid.UUID, user_id: uuid.UUID) -> str:
    found = await account(org_id)
    if found:
        return str(found["stripe_account_id"])
    async with DB.transaction():
        await execute("SELECT 1 FROM public.developer_org WHERE id = $1 FOR UPDATE", org_id)
        found = await account(org_id)
        if found:
            return str(found["stripe_account_id"])
        users = await fetch("SELECT email FROM public.app_user WHERE id = $1", user_id)
        email = str(users[0]["email"]) if users else ""
        account_id = await asyncio.to_thread(
            stripe_gateway.create_express_account,
            email=email,
            org_id=str(org_id),
            key=f"connect:{org_id}",
        )
        await execute(
            "INSERT INTO public.connect_account (org_id, stripe_account_id, created_by)"
            " VALUES ($1, $2, $3)",
            org_id,
            account_id,
            user_id,
        )
    return account_id


async def start_onboarding(org_id: uuid.UUID, user_id: uuid.UUID, base_url: str) -> str:
    """The account link URL to (continue) onboarding; the Express account is created once."""
    await orgs.require_role(user_id, org_id, orgs.MANAGERS)
    org = await orgs.get_org(org_id)
    account_id = await _ensure_account(org_id, user_id)
    page = f"{base_url.rstrip('/')}/partners/{org['slug']}/payouts"
    return await asyncio.to_thread(
        stripe_gateway.account_link,
        account_id,
        refresh_url=f"{page}/onboard",
        return_url=f"{page}?onboarding=return",
    )


async def _store_status(obj: dict[str, Any]) -> bool:
    status = await execute(
        "UPDATE public.connect_account SET payouts_enabled = $2, details_submitted = $3,"
        " updated_at = now() WHERE stripe_account_id = $1",
        str(obj.get("id")),
        bool(obj.get("payouts_enabled")),
        bool(obj.get("details_submitted")),
    )
    return status.endswith(" 1")


async def refresh_status(org_id: uuid.UUID) -> dict[str, Any]:
    """Re-read the Connect account from Stripe and store payouts_enabled/details_submitted."""
    found = await account(org_id)
    if found is None:
        raise NotFound("This organization has no payout account yet")
    obj = await asyncio.to_thread(stripe_gateway.retrieve_account, found["stripe_account_id"])
    await _store_status(obj)
    return await account(org_id) or found


async def on_account_updated(obj: dict[str, Any]) -> str | None:
    """Stripe account.updated: re-read the account from Stripe (events may arrive out of order)
    and store its payout status; None when stored, else why not (no developer's account)."""
    known = await fetch(
        "SELECT 1 FROM public.connect_account WHERE stripe_account_id = $1", str(obj.get("id"))
    )
    if not known:
        return "not a developer payout account"
    fresh = await asyncio.to_thread(stripe_gateway.retrieve_account, str(obj["id"]))
    await _store_status(fresh)
    return None


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def clean_tax_profile(data: dict[str, str]) -> dict[str, str]:
    """The profile's stored fields from a W-9 or W-8BEN form, or ValidationFailed per field."""
    check = Checker()
    form = check.choice("form", (data.get("form") or "").strip(), FORMS, "Tax form")
    name = check.text("legal_name", data.get("legal_name", ""), "Legal name", 200)
    tin = ""
    tin_type = ""
    country = "US"
    if form == "w9":
        tin_type = check.choice(
            "tin_type", (data.get("tin_type") or "").strip(), US_TIN_TYPES, "TIN type"
        )
        tin = _digits(data.get("tin", ""))
        if not tin:
            check.add("tin", "Taxpayer identification number is required", "REQUIRED")
        elif not tin.isdigit() or len(tin) != 9:
            check.add("tin", "An SSN or EIN has 9 digits", "INVALID")
        elif tin_type == "ssn" and (tin[:3] in ("000", "666") or tin[0] == "9"):
            check.add("tin", "This is not a valid SSN", "INVALID")
    elif form == "w8ben":
        tin_type = "foreign"
        country = (data.get("country") or "").strip().upper()
        if not country:
            check.add("country", "Country of residence is required", "REQUIRED")
        elif country not in COUNTRIES:
            check.add("country", "Use the two-letter ISO country code (e.g. FR)", "INVALID")
        elif country == "US":
            check.add("country", "US persons file a W-9, not a W-8BEN", "INVALID")
        tin = (data.get("foreign_tin") or "").strip()
        if not tin:
            check.add("foreign_tin", "Foreign tax identification number is required", "REQUIRED")
        elif not _FOREIGN_TIN.match(tin):
            check.add(
                "foreign_tin", "Use 4 to 30 letters, digits, spaces, dots or dashes", "INVALID"
            )
    check.raise_if_any()
    return {"form": form, "legal_name": name, "tin_type": tin_type, "tin": tin, "country": country}


async def save_tax_profile(
    org_id: uuid.UUID, user_id: uuid.UUID, data: dict[str, str]
) -> dict[str, Any]:
    """Validate and store the W-9 / W-8BEN profile (TIN encrypted); field errors otherwise."""
    await orgs.require_role(user_id, org_id, orgs.MANAGERS)
    clean = clean_tax_profile(data)
    tin = clean["tin"]
    await execute(
        "INSERT INTO public.tax_profile (org_id, form, legal_name, tin_type, tin_encrypted,"
        " tin_last4, country, submitted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (org_id) DO UPDATE SET form = EXCLUDED.form,"
        " legal_name = EXCLUDED.legal_name, tin_type = EXCLUDED.tin_type,"
        " tin_encrypted = EXCLUDED.tin_encrypted, tin_last4 = EXCLUDED.tin_last4,"
        " country = EXCLUDED.country, submitted_by = EXCLUDED.submitted_by, updated_at = now()",
        org_id,
        clean["form"],
        clean["legal_name"],
        clean["tin_type"],
        encrypt_secret(tin),
        tin[-4:],
        clean["country"],
        user_id,
    )
    return await tax_profile(org_id) or {}


def mask_tin(tin_type: str, last4: str) -> str:
    """A TIN as pages show it: only the last four characters."""
    if tin_type == "ssn":
        return f"•••-••-{last4}"
    if tin_type == "ein":
        return f"••-•••{last4}"
    return f"••••{last4}"


async def tax_profile(org_id: uuid.UUID) -> dict[str, Any] | None:
    """The org's tax profile without the TIN (masked), or None."""
    rows = await fetch(
        "SELECT form, legal_name, tin_type, tin_last4, country, updated_at"
        " FROM public.tax_profile WHERE org_id = $1",
        org_id,
    )
    if not rows:
        return None
    row = rows[0]
    return {**row, "tin_masked": mask_tin(row["tin_type"], row["tin_last4"])}


async def reveal_tin(org_id: uuid.UUID) -> str:
    """The decrypted TIN (for tax reporting exports; never shown on pages)."""
    rows = await fetch("SELECT tin_encrypted FROM public.tax_profile WHERE org_id = $1", org_id)
    if not rows:
        raise NotFound("No tax profile")
    return decrypt_secret(rows[0]["tin_encrypted"])


async def _account_event(event: dict[str, Any]) -> str | None:
    return await on_account_updated(event["data"]["object"])


billing.register("account.updated", _account_event, connect=True)
