"""Django's cache keys carry the release: a digest of the project's code, templates and translations
as this process read them, once, at its first cache call.

During a deploy the processes of the next release share Redis with the last one's. What one release
cached (queue rows rendered by its templates and translations, the dashboard's figures pickled as
objects of its own classes) is then never read by the other, whatever changed between them. Every
process of one release reads the same files, so they share what they cache.
"""

import functools
import hashlib
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
