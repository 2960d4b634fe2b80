"""Studio views (in progress)."""
