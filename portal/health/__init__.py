"""Health of the running parts: database, broker and worker (/healthz)."""
