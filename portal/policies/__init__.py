"""The City's privacy policy: its versions, the 30-day notice of a change, and the version each
piece of personal data was collected under."""
