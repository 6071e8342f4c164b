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
import os
import re
import time
import uuid
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
    # Retries (network errors, 409, 5xx) resend the same Idempotency-Key, so they are safe.
    return stripe.StripeClient(api_key(), max_network_retries=2, **kwargs)


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


def connect_webhook_secret() -> str:
    """STRIPE_CONNECT_WEBHOOK_SECRET: the Connect endpoint's own signing secret ("" when unset).
    Read here, not in core settings, which another change owns."""
    return os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")


def verify_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """Check `Stripe-Signature` (300 s tolerance) against the account endpoint's secret or the
    Connect endpoint's, and return the event; raise otherwise."""
    secrets = [s for s in (webhook_secret(), connect_webhook_secret()) if s]
    if not secrets:
        raise AuthenticationFailed("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET)")
    error: Exception | None = None
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret, TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            error = exc
            continue
        return event.to_dict() if hasattr(event, "to_dict") else dict(event)
    raise AuthenticationFailed(f"Invalid Stripe signature: {error}") from error


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
# Every POST carries an explicit idempotency key (so a retry, in this process or another, never
# creates a second object); amounts are integer minor units; currencies go to Stripe lowercase.
# Test mode (dev without a key): no network; each call returns a simulated Stripe-shaped object
# whose ids are derived from the idempotency key (`tr_test_<sha256(key)[:24]>`), so the same call
# gives the same object. See README "Stripe calls for apps and payouts".

FEE_PERCENT_TENTHS = 29  # Stripe's standard card fee, 2.9 % + 30 minor units (test mode)
FEE_FIXED = 30
MODES = ("payment", "subscription", "setup")
INTERVALS = {"monthly": "month", "annual": "year", "month": "month", "year": "year"}


class StripeFailure(Exception):
    """A Stripe call failed. `code` is Stripe's error code ("card_declined",
    "balance_insufficient", "idempotency_error", ...); `retryable` says trying the same call
    again later (same key) may succeed (network, 409, 429, 5xx)."""

    def __init__(
        self, message: str, *, code: str, status: int | None, retryable: bool, kind: str
    ) -> None:
        super().__init__(message)
        self.code, self.status, self.retryable, self.kind = code, status, retryable, kind


def _failure(exc: stripe.StripeError) -> StripeFailure:
    status = exc.http_status
    error = exc.error
    kind = (getattr(error, "type", None) or type(exc).__name__) if error else type(exc).__name__
    code = exc.code or ("idempotency_error" if kind == "idempotency_error" else kind)
    retryable = (
        isinstance(exc, stripe.APIConnectionError)
        or status in (409, 429)
        or (status is not None and status >= 500)
    )
    return StripeFailure(
        exc.user_message or str(exc), code=str(code), status=status, retryable=retryable, kind=kind
    )


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a stripe client call, turning stripe's errors into StripeFailure."""
    try:
        return fn(*args, **kwargs)
    except stripe.StripeError as exc:
        raise _failure(exc) from exc


def _call_plain(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    return _plain(_call(fn, *args, **kwargs))


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)  # type: ignore[no-any-return]


def _opts(key: str) -> dict[str, Any]:
    if not key:
        raise ValueError("an idempotency key is required")
    return {"idempotency_key": key}


def _amount(amount_minor: int, *, zero_ok: bool = False) -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValueError("amount_minor must be an integer number of minor units")
    if amount_minor < 0 or (amount_minor == 0 and not zero_ok) or amount_minor > 99_999_999:
        raise ValueError(f"amount_minor out of range: {amount_minor}")
    return amount_minor


def _currency(currency: str) -> str:
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise ValueError(f"not a currency: {currency!r}")
    return currency.lower()


def _test_id(prefix: str, key: str) -> str:
    _opts(key)
    return f"{prefix}_test_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _test_fee(amount: int) -> int:
    return (amount * FEE_PERCENT_TENTHS + 500) // 1000 + FEE_FIXED


def _metadata(metadata: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (metadata or {}).items()}


def create_app_checkout(
    *,
    mode: str,
    customer: str | None,
    amount_minor: int,
    currency: str,
    name: str,
    interval: str | None = None,
    trial_days: int | None = 0,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
    key: str,
) -> tuple[str, str]:
    """A Checkout Session for an app ("payment", "subscription" or "setup"); (id, url).

    The card is saved for later off-session charges (usage). `interval` is month/year (or
    monthly/annual); metadata goes on the session and on its PaymentIntent or subscription.
    Test mode: (cs_test_..., success_url with {CHECKOUT_SESSION_ID} filled in)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    meta = _metadata(metadata)
    cur = _currency(currency)
    if mode != "setup":
        _amount(amount_minor)
    if mode == "subscription" and (interval or "") not in INTERVALS:
        raise ValueError("a subscription needs interval month/year")
    trial_days = int(trial_days or 0)
    if trial_days < 0 or trial_days > 730:
        raise ValueError("trial_days must be 0..730")
    if test_mode():
        sid = _test_id("cs", key)
        return sid, success_url.replace("{CHECKOUT_SESSION_ID}", sid)
    params: dict[str, Any] = {
        "mode": mode,
        "metadata": meta,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": meta.get("charge_id") or meta.get("tenant_id") or None,
    }
    if customer:
        params["customer"] = customer
    elif mode != "subscription":
        params["customer_creation"] = "always"
    if mode == "setup":
        params["currency"] = cur
        params["setup_intent_data"] = {"metadata": meta}
    else:
        price: dict[str, Any] = {
            "currency": cur,
            "unit_amount": amount_minor,
            "product_data": {"name": name},
        }
        if mode == "subscription":
            price["recurring"] = {"interval": INTERVALS[interval or ""]}
        params["line_items"] = [{"price_data": price, "quantity": 1}]
    if mode == "payment":
        params["payment_intent_data"] = {
            "metadata": meta,
            "setup_future_usage": "off_session",
            "description": name,
        }
    if mode == "subscription":
        sub: dict[str, Any] = {"metadata": meta, "description": name}
        if trial_days:
            sub["trial_period_days"] = trial_days
        params["subscription_data"] = sub
    params = {k: v for k, v in params.items() if v is not None}
    session = _call(_client().v1.checkout.sessions.create, params=params, options=_opts(key))
    return str(session.id), str(session.url)


def update_app_subscription(
    subscription_id: str, *, amount_minor: int, interval: str, key: str, trialing: bool = False
) -> dict[str, Any]:
    """Change a subscription's price; the difference for the rest of the period is invoiced
    now (proration_behavior=always_invoice), or, in a trial, nothing and the trial's end kept.
    The subscription."""
    _amount(amount_minor)
    if interval not in INTERVALS:
        raise ValueError("interval must be month/year")
    if test_mode():
        return {
            "id": subscription_id,
            "object": "subscription",
            "status": "active",
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _test_id("si", subscription_id),
                        "price": {
                            "id": _test_id("price", key),
                            "unit_amount": amount_minor,
                            "recurring": {"interval": INTERVALS[interval]},
                        },
                    }
                ],
            },
            "latest_invoice": _test_id("in", key),
        }
    client = _client()
    current = _call_plain(client.v1.subscriptions.retrieve, subscription_id)
    item = current["items"]["data"][0]
    params = {
        "items": [
            {
                "id": item["id"],
                "price_data": {
                    "currency": item["price"]["currency"],
                    "product": item["price"]["product"],
                    "unit_amount": amount_minor,
                    "recurring": {"interval": INTERVALS[interval]},
                },
            }
        ],
        "proration_behavior": "always_invoice",
    }
    if trialing and current.get("status") == "trialing" and current.get("trial_end"):
        params["proration_behavior"] = "none"
        params["trial_end"] = current["trial_end"]
    updated = _call(
        client.v1.subscriptions.update, subscription_id, params=params, options=_opts(key)
    )
    return _plain(updated)


def cancel_app_subscription(
    subscription_id: str, *, key: str, at_period_end: bool = False
) -> dict[str, Any]:
    """Cancel now, or at the end of the paid period; the subscription."""
    if test_mode():
        return {
            "id": subscription_id,
            "object": "subscription",
            "status": "active" if at_period_end else "canceled",
            "cancel_at_period_end": at_period_end,
        }
    client = _client()
    if at_period_end:
        result = _call(
            client.v1.subscriptions.update,
            subscription_id,
            params={"cancel_at_period_end": True},
            options=_opts(key),
        )
    else:
        result = _call(client.v1.subscriptions.cancel, subscription_id, options=_opts(key))
    return _plain(result)


def charge_usage(
    *,
    customer: str,
    amount_minor: int,
    currency: str,
    description: str,
    metadata: dict[str, str],
    key: str,
) -> dict[str, Any]:
    """An off-session PaymentIntent on the customer's saved card (a month's usage); the
    PaymentIntent (status "succeeded"). A declined card raises StripeFailure(code=
    "card_declined")."""
    _amount(amount_minor)
    cur = _currency(currency)
    meta = _metadata(metadata)
    if test_mode():
        return {
            "id": f"{_test_id('pi', key)[:28]}a{amount_minor}",  # payment_details reads the amount
            "object": "payment_intent",
            "amount": amount_minor,
            "amount_received": amount_minor,
            "currency": cur,
            "customer": customer,
            "description": description,
            "metadata": meta,
            "latest_charge": _test_id("ch", key),
            "status": "succeeded",
            "created": int(time.time()),
        }
    client = _client()
    method = _default_payment_method(client, customer)
    params = {
        "amount": amount_minor,
        "currency": cur,
        "customer": customer,
        "payment_method": method,
        "off_session": True,
        "confirm": True,
        "description": description,
        "metadata": meta,
    }
    intent = _call(client.v1.payment_intents.create, params=params, options=_opts(key))
    return _plain(intent)


def _default_payment_method(client: stripe.StripeClient, customer: str) -> str:
    found = _call_plain(client.v1.customers.retrieve, customer)
    default = (found.get("invoice_settings") or {}).get("default_payment_method")
    if default:
        return str(default if isinstance(default, str) else default["id"])
    methods = _call(client.v1.customers.payment_methods.list, customer, params={"limit": 1})
    if not methods.data:
        raise StripeFailure(
            "The customer has no saved card",
            code="no_payment_method",
            status=None,
            retryable=False,
            kind="invalid_request_error",
        )
    return str(methods.data[0].id)


def refund(*, payment_intent: str, amount_minor: int, key: str) -> dict[str, Any]:
    """Refund part or all of a payment; the refund (status "succeeded")."""
    _amount(amount_minor)
    if test_mode():
        return {
            "id": _test_id("re", key),
            "object": "refund",
            "amount": amount_minor,
            "payment_intent": payment_intent,
            "charge": _test_id("ch", payment_intent),
            "status": "succeeded",
        }
    result = _call(
        _client().v1.refunds.create,
        params={"payment_intent": payment_intent, "amount": amount_minor},
        options=_opts(key),
    )
    return _plain(result)


def payment_details(
    payment_intent: str, *, amount_minor: int | None = None, currency: str = "usd"
) -> dict[str, Any]:
    """The charge behind a succeeded PaymentIntent: {payment_intent, charge, amount, fee, net,
    currency (lowercase), created, balance_transaction, available_on}. Test mode: the fee is
    Stripe's standard fee on `amount_minor` (read from charge_usage's simulated id when not
    given) in `currency`."""
    if test_mode():
        if amount_minor is None:
            found = re.fullmatch(r"pi_test_[0-9a-f]+a(\d+)", payment_intent)
            if not found:
                raise ValueError("test mode needs amount_minor for this PaymentIntent")
            amount_minor = int(found.group(1))
        fee = _test_fee(amount_minor)
        now = int(time.time())
        return {
            "payment_intent": payment_intent,
            "charge": _test_id("ch", payment_intent),
            "amount": amount_minor,
            "fee": fee,
            "net": amount_minor - fee,
            "currency": _currency(currency),
            "created": now,
            "balance_transaction": _test_id("txn", payment_intent),
            "available_on": now,
        }
    intent = _call_plain(
        _client().v1.payment_intents.retrieve,
        payment_intent,
        params={"expand": ["latest_charge.balance_transaction"]},
    )
    charge = intent.get("latest_charge")
    if not charge or isinstance(charge, str) or charge.get("status") != "succeeded":
        raise StripeFailure(
            f"PaymentIntent {payment_intent} has no succeeded charge",
            code="no_charge",
            status=None,
            retryable=False,
            kind="invalid_request_error",
        )
    txn = charge["balance_transaction"]
    return {
        "payment_intent": payment_intent,
        "charge": charge["id"],
        "amount": int(charge["amount"]),
        "fee": int(txn["fee"]),
        "net": int(txn["net"]),
        "currency": str(charge["currency"]),
        "created": int(charge["created"]),
        "balance_transaction": txn["id"],
        "available_on": int(txn["available_on"]),
    }


def invoice_payment_intent(invoice_id: str) -> str | None:
    """The PaymentIntent that paid an invoice (None for a zero invoice, e.g. a trial's)."""
    if test_mode():
        return _test_id("pi", invoice_id)
    payments = _call_plain(
        _client().v1.invoice_payments.list, params={"invoice": invoice_id, "limit": 10}
    )
    for payment in payments["data"]:
        if payment.get("status") == "paid" and payment["payment"].get("payment_intent"):
            return str(payment["payment"]["payment_intent"])
    return None


def create_express_account(*, email: str, org_id: str, key: str) -> str:
    """A Connect Express account (US, transfers capability) for a developer org; its id."""
    if test_mode():
        return _test_id("acct", key)
    account = _call(
        _client().v1.accounts.create,
        params={
            "type": "express",
            "country": "US",
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"org_id": str(org_id)},
        },
        options=_opts(key),
    )
    return str(account.id)


def account_link(
    account_id: str, *, refresh_url: str, return_url: str, key: str | None = None
) -> str:
    """A one-time onboarding link for an Express account (expires in minutes: create one per
    visit; the key defaults to a fresh one). Test mode: return_url (onboarding is instant)."""
    if test_mode():
        return return_url
    link = _call(
        _client().v1.account_links.create,
        params={
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        },
        options=_opts(key or f"account_link:{account_id}:{uuid.uuid4().hex}"),
    )
    return str(link.url)


def retrieve_account(account_id: str) -> dict[str, Any]:
    """The account: payouts_enabled, details_submitted, charges_enabled, requirements.
    Test mode: a finished onboarding."""
    if test_mode():
        return {
            "id": account_id,
            "object": "account",
            "type": "express",
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
            "capabilities": {"transfers": "active"},
            "requirements": {"currently_due": [], "disabled_reason": None},
        }
    return _plain(_call(_client().v1.accounts.retrieve, account_id))


def create_transfer(
    *, account_id: str, amount_minor: int, currency: str, key: str, metadata: dict[str, str]
) -> dict[str, Any]:
    """A transfer from the platform balance to a connected account; the transfer. The key
    (e.g. payout:<period>:<org>) makes a retry return the same transfer."""
    _amount(amount_minor)
    cur = _currency(currency)
    meta = _metadata(metadata)
    if test_mode():
        return {
            "id": _test_id("tr", key),
            "object": "transfer",
            "amount": amount_minor,
            "amount_reversed": 0,
            "currency": cur,
            "destination": account_id,
            "metadata": meta,
            "balance_transaction": _test_id("txn", key),
            "reversed": False,
            "created": int(time.time()),
        }
    result = _call(
        _client().v1.transfers.create,
        params={
            "amount": amount_minor,
            "currency": cur,
            "destination": account_id,
            "metadata": meta,
            "transfer_group": meta.get("period") or None,
        }
        if meta.get("period")
        else {"amount": amount_minor, "currency": cur, "destination": account_id, "metadata": meta},
        options=_opts(key),
    )
    return _plain(result)


def find_transfer(*, group: str, payout_key: str) -> dict[str, Any] | None:
    """The transfer of transfer group `group` whose metadata payout_key is `payout_key`, or None
    (Stripe forgets idempotency keys after ~24 h). Test mode: None (nothing reached Stripe)."""
    if test_mode():
        return None
    page = _call(_client().v1.transfers.list, params={"transfer_group": group, "limit": 100})
    try:
        for item in page.auto_paging_iter():
            transfer = _plain(item)
            if (transfer.get("metadata") or {}).get("payout_key") == payout_key:
                return transfer
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return None


def reverse_transfer(transfer_id: str, *, amount_minor: int, key: str) -> dict[str, Any]:
    """Reverse part or all of a transfer; the reversal (object transfer_reversal)."""
    _amount(amount_minor)
    if test_mode():
        return {
            "id": _test_id("trr", key),
            "object": "transfer_reversal",
            "amount": amount_minor,
            "transfer": transfer_id,
            "balance_transaction": _test_id("txn", key),
            "created": int(time.time()),
        }
    result = _call(
        _client().v1.transfers.reversals.create,
        transfer_id,
        params={"amount": amount_minor},
        options=_opts(key),
    )
    return _plain(result)


def balance_transactions(*, created_gte: int, created_lt: int) -> Iterator[dict[str, Any]]:
    """The platform's balance transactions created in [gte, lt) (unix seconds), newest first,
    every page (100 a request). Test mode: none (nothing reached Stripe)."""
    if test_mode():
        return
    page = _call(
        _client().v1.balance_transactions.list,
        params={
            "created": {"gte": created_gte, "lt": created_lt},
            "limit": 100,
            "expand": ["data.source"],  # a refund's charge: reconciliation matches on it
        },
    )
    try:
        for txn in page.auto_paging_iter():
            yield _plain(txn)
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
