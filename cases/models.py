"""Cases (zaken) and their numbers. Registration arrives with the cases issue; the app is in place."""
