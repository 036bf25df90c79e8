"""Private files: uploads and evidence, checked by content, encrypted at rest, never served from a
public URL, and purged when their retention ends (only their metadata is kept)."""
