"""Piccolo configuration: the one engine every table uses."""

from piccolo.conf.apps import AppRegistry

from jewelia.core.db import DB

APP_REGISTRY = AppRegistry(apps=[])

__all__ = ["APP_REGISTRY", "DB"]
