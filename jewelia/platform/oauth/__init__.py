"""OAuth 2.0 authorization server for marketplace apps: scopes, codes, tokens (issue 12)."""
