"""Pricing and the business's billing settings."""
