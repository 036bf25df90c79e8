"""Which text of the staff safeguards is in force.

The text itself is `templates/accounts/safeguards_text.html`. Whenever its meaning changes, give
it a new version here: every staff member must then acknowledge it again before staff pages open
(M.G.L. c. 66A §2(b)). The version is stored with each acknowledgment, so the record shows which
text each person confirmed.
"""

SAFEGUARDS_VERSION = "2026-1"
SAFEGUARDS_TEXT_TEMPLATE = "accounts/safeguards_text.html"
