"""Data pages: the import wizard, exports and the jobs table."""
