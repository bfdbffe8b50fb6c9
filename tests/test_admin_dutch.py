"""The admin speaks Dutch: every model the functional admin sees, its fields and their choices carry a
translatable label that the Dutch catalogue translates (or a word that is the same in Dutch)."""

import pytest
from babel.messages.pofile import read_po
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

from tests.conftest import ROOT

SAME_IN_DUTCH = {
    "account",
    "accounts",
    "contact",
    "team",
    "teams",
    "triage",
    "x",
    "facebook",
    "ok",
    "wijkbureau",
}
PROPER_NOUNS = {"triage.RoutingRule.wijk"}  # the wijken's names
NEVER_SHOWN = {"inbox.Account.credentials"}


def catalogue() -> set[str]:
    with (ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po").open("rb") as po:
        return {m.id for m in read_po(po) if m.id and m.string}


def _untranslated(label, known) -> bool:
    with translation.override(None):  # the msgid itself
        text = str(label)
    return not (isinstance(label, Promise) and text in known) and text.lower() not in SAME_IN_DUTCH


def test_every_admin_model_field_and_choice_has_a_dutch_label():
    known = catalogue()
    missing = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in {"inbox", "cases", "triage", "channels", "reports", "klantcontacten"}:
            continue
        for what, label in (("model", meta.verbose_name), ("plural", meta.verbose_name_plural)):
            if _untranslated(label, known):
                missing.append(f"{meta.label} {what}: {label}")
        for field in meta.get_fields():
            if (field.auto_created and not field.concrete) or getattr(field, "primary_key", False):
                continue
            if f"{meta.label}.{field.name}" in NEVER_SHOWN:
                continue
            if _untranslated(field.verbose_name, known):
                missing.append(f"{meta.label}.{field.name}: {field.verbose_name}")
            if f"{meta.label}.{field.name}" in PROPER_NOUNS:
                continue
            for value, label in getattr(field, "choices", None) or []:
                if _untranslated(label, known):
                    missing.append(f"{meta.label}.{field.name}={value}: {label}")
    assert not missing, "English in the admin:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_the_admin_pages_read_dutch(client, make_user, account):
    client.force_login(make_user("admin", username="ruud"))
    html = client.get("/admin/inbox/account/").content.decode()
    assert "Laatste poll" in html and "Pollstatus" in html
    html = client.get("/admin/inbox/apitoken/").content.decode()
    assert "Selecteer API-token om te wijzigen" in html
    html = client.get(f"/admin/inbox/account/{account.pk}/change/").content.decode()
    assert "Pollpositie" in html and "Configuratie" in html
