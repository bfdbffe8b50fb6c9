"""Every cache key carries the release (webcare/cache.py): processes that read the same code,
templates and translations share what they cache; a release that changes any of them never reads
what the last one cached."""

import shutil
from pathlib import Path

from django.core.cache import cache

from webcare.cache import release


def test_a_changed_translation_is_another_release_the_same_files_the_same(settings, tmp_path, new_process):
    locale = tmp_path / "locale"
    shutil.copytree(Path(settings.LOCALE_PATHS[0]), locale, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [locale]
    cache.set("greeting", "Goedemorgen")
    first = release()
    new_process()
    assert release() == first  # another process of the same release
    assert cache.get("greeting") == "Goedemorgen"

    po = next(locale.rglob("django.po"))
    po.write_text(po.read_text() + '\nmsgid "Good morning"\nmsgstr "Goeiemorgen"\n')
    new_process()

    assert release() != first
    assert cache.get("greeting") is None
