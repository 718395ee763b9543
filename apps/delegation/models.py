"""Models of the delegation app."""
