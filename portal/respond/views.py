"""Customer views."""
