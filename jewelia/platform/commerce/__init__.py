"""Commerce: app charges, the double-entry ledger, payouts, statements (public schema)."""
