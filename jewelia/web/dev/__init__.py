"""Development-only pages (the captured mail viewer)."""
