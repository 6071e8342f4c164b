"""A small stateful Stripe-compatible server (stdlib only) that the real `stripe` client talks to
over HTTP (STRIPE_API_BASE). localstripe lacks Checkout, Connect and idempotency, so we keep our own.

It behaves as Stripe's API reference describes, for what Jewelia calls: customers, Checkout
Sessions (payment, subscription with trial, setup), PaymentIntents and charges with balance
transactions (fee 2.9 % + 30 minor units), subscriptions (trial, prorated price change, cancel),
invoices and invoice payments, refunds, disputes (opened and closed by test helpers), Connect
Express accounts, account links, transfers and reversals, the balance, balance transactions and
events (lists: `{object: "list", data, has_more, url}`, newest first, `limit`/`starting_after`/
`ending_before`/`created[gte|gt|lte|lt]`; `expand[]` on retrieve and list).

Idempotency (POST and DELETE): the same `Idempotency-Key` with the same method, path and
parameters replays the first response (header `Idempotent-Replayed: true`) and creates nothing;
other parameters or another endpoint get 400 `idempotency_error`; while the first is still in
flight (see `slow_next`) a second gets 409 `idempotency_key_in_use` (the client retries). As at
Stripe, a request refused by parameter validation saves no result (it can be retried, same key).
The webhook secret defaults to "whsec_test_configured"; to deliver to a server in billing test
mode, pass `webhook_secret=stripe_gateway.webhook_secret()` or `add_endpoint(url, secret)`.

Events are kept in `fake.events` and, when endpoints are registered (`webhook_url=` or
`add_endpoint`), POSTed by a background thread with a `Stripe-Signature: t=..,v1=..` header;
`fake.flush()` waits until every event is delivered; `fake.deliveries` logs each attempt.
Events about a connected account (account.updated) carry `account` and go to `connect=True`
endpoints only.

Test helpers: complete_checkout(session_id), advance_subscription(sub_id), onboard(account_id),
dispute(charge_id), close_dispute(dispute_id, won), attach_card(customer, declined=False),
fail_next(path, status, after=False), slow_next(path, seconds), `transfers` (by idempotency
key), `events`, `deliveries`, `requests`, `objects`, `get(id)`, `all(kind)`, `clock_offset`.
Everything is guarded by one lock: the server is thread-safe (ThreadingHTTPServer).
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import datetime as dt
import fnmatch
import hashlib
import hmac
import json
import os
import queue
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"
FEE_PERCENT_TENTHS = 29  # 2.9 %
FEE_FIXED = 30  # 30 minor units
DISPUTE_FEE = 1500
AVAILABLE_AFTER = 2 * 86400  # charges become available two days later (US standard)
ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "ugx", "xaf", "xof", "pyg", "rwf"}
CURRENCIES = {"usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk", "nzd", "mxn"}
CURRENCIES |= ZERO_DECIMAL
Obj = dict[str, Any]


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts (arrays as "0", "1" keys)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _listify(value: Any) -> Any:
    """Nested dicts keyed "0", "1"... become lists (how Stripe encodes arrays)."""
    if isinstance(value, dict):
        items = {k: _listify(v) for k, v in value.items()}
        if items and all(k.isdigit() for k in items):
            return [items[k] for k in sorted(items, key=int)]
        return items
    return value


def stripe_fee(amount: int) -> int:
    """Stripe's standard card fee: 2.9 % (rounded half up) + 30 minor units."""
    return (amount * FEE_PERCENT_TENTHS + 500) // 1000 + FEE_FIXED


def add_interval(ts: int, interval: str, count: int = 1) -> int:
    """`ts` moved on by `count` days/weeks/months/years, as Stripe bills (day of month clamped)."""
    when = dt.datetime.fromtimestamp(ts, dt.UTC)
    if interval == "day":
        return ts + 86400 * count
    if interval == "week":
        return ts + 7 * 86400 * count
    months = count * (12 if interval == "year" else 1)
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return int(when.replace(year=year, month=month, day=day).timestamp())


class StripeError(Exception):
    """An error response; `save` says whether an idempotent result is stored for it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        save: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        error: dict[str, Any] = {"type": type, "message": message}
        if code:
            error["code"] = code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            error["param"] = param
        error.update(extra or {})
        self.status, self.body, self.save = status, {"error": error}, save


def _missing(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def _int(params: dict[str, Any], name: str, *, required: bool = True, minimum: int = 0) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise _missing(name)
        return 0
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise StripeError(
            400, f"Invalid integer: {raw}", code="parameter_invalid_integer", param=name
        ) from None
    if value < minimum or value > 99_999_999:
        raise StripeError(
            400,
            f"This value must be greater than or equal to {minimum}"
            if value < minimum
            else "Amount must be no more than $999,999.99",
            code="parameter_invalid_integer" if value < minimum else "amount_too_large",
            param=name,
        )
    return value


def _currency(params: dict[str, Any], name: str = "currency") -> str:
    raw = params.get(name)
    if not raw:
        raise _missing(name)
    if raw != raw.lower() or raw not in CURRENCIES:
        raise StripeError(
            400, f"Invalid currency: {raw}.", code="parameter_invalid_string", param=name
        )
    return str(raw)


def _bool(value: Any) -> bool:
    return value in (True, "true", "True", "1")


def _meta(params: dict[str, Any]) -> dict[str, str]:
    meta = params.get("metadata") or {}
    if not isinstance(meta, dict):
        return {}
    return {k: str(v) for k, v in meta.items() if v != ""}


Route = tuple[str, re.Pattern[str], Callable[..., Any]]


class FakeStripe:
    """`with FakeStripe(webhook_url=..., webhook_secret=...) as fake:`; `.url` is STRIPE_API_BASE."""

    def __init__(
        self,
        webhook_url: str | None = None,
        webhook_secret: str = "whsec_test_configured",
        *,
        enforce_balance: bool = False,
    ) -> None:
        self.lock = threading.RLock()
        self.objects: dict[str, Obj] = {}
        self.order: dict[str, int] = {}
        self.sessions: dict[str, Obj] = {}
        self.requests: list[tuple[str, str, dict[str, Any], str]] = []
        self.events: list[Obj] = []
        self.deliveries: list[tuple[str, str, str, int | str]] = []
        self.endpoints: list[tuple[str, str, bool]] = []
        self.webhook_secret = webhook_secret
        self.enforce_balance = enforce_balance
        self.clock_offset = 0
        self.idempotency: dict[tuple[str, str], dict[str, Any]] = {}
        self.object_keys: dict[str, str] = {}
        self.failures: list[dict[str, Any]] = []
        self.slow: list[dict[str, Any]] = []
        self._seq = 0
        self._local = threading.local()
        self._outbox: queue.Queue[Obj | None] = queue.Queue()
        if webhook_url:
            self.add_endpoint(webhook_url)
        self.routes: list[Route] = []
        self._register_routes()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.sender = threading.Thread(target=self._send_loop, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        self.sender.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._outbox.put(None)
        self.server.shutdown()
        self.server.server_close()

    def env(self, secret_key: str = "sk_test_jewelia") -> dict[str, str]:
        """The environment that points Jewelia (and its subprocesses) at this server."""
        return {
            "STRIPE_API_KEY": secret_key,
            "STRIPE_API_BASE": self.url,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
        }

    @contextlib.contextmanager
    def configured(self, secret_key: str = "sk_test_jewelia") -> Iterator[FakeStripe]:
        """Within: this process's settings point the stripe gateway here (not test mode);
        restored after. Subprocesses need `env()` instead (Isolated(extra_env=fake.env()))."""
        from jewelia.core.settings import reset_settings

        names = (*self.env(secret_key), "STRIPE_PRICE_PROFESSIONAL")
        saved = {name: os.environ.get(name) for name in names}
        os.environ.update(self.env(secret_key))
        reset_settings()
        try:
            yield self
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            reset_settings()

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    # -- test helpers ----------------------------------------------------------------------------

    def add_endpoint(self, url: str, secret: str | None = None, *, connect: bool = False) -> None:
        """Deliver events to `url` (connect=True: events of connected accounts only)."""
        with self.lock:
            self.endpoints.append((url, secret or self.webhook_secret, connect))

    def remove_endpoint(self, url: str) -> None:
        with self.lock:
            self.endpoints = [e for e in self.endpoints if e[0] != url]

    def fail_next(
        self,
        path: str,
        status: int = 500,
        *,
        method: str = "POST",
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Fail the next `times` requests to `path` (fnmatch pattern). after=True: do the work
        (saving the idempotent result) and then answer `status` as if the reply were lost;
        status 0 drops the connection without an answer."""
        with self.lock:
            self.failures.append(
                {"path": path, "status": status, "method": method, "times": times, "after": after}
            )

    def slow_next(self, path: str, seconds: float, *, method: str = "POST", times: int = 1) -> None:
        """Hold the next `times` requests to `path` for `seconds` before doing the work; a
        request with the same Idempotency-Key meanwhile gets 409 idempotency_key_in_use."""
        with self.lock:
            self.slow.append({"path": path, "seconds": seconds, "method": method, "times": times})

    def get(self, object_id: str) -> Obj:
        """A copy of a stored object, as the API shows it."""
        with self.lock:
            return self._out(self.objects[object_id])

    def all(self, kind: str) -> list[Obj]:
        """Every stored object of a kind ("transfer", "charge"...), oldest first."""
        with self.lock:
            return [self._out(o) for o in self._of(kind)]

    @property
    def transfers(self) -> dict[str, list[Obj]]:
        """Transfers grouped by the idempotency key that created them ("" when none was sent)."""
        with self.lock:
            out: dict[str, list[Obj]] = {}
            for obj in self._of("transfer"):
                out.setdefault(self.object_keys.get(obj["id"], ""), []).append(self._out(obj))
            return out

    def events_of(self, kind: str) -> list[Obj]:
        with self.lock:
            return [copy.deepcopy(e) for e in self.events if e["type"] == kind]

    def signed(self, event: Obj, secret: str | None = None) -> tuple[bytes, str]:
        """(payload, Stripe-Signature) for an event, to post it yourself."""
        payload = json.dumps(event, separators=(",", ":")).encode()
        return payload, self.signature(payload, secret)

    def signature(self, payload: bytes, secret: str | None = None, ts: int | None = None) -> str:
        stamp = int(time.time()) if ts is None else ts
        digest = hmac.new(
            (secret or self.webhook_secret).encode(), f"{stamp}.".encode() + payload, hashlib.sha256
        ).hexdigest()
        return f"t={stamp},v1={digest}"

    def flush(self, timeout: float = 30) -> None:
        """Wait until every event sent so far has been delivered (or given up)."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        if self._outbox.unfinished_tasks:
            raise TimeoutError("events still undelivered")

    def attach_card(self, customer: str, *, declined: bool = False) -> str:
        """A card payment method attached to the customer and made its default; its id."""
        with self.lock:
            cust = self._find("customer", customer)
            pm = self._create(
                "pm",
                {
                    "object": "payment_method",
                    "type": "card",
                    "customer": customer,
                    "card": {
                        "brand": "visa",
                        "last4": "0002" if declined else "4242",
                        "exp_month": 12,
                        "exp_year": 2034,
                        "funding": "credit",
                    },
                    "billing_details": {"email": cust.get("email"), "name": cust.get("name")},
                    "metadata": {},
                    "_declined": declined,
                },
            )
            cust["invoice_settings"]["default_payment_method"] = pm["id"]
            return str(pm["id"])

    def complete_checkout(self, session_id: str, *, declined: bool = False) -> Obj:
        """The customer pays (or sets up) a Checkout Session: customer and card saved; payment
        mode charges (checkout.session.completed, payment_intent.succeeded, charge.succeeded);
        subscription mode starts the subscription (trialing with a paid 0 invoice, or active
        with a paid first invoice: invoice.paid ...). Waits for delivery; the session."""
        with self.lock:
            session = self._find("checkout.session", session_id)
            if session["status"] != "open":
                raise ValueError(f"session {session_id} is {session['status']}")
            customer = session["customer"]
            if not customer:
                customer = self._new_customer(
                    {"email": session.get("customer_email") or f"{session_id}@example.test"}
                )["id"]
                session["customer"] = customer
            pm = self.attach_card(customer, declined=declined)
            session["status"] = "complete"
            session["payment_status"] = "paid"
            mode = session["mode"]
            if mode == "payment":
                line = session["_lines"][0]
                pi_data = session["_payment_intent_data"]
                pi = self._payment_intent(
                    {
                        "amount": session["amount_total"],
                        "currency": session["currency"],
                        "customer": customer,
                        "payment_method": pm,
                        "description": pi_data.get("description") or line["name"],
                        "metadata": pi_data.get("metadata") or {},
                        "setup_future_usage": pi_data.get("setup_future_usage"),
                    },
                    confirm=True,
                    events=False,
                )
                session["payment_intent"] = pi["id"]
                if pi["status"] != "succeeded":
                    session["status"], session["payment_status"] = "open", "unpaid"
                    raise ValueError("the card was declined")
                self._event("checkout.session.completed", session)
                self._event("payment_intent.succeeded", pi)
                self._event("charge.succeeded", self.objects[pi["latest_charge"]])
            elif mode == "subscription":
                sub = self._start_subscription(session, customer, pm)
                session["subscription"] = sub["id"]
                session["invoice"] = sub["latest_invoice"]
                self._event("checkout.session.completed", session)
                self._event("customer.subscription.created", sub)
                self._invoice_events(self.objects[sub["latest_invoice"]])
            else:
                seti = self._create(
                    "seti",
                    {
                        "object": "setup_intent",
                        "customer": customer,
                        "payment_method": pm,
                        "status": "succeeded",
                        "usage": "off_session",
                        "metadata": session["metadata"],
                    },
                )
                session["setup_intent"] = seti["id"]
                session["payment_status"] = "no_payment_required"
                self._event("checkout.session.completed", session)
                self._event("setup_intent.succeeded", seti)
            result = self._out(session)
        self.flush()
        return result

    def advance_subscription(self, subscription_id: str) -> Obj:
        """The current period ends: a trial turns active, a cancel at period end takes effect,
        otherwise the next period's invoice is paid (invoice.paid) or fails (past_due). Waits
        for delivery; the subscription."""
        with self.lock:
            sub = self._find("subscription", subscription_id)
            if sub["status"] == "canceled":
                raise ValueError("subscription is canceled")
            item = sub["items"]["data"][0]
            previous = {"status": sub["status"], "items": copy.deepcopy(sub["items"])}
            start = item["current_period_end"]
            if sub["cancel_at_period_end"]:
                sub.update(status="canceled", canceled_at=self.now(), ended_at=start)
                self._event("customer.subscription.deleted", sub)
            else:
                price = item["price"]
                end = add_interval(start, price["recurring"]["interval"])
                item["current_period_start"], item["current_period_end"] = start, end
                lines = [
                    self._line(price["unit_amount"], price, f"1 x {price['_name']}", start, end)
                ]
                pending = sub.pop("_pending", [])
                invoice = self._invoice(sub, lines + pending, "subscription_cycle", start, end)
                sub["latest_invoice"] = invoice["id"]
                sub["status"] = "active" if invoice["status"] == "paid" else "past_due"
                self._event("customer.subscription.updated", sub, previous)
                self._invoice_events(invoice)
            result = self._out(sub)
        self.flush()
        return result

    def onboard(self, account_id: str, *, payouts_enabled: bool = True) -> Obj:
        """The developer finishes Express onboarding (account.updated to connect endpoints)."""
        with self.lock:
            acct = self._find("account", account_id)
            previous = {"details_submitted": acct["details_submitted"]}
            acct.update(
                details_submitted=True, charges_enabled=True, payouts_enabled=payouts_enabled
            )
            acct["capabilities"] = {"transfers": "active" if payouts_enabled else "inactive"}
            acct["requirements"] = _requirements(done=payouts_enabled)
            self._event("account.updated", acct, previous, account=account_id)
            result = self._out(acct)
        self.flush()
        return result

    def dispute(
        self, charge_id: str, *, amount: int | None = None, reason: str = "fraudulent"
    ) -> Obj:
        """The cardholder disputes a charge: funds and a 15.00 fee withdrawn
        (charge.dispute.created, charge.dispute.funds_withdrawn). The dispute."""
        with self.lock:
            charge = self._find("charge", charge_id)
            value = charge["amount"] if amount is None else amount
            dispute = self._create(
                "du",
                {
                    "object": "dispute",
                    "amount": value,
                    "currency": charge["currency"],
                    "charge": charge_id,
                    "payment_intent": charge["payment_intent"],
                    "reason": reason,
                    "status": "needs_response",
                    "is_charge_refundable": False,
                    "evidence": {},
                    "metadata": {},
                    "balance_transactions": [],
                },
            )
            bt = self._balance_tx(
                -value,
                charge["currency"],
                "adjustment",
                dispute["id"],
                fee=DISPUTE_FEE,
                category="dispute",
                description=f"Chargeback withdrawal for {charge_id}",
            )
            dispute["balance_transactions"].append(bt)
            charge["disputed"] = True
            self._event("charge.dispute.created", dispute)
            self._event("charge.dispute.funds_withdrawn", dispute)
            result = self._out(dispute)
        self.flush()
        return result

    def close_dispute(self, dispute_id: str, won: bool) -> Obj:
        """The bank decides: won reinstates the funds (charge.dispute.funds_reinstated); then
        charge.dispute.closed. The dispute."""
        with self.lock:
            dispute = self._find("dispute", dispute_id)
            dispute["status"] = "won" if won else "lost"
            if won:
                bt = self._balance_tx(
                    dispute["amount"],
                    dispute["currency"],
                    "adjustment",
                    dispute["id"],
                    category="dispute_reversal",
                    description=f"Chargeback reversal for {dispute['charge']}",
                )
                dispute["balance_transactions"].append(bt)
                self._event("charge.dispute.funds_reinstated", dispute)
            self._event("charge.dispute.closed", dispute)
            result = self._out(dispute)
        self.flush()
        return result

    # -- storage ---------------------------------------------------------------------------------

    def _create(self, prefix: str, fields: Obj) -> Obj:
        self._seq += 1
        oid = f"{prefix}_{'test_' if prefix in ('cs', 'bps') else ''}{uuid.uuid4().hex[:20]}"
        obj = {"id": oid, **fields}
        obj.setdefault("created", self.now())
        obj.setdefault("livemode", False)
        self.objects[oid] = obj
        self.order[oid] = self._seq
        key = getattr(self._local, "key", None)
        if key:
            self.object_keys[oid] = key
        return obj

    def _of(self, kind: str) -> list[Obj]:
        return sorted(
            (o for o in self.objects.values() if o.get("object") == kind),
            key=lambda o: self.order[o["id"]],
        )

    def _find(self, kind: str, oid: Any, param: str = "id") -> Obj:
        obj = self.objects.get(str(oid))
        if obj is None or obj.get("object") != kind:
            raise StripeError(
                404, f"No such {kind.split('.')[-1]}: '{oid}'", code="resource_missing", param=param
            )
        return obj

    def _out(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            out = {k: self._out(v) for k, v in obj.items() if not k.startswith("_")}
            if out.get("object") == "balance_transaction":
                out["status"] = "available" if out["available_on"] <= self.now() else "pending"
            return out
        if isinstance(obj, list):
            return [self._out(v) for v in obj]
        return obj

    def _expand(self, obj: Any, path: list[str]) -> Any:
        if not path:
            return obj
        if isinstance(obj, list):
            return [self._expand(o, path) for o in obj]
        if not isinstance(obj, dict) or path[0] not in obj:
            return obj
        head, rest = path[0], path[1:]
        value = obj[head]
        if isinstance(value, str) and value in self.objects:
            value = self._out(self.objects[value])
        elif isinstance(value, list):
            value = [
                self._out(self.objects[v]) if isinstance(v, str) and v in self.objects else v
                for v in value
            ]
        obj[head] = self._expand(value, rest)
        return obj

    def _listing(self, url: str, items: list[Obj], params: dict[str, Any]) -> Obj:
        """A Stripe list envelope over `items` (newest first), with Stripe's paging params."""
        items = sorted(items, key=lambda o: self.order[o["id"]], reverse=True)
        created = params.get("created")
        if isinstance(created, dict):
            ops = {"gte": int.__ge__, "gt": int.__gt__, "lte": int.__le__, "lt": int.__lt__}
            for op, bound in created.items():
                if op in ops:
                    items = [o for o in items if ops[op](o["created"], int(bound))]
        elif created:
            items = [o for o in items if o["created"] == int(created)]
        limit = _int(params, "limit", required=False, minimum=1) or 10
        if limit > 100:
            raise StripeError(400, "Limit must be at most 100", param="limit")
        ids = [o["id"] for o in items]
        if params.get("starting_after"):
            cursor = params["starting_after"]
            if cursor not in ids:
                raise StripeError(
                    404,
                    f"No such object: '{cursor}'",
                    code="resource_missing",
                    param="starting_after",
                )
            items = items[ids.index(cursor) + 1 :]
            page = items[:limit]
        elif params.get("ending_before"):
            cursor = params["ending_before"]
            if cursor not in ids:
                raise StripeError(
                    404,
                    f"No such object: '{cursor}'",
                    code="resource_missing",
                    param="ending_before",
                )
            items = items[: ids.index(cursor)]
            page = items[-limit:]
        else:
            page = items[:limit]
        return {
            "object": "list",
            "data": [self._out(o) for o in page],
            "has_more": len(items) > len(page),
            "url": url,
        }

    # -- money movements -------------------------------------------------------------------------

    def _balance_tx(
        self,
        amount: int,
        currency: str,
        type: str,
        source: str,
        *,
        fee: int = 0,
        category: str | None = None,
        description: str | None = None,
        delay: int = 0,
    ) -> str:
        now = self.now()
        bt = self._create(
            "txn",
            {
                "object": "balance_transaction",
                "amount": amount,
                "currency": currency,
                "available_on": now + delay,
                "description": description,
                "exchange_rate": None,
                "fee": fee,
                "fee_details": [
                    {
                        "amount": fee,
                        "application": None,
                        "currency": currency,
                        "description": "Stripe processing fees",
                        "type": "stripe_fee",
                    }
                ]
                if fee
                else [],
                "net": amount - fee,
                "reporting_category": category or type,
                "source": source,
                "status": "pending",
                "type": type,
            },
        )
        return str(bt["id"])

    def _balance(self) -> Obj:
        available: dict[str, int] = {}
        pending: dict[str, int] = {}
        for bt in self._of("balance_transaction"):
            target = available if bt["available_on"] <= self.now() else pending
            target[bt["currency"]] = target.get(bt["currency"], 0) + bt["net"]
        cur = set(available) | set(pending) or {"usd"}
        return {
            "object": "balance",
            "available": [
                {
                    "amount": available.get(c, 0),
                    "currency": c,
                    "source_types": {"card": available.get(c, 0)},
                }
                for c in sorted(cur)
            ],
            "pending": [
                {
                    "amount": pending.get(c, 0),
                    "currency": c,
                    "source_types": {"card": pending.get(c, 0)},
                }
                for c in sorted(cur)
            ],
            "livemode": False,
        }

    def _payment_intent(self, params: Obj, *, confirm: bool, events: bool = True) -> Obj:
        """A PaymentIntent; confirmed with a card it succeeds (charge + balance transaction) or
        is declined (requires_payment_method, card_error raised by the caller)."""
        amount = int(params["amount"])
        currency = str(params["currency"])
        pi = self._create(
            "pi",
            {
                "object": "payment_intent",
                "amount": amount,
                "amount_received": 0,
                "amount_capturable": 0,
                "capture_method": "automatic",
                "confirmation_method": "automatic",
                "currency": currency,
                "customer": params.get("customer"),
                "description": params.get("description"),
                "metadata": params.get("metadata") or {},
                "payment_method": params.get("payment_method"),
                "payment_method_types": ["card"],
                "setup_future_usage": params.get("setup_future_usage"),
                "latest_charge": None,
                "last_payment_error": None,
                "status": "requires_payment_method"
                if not params.get("payment_method")
                else "requires_confirmation",
            },
        )
        if not confirm or not params.get("payment_method"):
            return pi
        pm = self._find("payment_method", params["payment_method"], "payment_method")
        charge = self._create(
            "ch",
            {
                "object": "charge",
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": 0,
                "balance_transaction": None,
                "captured": True,
                "currency": currency,
                "customer": pi["customer"],
                "description": pi["description"],
                "disputed": False,
                "failure_code": None,
                "failure_message": None,
                "metadata": pi["metadata"],
                "paid": True,
                "payment_intent": pi["id"],
                "payment_method": pm["id"],
                "refunded": False,
                "status": "succeeded",
                "receipt_url": None,
            },
        )
        pi["latest_charge"] = charge["id"]
        if pm.get("_declined"):
            charge.update(
                paid=False,
                captured=False,
                amount_captured=0,
                status="failed",
                failure_code="card_declined",
                failure_message="Your card was declined.",
            )
            pi["status"] = "requires_payment_method"
            pi["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
                "charge": charge["id"],
            }
            if events:
                self._event("payment_intent.payment_failed", pi)
                self._event("charge.failed", charge)
            return pi
        charge["balance_transaction"] = self._balance_tx(
            amount,
            currency,
            "charge",
            charge["id"],
            fee=stripe_fee(amount),
            description=pi["description"],
            delay=AVAILABLE_AFTER,
        )
        pi.update(status="succeeded", amount_received=amount)
        if events:
            self._event("payment_intent.succeeded", pi)
            self._event("charge.succeeded", charge)
        return pi

    def _line(
        self,
        amount: int,
        price: Obj,
        description: str,
        start: int,
        end: int,
        proration: bool = False,
    ) -> Obj:
        return {
            "id": f"il_{uuid.uuid4().hex[:20]}",
            "object": "line_item",
            "amount": amount,
            "currency": price["currency"],
            "description": description,
            "metadata": {},
            "period": {"start": start, "end": end},
            "pricing": {
                "type": "price_details",
                "price_details": {"price": price["id"], "product": price["product"]},
                "unit_amount_decimal": str(price["unit_amount"]),
            },
            "parent": {
                "type": "subscription_item_details",
                "subscription_item_details": {"proration": proration},
            },
            "quantity": 1,
        }

    def _invoice(self, sub: Obj, lines: list[Obj], reason: str, start: int, end: int) -> Obj:
        """An invoice for a subscription, paid at once from the customer's credit and card."""
        customer = self.objects[sub["customer"]]
        total = sum(line["amount"] for line in lines)
        credit = min(0, customer["balance"])  # negative balance = credit
        due = max(0, total + credit)
        customer["balance"] = min(0, total + credit) if total + credit < 0 else 0
        invoice = self._create(
            "in",
            {
                "object": "invoice",
                "customer": sub["customer"],
                "currency": sub["currency"],
                "billing_reason": reason,
                "collection_method": "charge_automatically",
                "description": None,
                "lines": {
                    "object": "list",
                    "data": lines,
                    "has_more": False,
                    "total_count": len(lines),
                    "url": "",
                },
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {
                        "metadata": dict(sub["metadata"]),
                        "subscription": sub["id"],
                    },
                    "quote_details": None,
                },
                "period_start": start,
                "period_end": end,
                "subtotal": total,
                "total": total,
                "starting_balance": credit,
                "ending_balance": customer["balance"],
                "amount_due": due,
                "amount_paid": 0,
                "amount_remaining": due,
                "attempt_count": 0,
                "attempted": False,
                "status": "open",
                "status_transitions": {"finalized_at": self.now(), "paid_at": None},
                "hosted_invoice_url": None,
                "metadata": {},
                "_payment_intent": None,
            },
        )
        invoice["lines"]["url"] = f"/v1/invoices/{invoice['id']}/lines"
        invoice["hosted_invoice_url"] = f"https://invoice.stripe.test/i/{invoice['id']}"
        if due == 0:
            invoice.update(status="paid", attempted=True)
            invoice["status_transitions"]["paid_at"] = self.now()
            return invoice
        pm = customer["invoice_settings"]["default_payment_method"] or sub.get(
            "default_payment_method"
        )
        pi = self._payment_intent(
            {
                "amount": due,
                "currency": sub["currency"],
                "customer": sub["customer"],
                "payment_method": pm,
                "description": "Subscription creation"
                if reason == "subscription_create"
                else "Subscription update",
                "metadata": {},
            },
            confirm=True,
            events=False,
        )
        invoice["_payment_intent"] = pi["id"]
        invoice.update(attempt_count=1, attempted=True)
        if pi["status"] == "succeeded":
            invoice.update(status="paid", amount_paid=due, amount_remaining=0)
            invoice["status_transitions"]["paid_at"] = self.now()
            self._create(
                "inpay",
                {
                    "object": "invoice_payment",
                    "amount_paid": due,
                    "amount_requested": due,
                    "currency": sub["currency"],
                    "invoice": invoice["id"],
                    "is_default": True,
                    "payment": {"type": "payment_intent", "payment_intent": pi["id"]},
                    "status": "paid",
                    "status_transitions": {"paid_at": self.now(), "canceled_at": None},
                },
            )
        return invoice

    def _invoice_events(self, invoice: Obj) -> None:
        self._event("invoice.created", invoice)
        self._event("invoice.finalized", invoice)
        pi = self.objects.get(invoice["_payment_intent"] or "")
        if invoice["status"] == "paid":
            if pi:
                self._event("payment_intent.succeeded", pi)
                self._event("charge.succeeded", self.objects[pi["latest_charge"]])
            self._event("invoice.paid", invoice)
            self._event("invoice.payment_succeeded", invoice)
        else:
            if pi:
                self._event("payment_intent.payment_failed", pi)
            self._event("invoice.payment_failed", invoice)

    def _start_subscription(self, session: Obj, customer: str, pm: str) -> Obj:
        line = session["_lines"][0]
        data = session["_subscription_data"]
        now = self.now()
        trial_days = int(data.get("trial_period_days") or 0)
        interval = line["interval"] or "month"
        end = now + trial_days * 86400 if trial_days else add_interval(now, interval)
        price = self._price(
            line["unit_amount"], session["currency"], interval, line["name"], line.get("price")
        )
        sub = self._create(
            "sub",
            {
                "object": "subscription",
                "customer": customer,
                "currency": session["currency"],
                "status": "trialing" if trial_days else "incomplete",
                "items": {
                    "object": "list",
                    "data": [],
                    "has_more": False,
                    "total_count": 1,
                    "url": "",
                },
                "metadata": _meta(data),
                "trial_start": now if trial_days else None,
                "trial_end": end if trial_days else None,
                "cancel_at_period_end": False,
                "cancel_at": None,
                "canceled_at": None,
                "ended_at": None,
                "start_date": now,
                "latest_invoice": None,
                "default_payment_method": pm,
                "collection_method": "charge_automatically",
                "description": data.get("description"),
            },
        )
        sub["items"]["url"] = f"/v1/subscription_items?subscription={sub['id']}"
        sub["items"]["data"].append(
            {
                "id": f"si_{uuid.uuid4().hex[:20]}",
                "object": "subscription_item",
                "price": price,
                "quantity": 1,
                "subscription": sub["id"],
                "current_period_start": now,
                "current_period_end": end,
                "metadata": {},
                "created": now,
            }
        )
        lines = [
            self._line(
                0 if trial_days else price["unit_amount"],
                price,
                f"1 x {line['name']}" + (" (Trial)" if trial_days else ""),
                now,
                end,
            )
        ]
        invoice = self._invoice(sub, lines, "subscription_create", now, end)
        sub["latest_invoice"] = invoice["id"]
        if not trial_days:
            sub["status"] = "active" if invoice["status"] == "paid" else "incomplete"
        return sub

    def _price(
        self,
        unit_amount: int,
        currency: str,
        interval: str | None,
        name: str,
        product: str | None = None,
    ) -> Obj:
        if not product:
            product = self._create(
                "prod", {"object": "product", "name": name, "active": True, "metadata": {}}
            )["id"]
        price = self._create(
            "price",
            {
                "object": "price",
                "active": True,
                "currency": currency,
                "unit_amount": unit_amount,
                "product": product,
                "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"}
                if interval
                else None,
                "type": "recurring" if interval else "one_time",
                "metadata": {},
                "_name": name,
            },
        )
        return price

    def _new_customer(self, params: Obj) -> Obj:
        return self._create(
            "cus",
            {
                "object": "customer",
                "balance": 0,
                "currency": None,
                "description": params.get("description"),
                "email": params.get("email"),
                "name": params.get("name"),
                "invoice_settings": {
                    "default_payment_method": None,
                    "custom_fields": None,
                    "footer": None,
                },
                "metadata": _meta(params),
            },
        )

    # -- events ----------------------------------------------------------------------------------

    def _event(
        self, kind: str, obj: Obj, previous: Obj | None = None, *, account: str | None = None
    ) -> Obj:
        data: Obj = {"object": self._out(obj)}
        if previous is not None:
            data["previous_attributes"] = self._out(previous)
        request = getattr(self._local, "request", None)
        event = {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": len([e for e in self.endpoints if e[2] == bool(account)]),
            "request": {"id": request, "idempotency_key": getattr(self._local, "key", None)}
            if request
            else {"id": None, "idempotency_key": None},
            "type": kind,
        }
        if account:
            event["account"] = account
        self.events.append(event)
        self._outbox.put(copy.deepcopy(event))
        return event

    def _send_loop(self) -> None:
        while True:
            event = self._outbox.get()
            try:
                if event is None:
                    return
                with self.lock:
                    targets = [e for e in self.endpoints if e[2] == ("account" in event)]
                payload = json.dumps(event, separators=(",", ":")).encode()
                for url, secret, _connect in targets:
                    self._deliver(event, url, secret, payload)
            finally:
                self._outbox.task_done()

    def _deliver(self, event: Obj, url: str, secret: str, payload: bytes) -> None:
        for attempt in range(4):
            request = urllib.request.Request(
                url,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": self.signature(payload, secret),
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
            )
            status: int | str
            try:
                with urllib.request.urlopen(request, timeout=20) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError as exc:
                status = f"error: {exc}"
            with self.lock:
                self.deliveries.append((event["id"], event["type"], url, status))
            if isinstance(status, int) and 200 <= status < 300:
                return
            time.sleep(0.2 * (attempt + 1))

    # -- routes ----------------------------------------------------------------------------------

    def _register_routes(self) -> None:
        table: list[tuple[str, str, Callable[..., Any]]] = [
            ("POST", "/v1/customers", self._post_customer),
            (
                "GET",
                "/v1/customers",
                lambda p: self._listing("/v1/customers", self._of("customer"), p),
            ),
            ("GET", "/v1/customers/{id}", lambda p, id: self._find("customer", id)),
            ("POST", "/v1/customers/{id}", self._update_customer),
            ("GET", "/v1/customers/{id}/payment_methods", self._customer_pms),
            ("GET", "/v1/payment_methods", lambda p: self._customer_pms(p, p.get("customer", ""))),
            ("GET", "/v1/payment_methods/{id}", lambda p, id: self._find("payment_method", id)),
            ("POST", "/v1/checkout/sessions", self._post_session),
            ("GET", "/v1/checkout/sessions/{id}", lambda p, id: self._find("checkout.session", id)),
            ("POST", "/v1/billing_portal/sessions", self._post_portal),
            ("POST", "/v1/payment_intents", self._post_payment_intent),
            ("GET", "/v1/payment_intents/{id}", lambda p, id: self._find("payment_intent", id)),
            ("GET", "/v1/charges/{id}", lambda p, id: self._find("charge", id)),
            ("GET", "/v1/charges", self._list_charges),
            ("POST", "/v1/refunds", self._post_refund),
            ("GET", "/v1/refunds/{id}", lambda p, id: self._find("refund", id)),
            ("GET", "/v1/disputes/{id}", lambda p, id: self._find("dispute", id)),
            ("GET", "/v1/subscriptions/{id}", lambda p, id: self._find("subscription", id)),
            ("POST", "/v1/subscriptions/{id}", self._update_subscription),
            ("DELETE", "/v1/subscriptions/{id}", self._cancel_subscription),
            ("GET", "/v1/invoices/{id}", lambda p, id: self._find("invoice", id)),
            ("GET", "/v1/invoice_payments", self._list_invoice_payments),
            ("POST", "/v1/accounts", self._post_account),
            ("GET", "/v1/accounts/{id}", lambda p, id: self._find("account", id)),
            ("POST", "/v1/accounts/{id}", self._update_account),
            ("POST", "/v1/account_links", self._post_account_link),
            ("POST", "/v1/transfers", self._post_transfer),
            ("GET", "/v1/transfers", self._list_transfers),
            ("GET", "/v1/transfers/{id}", lambda p, id: self._find("transfer", id)),
            ("POST", "/v1/transfers/{id}/reversals", self._post_reversal),
            ("GET", "/v1/transfers/{id}/reversals", self._list_reversals),
            ("GET", "/v1/balance", lambda p: self._balance()),
            ("GET", "/v1/balance_transactions", self._list_balance_transactions),
            (
                "GET",
                "/v1/balance_transactions/{id}",
                lambda p, id: self._find("balance_transaction", id),
            ),
            ("GET", "/v1/events", self._list_events),
            ("GET", "/v1/events/{id}", self._get_event),
        ]
        for method, path, fn in table:
            pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")
            self.routes.append((method, pattern, fn))

    def _post_customer(self, p: Obj) -> Obj:
        return self._new_customer(p)

    def _update_customer(self, p: Obj, id: str) -> Obj:
        cust = self._find("customer", id)
        for field in ("email", "name", "description"):
            if field in p:
                cust[field] = p[field] or None
        if "metadata" in p:
            cust["metadata"] = {**cust["metadata"], **_meta(p)}
        default = (p.get("invoice_settings") or {}).get("default_payment_method")
        if default:
            self._find("payment_method", default, "invoice_settings[default_payment_method]")
            cust["invoice_settings"]["default_payment_method"] = default
        return cust

    def _customer_pms(self, p: Obj, id: str) -> Obj:
        self._find("customer", id, "customer")
        pms = [o for o in self._of("payment_method") if o["customer"] == id]
        return self._listing(f"/v1/customers/{id}/payment_methods", pms, p)

    def _post_session(self, p: Obj) -> Obj:
        mode = p.get("mode")
        if not mode:
            raise _missing("mode")
        if mode not in ("payment", "subscription", "setup"):
            raise StripeError(400, f"Invalid mode: {mode}", param="mode")
        if not p.get("success_url"):
            raise _missing("success_url")
        lines: list[Obj] = []
        currency = p.get("currency")
        for n, item in enumerate(p.get("line_items") or []):
            quantity = _int(item, "quantity", required=False, minimum=1) or 1
            if item.get("price"):
                known = self.objects.get(item["price"])
                lines.append(
                    {
                        "price": known["product"] if known else None,
                        "unit_amount": known["unit_amount"] if known else 4900,
                        "name": known["_name"] if known else item["price"],
                        "interval": (known.get("recurring") or {}).get("interval")
                        if known
                        else "month",
                        "quantity": quantity,
                    }
                )
                currency = currency or (known["currency"] if known else "usd")
                continue
            data = item.get("price_data")
            if not data:
                raise _missing(f"line_items[{n}][price]")
            currency = _currency(data)
            recurring = data.get("recurring") or {}
            if mode == "subscription" and not recurring:
                raise StripeError(
                    400,
                    "You must provide at least one recurring price in `subscription` mode.",
                    param="line_items",
                )
            if mode == "payment" and recurring:
                raise StripeError(
                    400,
                    "You specified `payment` mode but passed a recurring price.",
                    param="line_items",
                )
            if recurring and recurring.get("interval") not in ("day", "week", "month", "year"):
                raise StripeError(
                    400,
                    "Invalid interval",
                    param=f"line_items[{n}][price_data][recurring][interval]",
                )
            name = (data.get("product_data") or {}).get("name")
            if not name and not data.get("product"):
                raise _missing(f"line_items[{n}][price_data][product_data][name]")
            lines.append(
                {
                    "price": data.get("product"),
                    "unit_amount": _int(data, "unit_amount"),
                    "name": name or data.get("product"),
                    "interval": recurring.get("interval"),
                    "quantity": quantity,
                }
            )
        if mode != "setup" and not lines:
            raise _missing("line_items")
        if mode == "payment":
            total = sum(line["unit_amount"] * line["quantity"] for line in lines)
            if total < 50 and currency not in ZERO_DECIMAL:
                raise StripeError(
                    400,
                    "The Checkout Session's total amount due must add up to at least $0.50 usd",
                    code="amount_too_small",
                )
        sub_data = p.get("subscription_data") or {}
        if sub_data.get("trial_period_days") not in (None, ""):
            days = _int(sub_data, "trial_period_days", minimum=1)
            if days > 730:
                raise StripeError(
                    400,
                    "trial_period_days must be at most 730",
                    param="subscription_data[trial_period_days]",
                )
        if p.get("customer"):
            self._find("customer", p["customer"], "customer")
        session = self._create(
            "cs",
            {
                "object": "checkout.session",
                "mode": mode,
                "status": "open",
                "payment_status": "unpaid",
                "amount_subtotal": sum(x["unit_amount"] * x["quantity"] for x in lines)
                if lines
                else None,
                "amount_total": sum(x["unit_amount"] * x["quantity"] for x in lines)
                if lines
                else None,
                "currency": currency,
                "customer": p.get("customer"),
                "customer_email": p.get("customer_email"),
                "customer_creation": p.get("customer_creation"),
                "client_reference_id": p.get("client_reference_id"),
                "metadata": _meta(p),
                "success_url": p["success_url"],
                "cancel_url": p.get("cancel_url"),
                "payment_intent": None,
                "subscription": None,
                "setup_intent": None,
                "invoice": None,
                "expires_at": self.now() + 86400,
                "url": None,
                "_lines": lines,
                "_subscription_data": sub_data,
                "_payment_intent_data": p.get("payment_intent_data") or {},
            },
        )
        session["url"] = f"https://checkout.stripe.test/pay/{session['id']}"
        session["success_url"] = session["success_url"].replace(
            "{CHECKOUT_SESSION_ID}", session["id"]
        )
        self.sessions[session["id"]] = session
        return session

    def _post_portal(self, p: Obj) -> Obj:
        if not p.get("customer"):
            raise _missing("customer")
        return self._create(
            "bps",
            {
                "object": "billing_portal.session",
                "customer": p["customer"],
                "return_url": p.get("return_url"),
                "url": f"https://billing.stripe.test/session/{p['customer']}",
            },
        )

    def _post_payment_intent(self, p: Obj) -> Obj:
        amount = _int(p, "amount", minimum=1)
        currency = _currency(p)
        if amount < 50 and currency not in ZERO_DECIMAL:
            raise StripeError(
                400, "Amount must be at least $0.50 usd", code="amount_too_small", param="amount"
            )
        if p.get("customer"):
            self._find("customer", p["customer"], "customer")
        if p.get("payment_method"):
            pm = self._find("payment_method", p["payment_method"], "payment_method")
            if pm["customer"] != p.get("customer"):
                raise StripeError(
                    400,
                    "The provided PaymentMethod does not belong to the customer.",
                    param="payment_method",
                )
        if _bool(p.get("off_session")) and not _bool(p.get("confirm")):
            raise StripeError(
                400, "off_session can only be used with confirm=true", param="off_session"
            )
        pi = self._payment_intent(
            {**p, "amount": amount, "currency": currency, "metadata": _meta(p)},
            confirm=_bool(p.get("confirm")),
        )
        if pi["status"] == "requires_payment_method" and pi["last_payment_error"]:
            error = pi["last_payment_error"]
            raise StripeError(
                402,
                error["message"],
                type="card_error",
                code="card_declined",
                save=True,
                extra={
                    "decline_code": "generic_decline",
                    "payment_intent": self._out(pi),
                    "charge": error["charge"],
                },
            )
        return pi

    def _list_charges(self, p: Obj) -> Obj:
        items = self._of("charge")
        for field in ("customer", "payment_intent"):
            if p.get(field):
                items = [o for o in items if o[field] == p[field]]
        return self._listing("/v1/charges", items, p)

    def _post_refund(self, p: Obj) -> Obj:
        if p.get("payment_intent"):
            pi = self._find("payment_intent", p["payment_intent"], "payment_intent")
            if not pi["latest_charge"] or pi["status"] != "succeeded":
                raise StripeError(
                    400,
                    f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                    param="payment_intent",
                )
            charge = self.objects[pi["latest_charge"]]
        elif p.get("charge"):
            charge = self._find("charge", p["charge"], "charge")
        else:
            raise _missing("charge")
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        if charge["disputed"]:
            raise StripeError(
                400,
                f"Charge {charge['id']} has been charged back; cannot issue a refund.",
                code="charge_disputed",
            )
        amount = _int(p, "amount", required=False, minimum=1) or remaining
        if amount > remaining:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                param="amount",
            )
        refund = self._create(
            "re",
            {
                "object": "refund",
                "amount": amount,
                "balance_transaction": None,
                "charge": charge["id"],
                "currency": charge["currency"],
                "metadata": _meta(p),
                "payment_intent": charge["payment_intent"],
                "reason": p.get("reason"),
                "status": "succeeded",
            },
        )
        refund["balance_transaction"] = self._balance_tx(
            -amount, charge["currency"], "refund", refund["id"], description="REFUND FOR CHARGE"
        )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._event("charge.refunded", charge)
        self._event("refund.created", refund)
        return refund

    def _update_subscription(self, p: Obj, id: str) -> Obj:
        sub = self._find("subscription", id)
        if sub["status"] == "canceled":
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        previous: Obj = {}
        behavior = p.get("proration_behavior") or "create_prorations"
        if behavior not in ("create_prorations", "always_invoice", "none"):
            raise StripeError(
                400, f"Invalid proration_behavior: {behavior}", param="proration_behavior"
            )
        invoice = None
        items = p.get("items") or []
        if items:
            change = items[0]
            item = sub["items"]["data"][0]
            if change.get("id") and change["id"] != item["id"]:
                raise StripeError(
                    404,
                    f"No such subscription item: '{change['id']}'",
                    code="resource_missing",
                    param="items[0][id]",
                )
            data = change.get("price_data")
            if not data and not change.get("price"):
                raise _missing("items[0][price]")
            old = item["price"]
            if data:
                if not data.get("product"):
                    raise _missing("items[0][price_data][product]")
                currency = _currency(data)
                if currency != sub["currency"]:
                    raise StripeError(
                        400,
                        "Currency must match the subscription's",
                        param="items[0][price_data][currency]",
                    )
                recurring = data.get("recurring") or {}
                if recurring.get("interval") not in ("day", "week", "month", "year"):
                    raise _missing("items[0][price_data][recurring][interval]")
                new = self._price(
                    _int(data, "unit_amount"),
                    currency,
                    recurring["interval"],
                    old["_name"],
                    data["product"],
                )
            else:
                new = self._find("price", change["price"], "items[0][price]")
            previous["items"] = copy.deepcopy(sub["items"])
            item["price"] = new
            now = self.now()
            start, end = item["current_period_start"], item["current_period_end"]
            if new["recurring"]["interval"] != old["recurring"]["interval"]:
                # A new interval resets the billing cycle: unused time credited, new period charged.
                fraction = (end - now) / max(1, end - start)
                lines = [
                    self._line(
                        -round(old["unit_amount"] * fraction),
                        old,
                        f"Unused time on {old['_name']}",
                        now,
                        end,
                        True,
                    ),
                    self._line(
                        new["unit_amount"],
                        new,
                        f"1 x {new['_name']}",
                        now,
                        add_interval(now, new["recurring"]["interval"]),
                    ),
                ]
                if sub["status"] == "trialing":
                    lines = []
                item["current_period_start"] = now
                item["current_period_end"] = add_interval(now, new["recurring"]["interval"])
                if lines:
                    invoice = self._invoice(
                        sub, lines, "subscription_update", now, item["current_period_end"]
                    )
            elif sub["status"] == "active" and behavior != "none":
                fraction = (end - now) / max(1, end - start)
                lines = [
                    self._line(
                        -round(old["unit_amount"] * fraction),
                        old,
                        f"Unused time on {old['_name']}",
                        now,
                        end,
                        True,
                    ),
                    self._line(
                        round(new["unit_amount"] * fraction),
                        new,
                        f"Remaining time on {new['_name']}",
                        now,
                        end,
                        True,
                    ),
                ]
                if behavior == "always_invoice":
                    invoice = self._invoice(sub, lines, "subscription_update", now, end)
                else:
                    sub.setdefault("_pending", []).extend(lines)
        if "cancel_at_period_end" in p:
            previous["cancel_at_period_end"] = sub["cancel_at_period_end"]
            sub["cancel_at_period_end"] = _bool(p["cancel_at_period_end"])
            sub["cancel_at"] = (
                sub["items"]["data"][0]["current_period_end"]
                if sub["cancel_at_period_end"]
                else None
            )
        if "metadata" in p:
            previous["metadata"] = dict(sub["metadata"])
            sub["metadata"] = {**sub["metadata"], **_meta(p)}
        if invoice:
            sub["latest_invoice"] = invoice["id"]
        self._event("customer.subscription.updated", sub, previous)
        if invoice:
            self._invoice_events(invoice)
        return sub

    def _cancel_subscription(self, p: Obj, id: str) -> Obj:
        sub = self._find("subscription", id)
        if sub["status"] == "canceled":
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        now = self.now()
        sub.update(status="canceled", canceled_at=now, ended_at=now)
        sub["cancellation_details"] = {
            "comment": None,
            "feedback": None,
            "reason": "cancellation_requested",
        }
        self._event("customer.subscription.deleted", sub)
        return sub

    def _list_invoice_payments(self, p: Obj) -> Obj:
        items = self._of("invoice_payment")
        if p.get("invoice"):
            items = [o for o in items if o["invoice"] == p["invoice"]]
        return self._listing("/v1/invoice_payments", items, p)

    def _post_account(self, p: Obj) -> Obj:
        kind = p.get("type")
        controller = p.get("controller") or {}
        if kind and kind not in ("express", "standard", "custom"):
            raise StripeError(400, f"Invalid type: {kind}", param="type")
        if not kind and not controller:
            raise _missing("type")
        country = p.get("country") or "US"
        return self._create(
            "acct",
            {
                "object": "account",
                "type": kind or "none",
                "business_type": p.get("business_type"),
                "country": country,
                "default_currency": "usd" if country == "US" else None,
                "email": p.get("email"),
                "details_submitted": False,
                "charges_enabled": False,
                "payouts_enabled": False,
                "capabilities": {
                    name: "inactive" for name in (p.get("capabilities") or {"transfers": {}})
                },
                "requirements": _requirements(done=False),
                "metadata": _meta(p),
                "settings": {"payouts": {"schedule": {"interval": "daily", "delay_days": 2}}},
            },
        )

    def _update_account(self, p: Obj, id: str) -> Obj:
        acct = self._find("account", id)
        if "metadata" in p:
            acct["metadata"] = {**acct["metadata"], **_meta(p)}
        if "email" in p:
            acct["email"] = p["email"]
        return acct

    def _post_account_link(self, p: Obj) -> Obj:
        for name in ("account", "type"):
            if not p.get(name):
                raise _missing(name)
        self._find("account", p["account"], "account")
        if p["type"] not in ("account_onboarding", "account_update"):
            raise StripeError(400, f"Invalid type: {p['type']}", param="type")
        if not p.get("refresh_url"):
            raise _missing("refresh_url")
        if not p.get("return_url"):
            raise _missing("return_url")
        now = self.now()
        return {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"https://connect.stripe.test/setup/e/{p['account']}/{uuid.uuid4().hex}",
        }

    def _post_transfer(self, p: Obj) -> Obj:
        amount = _int(p, "amount", minimum=1)
        currency = _currency(p)
        if not p.get("destination"):
            raise _missing("destination")
        destination = self.objects.get(p["destination"])
        if destination is None or destination.get("object") != "account":
            raise StripeError(
                400,
                f"No such destination: '{p['destination']}'",
                code="resource_missing",
                param="destination",
            )
        if destination["capabilities"].get("transfers") != "active":
            raise StripeError(
                400,
                "Your destination account needs to have at least one of the following capabilities"
                " enabled: transfers, crypto_transfers, legacy_payments",
                code="insufficient_capabilities_for_transfer",
                param="destination",
            )
        if self.enforce_balance:
            available = {b["currency"]: b["amount"] for b in self._balance()["available"]}
            if available.get(currency, 0) < amount:
                raise StripeError(
                    400,
                    "You have insufficient available funds in your Stripe account. Try adding funds"
                    " directly to your available balance by creating Charges using the"
                    " 4000000000000077 test card.",
                    code="balance_insufficient",
                )
        transfer = self._create(
            "tr",
            {
                "object": "transfer",
                "amount": amount,
                "amount_reversed": 0,
                "balance_transaction": None,
                "currency": currency,
                "description": p.get("description"),
                "destination": destination["id"],
                "destination_payment": f"py_{uuid.uuid4().hex[:20]}",
                "metadata": _meta(p),
                "reversals": {
                    "object": "list",
                    "data": [],
                    "has_more": False,
                    "total_count": 0,
                    "url": "",
                },
                "reversed": False,
                "source_transaction": p.get("source_transaction"),
                "source_type": "card",
                "transfer_group": p.get("transfer_group"),
            },
        )
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
        transfer["balance_transaction"] = self._balance_tx(
            -amount, currency, "transfer", transfer["id"], description=p.get("description")
        )
        self._event("transfer.created", transfer)
        return transfer

    def _list_transfers(self, p: Obj) -> Obj:
        items = self._of("transfer")
        if p.get("destination"):
            items = [o for o in items if o["destination"] == p["destination"]]
        if p.get("transfer_group"):
            items = [o for o in items if o["transfer_group"] == p["transfer_group"]]
        return self._listing("/v1/transfers", items, p)

    def _post_reversal(self, p: Obj, id: str) -> Obj:
        transfer = self._find("transfer", id)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = _int(p, "amount", required=False, minimum=1) or remaining
        if remaining <= 0:
            raise StripeError(400, f"Transfer {id} has already been fully reversed.")
        if amount > remaining:
            raise StripeError(
                400,
                f"Reversal amount ({amount}) is greater than the transfer's unreversed amount ({remaining})",
                param="amount",
            )
        reversal = self._create(
            "trr",
            {
                "object": "transfer_reversal",
                "amount": amount,
                "balance_transaction": None,
                "currency": transfer["currency"],
                "destination_payment_refund": f"pyr_{uuid.uuid4().hex[:20]}",
                "metadata": _meta(p),
                "source_refund": None,
                "transfer": id,
            },
        )
        reversal["balance_transaction"] = self._balance_tx(
            amount,
            transfer["currency"],
            "transfer_refund",
            reversal["id"],
            category="transfer_reversal",
        )
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        transfer["reversals"]["total_count"] += 1
        self._event("transfer.reversed", transfer)
        return reversal

    def _list_reversals(self, p: Obj, id: str) -> Obj:
        self._find("transfer", id)
        items = [o for o in self._of("transfer_reversal") if o["transfer"] == id]
        return self._listing(f"/v1/transfers/{id}/reversals", items, p)

    def _list_balance_transactions(self, p: Obj) -> Obj:
        items = self._of("balance_transaction")
        for field in ("type", "source", "currency"):
            if p.get(field):
                items = [o for o in items if o[field] == p[field]]
        return self._listing("/v1/balance_transactions", items, p)

    def _list_events(self, p: Obj) -> Obj:
        seq = {e["id"]: n for n, e in enumerate(self.events)}
        self.order.update(seq)  # events live outside `objects`: order by position
        items = list(self.events)
        if p.get("type"):
            items = [e for e in items if fnmatch.fnmatch(e["type"], p["type"])]
        return self._listing("/v1/events", items, p)

    def _get_event(self, p: Obj, id: str) -> Obj:
        for event in self.events:
            if event["id"] == id:
                return event
        raise StripeError(404, f"No such event: '{id}'", code="resource_missing", param="id")

    # -- HTTP ------------------------------------------------------------------------------------

    def _dispatch(self, method: str, path: str, params: Obj) -> tuple[int, Any]:
        for route_method, pattern, fn in self.routes:
            match = pattern.match(path)
            if match and route_method == method:
                try:
                    result = fn(params, **match.groupdict())
                except StripeError as exc:
                    return exc.status, exc
                if isinstance(result, dict) and result.get("object") != "list":
                    result = self._out(result)
                for path_ in params.get("expand") or []:
                    result = self._expand(result, str(path_).split("."))
                return 200, result
        return 404, StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _handle(
        self, method: str, path: str, params: Obj, headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, body or None to drop the connection, extra headers)."""
        request_id = f"req_{uuid.uuid4().hex[:14]}"
        out_headers = {"Request-Id": request_id, "Stripe-Version": API_VERSION}
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer sk_test_"):
            error = StripeError(
                401, "Invalid API Key provided: " + (auth[7:15] + "***" if auth else "none")
            )
            return 401, error.body, out_headers
        key = headers.get("Idempotency-Key") if method in ("POST", "DELETE") else None
        fingerprint = json.dumps([method, path, params], sort_keys=True)
        scope = (auth, key or "")
        if key:
            out_headers["Idempotency-Key"] = key
        with self.lock:
            failure = self._take(self.failures, method, path)
            if failure and not failure["after"]:
                return failure["status"], _failure_body(failure["status"]), out_headers
            seen = self.idempotency.get(scope) if key else None
            if seen is not None:
                if seen.get("in_flight"):
                    error = StripeError(
                        409,
                        "There is currently another in-progress request using this Stripe"
                        f" Idempotency-Key ('{key}'). Please try again later.",
                        code="idempotency_key_in_use",
                    )
                    return 409, error.body, out_headers
                if seen["fingerprint"] != fingerprint:
                    error = StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters"
                        " they were first used with. Try using a key other than"
                        f" '{key}' if you meant to execute a different request.",
                        type="idempotency_error",
                    )
                    return 400, error.body, out_headers
                out_headers["Idempotent-Replayed"] = "true"
                out_headers["Original-Request"] = seen["request_id"]
                if failure:
                    return failure["status"], _failure_body(failure["status"]), out_headers
                return seen["status"], copy.deepcopy(seen["body"]), out_headers
            slow = self._take(self.slow, method, path)
            if slow and key:
                self.idempotency[scope] = {"in_flight": True, "fingerprint": fingerprint}
        if slow:
            time.sleep(slow["seconds"])  # outside the lock: a same-key request now gets 409
        with self.lock:
            if slow and key:
                del self.idempotency[scope]
            self._local.request, self._local.key = request_id, key
            try:
                status, result = self._dispatch(method, path, params)
            finally:
                self._local.request = self._local.key = None
            if isinstance(result, StripeError):
                body, save = result.body, result.save
            else:
                body, save = result, True
            if key and save:
                self.idempotency[scope] = {
                    "fingerprint": fingerprint,
                    "status": status,
                    "body": copy.deepcopy(body),
                    "request_id": request_id,
                }
            if failure:
                return failure["status"], _failure_body(failure["status"]), out_headers
            return status, body, out_headers

    @staticmethod
    def _take(rules: list[dict[str, Any]], method: str, path: str) -> dict[str, Any] | None:
        """The first rule matching the request, used up once."""
        rule = next(
            (r for r in rules if r["method"] == method and fnmatch.fnmatch(path, r["path"])), None
        )
        if rule:
            rule["times"] -= 1
            if rule["times"] <= 0:
                rules.remove(rule)
        return rule

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", 0) or 0)
                body = self.rfile.read(length).decode() if length else ""
                raw = _nest(parse_qsl(body or parts.query, keep_blank_values=True))
                with fake.lock:
                    fake.requests.append(
                        (method, parts.path, raw, self.headers.get("Authorization", ""))
                    )
                status, payload, headers = fake._handle(
                    method, parts.path, _listify(raw), self.headers
                )
                if payload is None:
                    self.close_connection = True
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler


def _failure_body(status: int) -> Obj | None:
    if status == 0:
        return None
    return {
        "error": {
            "type": "api_error" if status >= 500 else "invalid_request_error",
            "message": f"Injected failure ({status}) by FakeStripe.fail_next",
        }
    }


def _requirements(*, done: bool) -> Obj:
    due = [] if done else ["business_profile.url", "external_account", "tos_acceptance.date"]
    return {
        "currently_due": due,
        "eventually_due": due,
        "past_due": due,
        "pending_verification": [],
        "disabled_reason": None if done else "requirements.past_due",
        "errors": [],
    }


def iter_objects(fake: FakeStripe, kind: str) -> Iterator[Obj]:
    """Every stored object of a kind (a snapshot), oldest first."""
    yield from fake.all(kind)
