"""Synthetic Westfield residents and the department data stores that hold them, for the demo."""
