"""The OAuth consent page (GET/POST /oauth/authorize)."""
