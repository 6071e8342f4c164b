"""Stripe events for app charges, registered into billing's webhook dispatch: each runs in
the transaction that stores the event, and posts journals keyed by Stripe ids."""

from __future__ import annotations

from typing import Any


async def on_checkout_completed(event: dict[str, Any]) -> str | None:
    """checkout.session.completed with app_charge_id metadata: active/trialing, post payment."""
    raise NotImplementedError


async def on_invoice_paid(event: dict[str, Any]) -> str | None:
    """invoice.paid for an app subscription: record the invoice, post the charge."""
    raise NotImplementedError


async def on_charge_refunded(event: dict[str, Any]) -> str | None:
    """charge.refunded: post_refund per Stripe refund id."""
    raise NotImplementedError


async def on_dispute(event: dict[str, Any]) -> str | None:
    """charge.dispute.created / closed: post_dispute, post_dispute_won when won."""
    raise NotImplementedError
