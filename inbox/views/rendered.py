"""HTML rendered from the values it shows and nothing else, kept in the cache under exactly those
values (ADR 0014): the queue's rows, a contact's earlier conversations.

The key is a digest of the values, the language, time zone and script prefix (and every cache key
carries the release, webcare/cache.py), so what changed is rendered anew by construction, with no
invalidation to forget (a renamed contact, an erased name, a claim, a release that renders a row
differently while the shared cache still holds the last release's rows). Time moves a row on by itself
only through what the values hold. The cache is a help, not a need: a Redis that is away answers
as a miss (webcare/env.py, redis_cache), and the rows are rendered as they are.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Unchanged rows stay this long; an entry nobody asks for again simply expires.
ROW_CACHE_SECONDS = 600


def rows_html(kind: str, template: str, shown: list[dict], *, setting: tuple = ()) -> list[SafeString]:
    """Each of `shown` rendered with `template` (as `r`) in their order: from the cache where the same
    values were rendered before under `kind` and `setting`, rendered (and cached) where not."""
    setting = (get_language(), timezone.get_current_timezone_name(), get_script_prefix(), *setting)
    keys = [_key(kind, setting, values) for values in shown]
    found = cache.get_many(keys) if keys else {}
    rendered = {}
    html = []
    for key, values in zip(keys, shown, strict=True):
        if key not in found:
            found[key] = rendered[key] = render_to_string(template, {"r": values})
        html.append(mark_safe(found[key]))  # noqa: S308 (our template's output, escaped there)
    if rendered:
        cache.set_many(rendered, timeout=ROW_CACHE_SECONDS)
    return html


def _key(kind: str, setting: tuple, values: dict) -> str:
    digest = hashlib.blake2b(repr((setting, sorted(values.items()))).encode(), digest_size=20).hexdigest()
    return f"inbox:{kind}:{digest}"
