"""Klantcontacten: every answered conversation registered as a klantcontact in Open Klant (the
Klantinteracties API), and the citizen's other klantcontacten read back. Knows nothing of the inbox:
the inbox hands over a ContactRecord (records.py) when it closes a conversation."""
