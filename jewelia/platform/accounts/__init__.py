"""Users, memberships, sessions, two-factor, roles."""
