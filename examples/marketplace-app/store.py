"""The reference app's little store: one JSON file, written atomically, one lock.

What it keeps: pending install states (PKCE verifier, expiry), tokens and status per tenant, and
the last webhook events per tenant (deduplicated by event id). A real app would use a database;
the shape would be the same.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

STATE_TTL_SECONDS = 600
MAX_EVENTS = 500


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    # -- file ---------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            data = {}
        data.setdefault("states", {})
        data.setdefault("tenants", {})
        data.setdefault("events", [])
        return data

    def _save(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".store-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    # -- install states -----------------------------------------------------------------------
    def put_state(self, state: str, verifier: str) -> None:
        now = time.time()
        with self.lock:
            data = self._load()
            data["states"] = {s: v for s, v in data["states"].items() if v["expires_at"] > now}
            data["states"][state] = {"verifier": verifier, "expires_at": now + STATE_TTL_SECONDS}
            self._save(data)

    def pop_state(self, state: str) -> str | None:
        """The verifier of a live state, used once; None when unknown, used or expired."""
        with self.lock:
            data = self._load()
            entry = data["states"].pop(state, None)
            self._save(data)
        if entry is None or entry["expires_at"] <= time.time():
            return None
        return str(entry["verifier"])

    # -- tenants ------------------------------------------------------------------------------
    def tenant(self, tenant_id: str) -> dict[str, Any] | None:
        with self.lock:
            entry = self._load()["tenants"].get(tenant_id)
        return dict(entry) if entry else None

    def update_tenant(self, tenant_id: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            data = self._load()
            entry = data["tenants"].setdefault(tenant_id, {"tenant_id": tenant_id})
            for key, value in fields.items():
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value
            self._save(data)
            return dict(entry)

    def forget_tenant(self, tenant_id: str) -> None:
        """tenant.redact: nothing about the tenant stays, its events included."""
        with self.lock:
            data = self._load()
            data["tenants"].pop(tenant_id, None)
            data["events"] = [e for e in data["events"] if e.get("tenant_id") != tenant_id]
            self._save(data)

    # -- events -------------------------------------------------------------------------------
    def add_event(self, event: dict[str, Any]) -> bool:
        """Store a verified event; False when its id was seen already (a redelivery)."""
        with self.lock:
            data = self._load()
            if any(e["id"] == event["id"] for e in data["events"]):
                return False
            data["events"].append(event)
            data["events"] = data["events"][-MAX_EVENTS:]
            self._save(data)
            return True

    def events(self, tenant_id: str | None = None, limit: int = MAX_EVENTS) -> list[dict[str, Any]]:
        with self.lock:
            events = self._load()["events"]
        if tenant_id is not None:
            events = [e for e in events if e.get("tenant_id") == tenant_id]
        return list(reversed(events))[:limit]
