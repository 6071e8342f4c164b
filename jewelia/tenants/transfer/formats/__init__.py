"""File formats for import and export: streaming readers and writers, archives, stored files."""
