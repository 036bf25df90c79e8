"""The request domain: requests, departments and their sources, review, release, corrections.

This package shadows the PyPI `requests` library on purpose (DESIGN.md); `portal.checks` fails
start-up if that library is installed or if `import requests` resolves anywhere else.
"""
