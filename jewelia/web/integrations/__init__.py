"""Settings > Installed integrations."""
