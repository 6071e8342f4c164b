"""API analytics: the request log, its rollups, the api-usage query, explorer and alerts."""
