"""The ground floor: settings, database, errors, HTTP helpers, jobs port; no other jewelia imports."""
