"""The marketplace pages: home, listing page, reviews."""
