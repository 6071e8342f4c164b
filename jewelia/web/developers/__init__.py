"""Developers pages: webhook endpoints, live deliveries, testing tools, incoming webhooks."""
