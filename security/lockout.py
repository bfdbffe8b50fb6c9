"""django-axes glue: which username a login attempt is for (the two-step login form prefixes it)."""


def attempted_username(request, credentials=None) -> str | None:
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", {}) or {}
    return data.get("auth-username") or data.get("username") or None
