"""What a resident tells the City about themselves, for matching their records: only what is
needed (c. 66A §2(l)), each field saying why it is asked."""
