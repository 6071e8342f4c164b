"""The per-tenant audit log."""
