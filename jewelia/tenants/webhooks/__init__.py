"""Event outbox (and, later, subscriptions and deliveries)."""
