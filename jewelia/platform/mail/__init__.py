"""Email: an outbox table, SMTP delivery by a worker, a dev viewer without SMTP."""
