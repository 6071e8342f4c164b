"""Customers, inventory and orders."""
