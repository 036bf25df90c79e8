"""Department connectors: one module per kind behind one small interface (base.py), found by
kind in registry.py. See DESIGN.md, "Connectors"."""
