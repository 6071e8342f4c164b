"""The business workspace: dashboard, audit log, team, switching businesses."""
