"""Department connectors: one module per kind (sql, http, csv, manual, portal) behind one small
interface in base.py, and a registry by kind. See DESIGN.md, "Connectors"."""
