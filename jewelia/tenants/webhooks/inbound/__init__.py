"""Incoming webhooks: sources, signature checks, stored events and their handlers."""
