"""Outgoing webhooks: endpoints, the outbox dispatcher, signed deliveries and their dashboard."""
