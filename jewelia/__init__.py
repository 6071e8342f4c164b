"""Jewelia: a multi-tenant CRM platform for jewelry businesses."""

import os

# Piccolo finds its engine through this module; set before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "jewelia.piccolo_conf")
