"""Accounts: residents and City staff, signed in through django-allauth."""
