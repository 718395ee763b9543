"""Helpers that test modules in several folders share. A test module imports fixtures from
conftest.py, rows from tests/factories and shared code from here or a helper module beside
it, never from another test module."""
