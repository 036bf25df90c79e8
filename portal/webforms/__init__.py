"""What the City's web forms and surveys collected: personal data the portal itself holds."""
