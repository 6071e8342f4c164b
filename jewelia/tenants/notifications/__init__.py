"""In-app notifications: per business, shown to its members (the bell in the app's layout)."""
