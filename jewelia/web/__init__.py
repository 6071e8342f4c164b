"""Server-rendered pages (Jinja + HTMX), one module per area."""
