"""The signed-in user's account pages: two-factor security and API keys."""
