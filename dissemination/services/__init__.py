"""See the app README."""
