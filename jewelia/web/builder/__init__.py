"""Integrations > Flow builder pages: the list of flows and the editor."""
