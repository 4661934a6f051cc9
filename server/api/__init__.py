"""The HTTP API, one blueprint per area, all under /api/v1 (docs/api.md)."""

PREFIX = "/api/v1"
