"""The integration marketplace: developer organizations, listings, review queue, installs,
reviews (issue 12)."""
