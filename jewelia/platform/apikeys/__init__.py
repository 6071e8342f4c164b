"""API keys: shown once, stored as SHA-256 hashes."""
