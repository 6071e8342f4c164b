"""The developer portal under /partners: organizations, listings, credentials, media."""
