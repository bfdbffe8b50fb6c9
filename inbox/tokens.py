"""API bearer tokens: random keys, of which only a SHA-256 hash is stored."""

import hashlib
import secrets


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_token_key() -> str:
    return "wc_" + secrets.token_urlsafe(32)
