"""Import and export jobs: CSV, JSON, XML and Excel files in and out of the CRM."""
