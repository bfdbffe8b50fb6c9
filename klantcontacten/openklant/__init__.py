"""Open Klant 2 through the Klantinteracties API: the HTTP client, the request bodies, and the push
that makes a conversation's klantcontact exist there once."""
