"""Dramatiq broker and actors; actors are thin and call services."""
