"""Staff pages under /staff: the marketplace review queue and listing decisions."""
