"""Models of the checkins app."""
