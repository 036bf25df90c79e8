"""Matching a department's records to a resident: one place for every connector and check.

`names` normalises and compares people's names (nicknames, joint names, namesakes, trusts),
`addresses` normalises and compares US street addresses, and `strength` turns what the resident
verified and what a record holds into a match strength with the fields that matched. The rules
follow DEPARTMENTS.md, "Matching facts worth knowing": a name alone is never enough, and namesakes
are never merged.
"""
