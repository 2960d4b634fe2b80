"""Views of the documentation package."""
