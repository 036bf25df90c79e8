"""Helpers for the access-matrix test (tests/test_url_access_matrix.py): the URL configuration
walked into a list, and the objects and personas each URL is tried with."""
