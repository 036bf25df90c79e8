"""Level 2 by mailed code: a one-time code sent on paper to the address the City already holds for
the resident (NIST SP 800-63A: a confirmation code sent to an address of record binds a person to
their records)."""
