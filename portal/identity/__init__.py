"""Identity assurance: how sure the City is that an account belongs to the person whose records it
asks for (DESIGN.md, "Identity assurance"; NIST SP 800-63A as the reference)."""
