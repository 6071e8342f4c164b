"""Cross-tenant core: tables in the public schema."""
