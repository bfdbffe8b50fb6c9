"""A model field that keeps account credentials encrypted at rest (Fernet, FIELD_ENCRYPTION_KEY)."""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _fernet() -> MultiFernet:
    # Several comma-separated keys allow rotation: the first encrypts, all decrypt.
    raw_keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]
    if not raw_keys:
        # Embedded default only (settings refuse to start without a key when DEBUG is off):
        # a key derived from SECRET_KEY so a laptop needs no set-up.
        digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        raw_keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in raw_keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds a key that is not a Fernet key.") from exc


class EncryptedJSONField(models.TextField):
    """A dict stored as a Fernet token; it is decrypted only when the attribute is read."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return {}
        try:
            return json.loads(_fernet().decrypt(value.encode()))
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "Stored credentials cannot be decrypted with FIELD_ENCRYPTION_KEY."
            ) from exc

    def to_python(self, value):
        return value if isinstance(value, dict) else {}

    def get_prep_value(self, value):
        if value in (None, ""):
            value = {}
        return _fernet().encrypt(json.dumps(value).encode()).decode()
