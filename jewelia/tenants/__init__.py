"""Everything inside a tenant's own schema."""
