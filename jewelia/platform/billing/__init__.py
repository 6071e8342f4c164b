"""Plans and tiers, rate limiting, and Stripe (the only package that imports stripe)."""
