"""Django's cache keys carry the release: a digest of the project's code, templates and translations
as this process read them, once, at its first cache call.

During a deploy the processes of the next release share Redis with the last one's. What one release
cached (queue rows rendered by its templates and translations, the dashboard's figures pickled as
objects of its own classes) is then never read by the other, whatever changed between them. Every
process of one release reads the same files, so they share what they cache.

Also here: the filter that keeps a Redis outage from flooding the log (`CacheAwayLog`).
"""

import functools
import hashlib
import logging
import threading
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings

_SOURCES = {".py", ".html", ".po"}


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Django's own key (prefix, version, key) with the release between version and key."""
    return f"{key_prefix}:{version}:{release()}:{key}"


@functools.cache
def release() -> str:
    base = Path(settings.BASE_DIR)
    roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    roots += [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(a.path) for a in apps.get_app_configs() if Path(a.path).parent == base]
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in _SOURCES):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class CacheAwayLog(logging.Filter):
    """On the cache's logger: django-redis logs every call that failed while Redis is away, each with
    its traceback, and a page makes several, so a minute away wrote thousands of them. The first is
    let through; those in the `seconds` after it are counted, and the next one logged says how many."""

    def __init__(self, seconds: float = 60.0):
        super().__init__()
        self.seconds = seconds
        self._lock = threading.Lock()
        self._logged_at: float | None = None
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._logged_at is not None and now - self._logged_at < self.seconds:
                self._held += 1
                return False
            held, self._held, self._logged_at = self._held, 0, now
        if held:
            record.msg = f"{record.getMessage()} (and {held} more like it since the last one logged)"
            record.args = ()
        return True
