"""Data retention, a caller's data deleted on request, and the workspace export."""
