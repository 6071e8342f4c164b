"""Pages for signing up, logging in, password resets and invitations."""
