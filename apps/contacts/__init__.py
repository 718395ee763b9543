"""Contact care: a light contact calendar for each person's professional network.

See docs/contacts.md for the ideas (the third seed article) and how they map to the models.
"""
