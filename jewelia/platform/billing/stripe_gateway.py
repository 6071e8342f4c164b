"""Everything that talks to Stripe: the only module that imports `stripe`.

In development (`jewelia dev` or JEWELIA_DEV_MODE=1) without STRIPE_API_KEY the product runs in
test mode: checkout is our own page, and the events it produces are signed with a local webhook
secret exactly as Stripe signs them. Outside development, missing keys mean billing is not
configured: upgrades are refused, and so are webhook events without STRIPE_WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import stripe

from jewelia.core.errors import AuthenticationFailed
from jewelia.core.settings import get_settings

TOLERANCE_SECONDS = 300


def api_key() -> str:
    return get_settings().stripe_api_key


def configured() -> bool:
    """True when a Stripe key is set (real checkout and portal)."""
    return bool(api_key())


def test_mode() -> bool:
    """True in development without a Stripe key (laptops, CI); never in production."""
    return get_settings().dev_mode and not configured()


def webhook_secret() -> str:
    """STRIPE_WEBHOOK_SECRET, or in test mode a local one derived from the secret key ("" when
    neither: no event verifies)."""
    given = get_settings().stripe_webhook_secret
    if given:
        return given
    if not test_mode():
        return ""
    digest = hashlib.sha256(("stripe-test-mode:" + get_settings().secret_key).encode()).hexdigest()
    return "whsec_test_" + digest[:32]


def price_id(plan: str) -> str:
    """The Stripe price for a plan (STRIPE_PRICE_PROFESSIONAL, STRIPE_PRICE_ENTERPRISE)."""
    return get_settings().stripe_prices.get(plan, f"price_{plan}")


def plan_for_price(price: str) -> str | None:
    """The plan a Stripe price stands for, if any."""
    for plan in ("professional", "enterprise"):
        if price_id(plan) == price:
            return plan
    return None


def _client() -> stripe.StripeClient:
    base = get_settings().stripe_api_base
    kwargs: dict[str, Any] = {"base_addresses": {"api": base}} if base else {}
    return stripe.StripeClient(api_key(), **kwargs)


def create_checkout_session(
    tenant_id: str, plan: str, customer: str | None, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout Session in subscription mode; returns the URL to send the user to."""
    params: dict[str, Any] = {
        "mode": "subscription",
        "line_items": [{"price": price_id(plan), "quantity": 1}],
        "client_reference_id": tenant_id,
        "metadata": {"tenant_id": tenant_id, "plan": plan},
        "subscription_data": {"metadata": {"tenant_id": tenant_id, "plan": plan}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer:
        params["customer"] = customer
    session = _client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
    return str(session.url)


def create_portal_session(customer: str, return_url: str) -> str:
    """A customer portal link for managing or cancelling the subscription."""
    session = _client().v1.billing_portal.sessions.create(
        params={"customer": customer, "return_url": return_url}
    )
    return str(session.url)


def verify_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """Check `Stripe-Signature` (300 s tolerance) and return the event; raise otherwise."""
    if not webhook_secret():
        raise AuthenticationFailed("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET)")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, webhook_secret(), TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise AuthenticationFailed(f"Invalid Stripe signature: {exc}") from exc
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


def sign(payload: bytes, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for a payload, as Stripe computes it (test mode)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{stamp}.".encode() + payload
    digest = hmac.new(webhook_secret().encode(), signed, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def encode(event: dict[str, Any]) -> bytes:
    """An event as the JSON body Stripe would send."""
    return json.dumps(event, separators=(",", ":")).encode()


# --- Issue 15: app charges and Connect payouts -------------------------------------------------
# Every POST carries an explicit idempotency key; amounts are integer minor units.


def create_app_checkout(
    *,
    mode: str,
    customer: str | None,
    amount_minor: int,
    currency: str,
    name: str,
    interval: str | None = None,
    trial_days: int = 0,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
    key: str,
) -> tuple[str, str]:
    """A Checkout Session for an app ("payment", "subscription" or "setup"); (id, url)."""
    raise NotImplementedError


def update_app_subscription(
    subscription_id: str, *, amount_minor: int, interval: str, key: str
) -> dict[str, Any]:
    """Change a subscription's price (prorated); the subscription."""
    raise NotImplementedError


def cancel_app_subscription(
    subscription_id: str, *, key: str, at_period_end: bool = False
) -> dict[str, Any]:
    """Cancel now, or at the end of the paid period; the subscription."""
    raise NotImplementedError


def charge_usage(
    *,
    customer: str,
    amount_minor: int,
    currency: str,
    description: str,
    metadata: dict[str, str],
    key: str,
) -> dict[str, Any]:
    """An off-session PaymentIntent on the customer's saved card (a month's usage)."""
    raise NotImplementedError


def refund(*, payment_intent: str, amount_minor: int, key: str) -> dict[str, Any]:
    """Refund part or all of a payment; the refund."""
    raise NotImplementedError


def payment_details(payment_intent: str) -> dict[str, Any]:
    """The charge behind a PaymentIntent: charge, amount, fee, net, currency, created."""
    raise NotImplementedError


def invoice_payment_intent(invoice_id: str) -> str | None:
    """The PaymentIntent that paid an invoice (None for a zero invoice, e.g. a trial)."""
    raise NotImplementedError


def create_express_account(*, email: str, org_id: str, key: str) -> str:
    """A Connect Express account for a developer org; its id."""
    raise NotImplementedError


def account_link(
    account_id: str, *, refresh_url: str, return_url: str, key: str | None = None
) -> str:
    """A one-time onboarding link for an Express account."""
    raise NotImplementedError


def retrieve_account(account_id: str) -> dict[str, Any]:
    """The account (payouts_enabled, details_submitted, charges_enabled, requirements)."""
    raise NotImplementedError


def create_transfer(
    *, account_id: str, amount_minor: int, currency: str, key: str, metadata: dict[str, str]
) -> dict[str, Any]:
    """A transfer from the platform balance to a connected account; the transfer."""
    raise NotImplementedError


def reverse_transfer(transfer_id: str, *, amount_minor: int, key: str) -> dict[str, Any]:
    """Reverse part or all of a transfer; the reversal."""
    raise NotImplementedError


def balance_transactions(*, created_gte: int, created_lt: int) -> Iterator[dict[str, Any]]:
    """The platform's balance transactions created in [gte, lt) (unix seconds), all pages."""
    raise NotImplementedError
