"""The Content-Security-Policy header on every page, and no page with an inline script, an inline
event handler, htmx code attributes (hx-on, hx-vals="js:…") or inline styles it would refuse."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases.services import case_register
from inbox.models import Conversation, Role
from tests.conftest import incoming


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") not in ("application/json",)
        ):
            self._in_inline_script = True
            self.problems.append(f"<script> without src at {self.getpos()}")
        if tag == "style":
            self.problems.append(f"<style> at {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.problems.append(f"{tag} {name}= at {self.getpos()}")
            if name in ("hx-vals", "hx-vars", "hx-headers") and (value or "").lstrip().startswith("js:"):
                self.problems.append(f"{tag} {name}=js: at {self.getpos()}")
            if name == "style":
                self.problems.append(f"{tag} style= at {self.getpos()}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}=javascript: at {self.getpos()}")


def assert_strict(response, path):
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    script_src = directives.get("script-src", "")
    assert script_src.startswith("'self'"), (path, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (path, policy)
    assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", path
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.problems == [], (path, parser.problems)


@pytest.fixture
def world(make_user, deliver, teams):
    admin = make_user(Role.ADMIN, username="ruud")
    deliver(incoming(platform_id="csp-1", text="Mijn telefoon: 06-12345678"))
    conversation = Conversation.objects.get(thread_key="csp-1")
    case = case_register(user=admin, category="afval", description="Container vol")
    Conversation.objects.filter(pk=conversation.pk).update(case=case, assignee=admin, state="open")
    return {"admin": admin, "conversation": conversation, "case": case}


def test_every_page_has_the_strict_policy_and_no_inline_code(client, world):
    conversation, case = world["conversation"], world["case"]
    anonymous = ["/accounts/login/", "/does-not-exist/"]
    for path in anonymous:
        assert_strict(client.get(path), path)

    client.force_login(world["admin"])
    pages = [
        reverse("inbox:queue"),
        reverse("inbox:conversation", args=[conversation.pk]),
        reverse("reports:dashboard"),
        reverse("teamwork:roster"),
        reverse("teamwork:escalations"),
        reverse("teamwork:notifications"),
        reverse("inbox:monitoring"),
        reverse("inbox:accounts"),
        reverse("cases:detail", args=[case.number]),
        reverse("privacy:requests") + "?q=burger",
        reverse("privacy:contact", args=[conversation.contact_id]),
        "/account/two_factor/",
        "/account/two_factor/setup/",
        "/admin/",
        "/admin/inbox/account/",
        "/admin/audit/auditentry/",
        "/does-not-exist/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_strict(response, path)


def test_the_fragments_htmx_swaps_in_have_no_inline_code_either(client, world):
    client.force_login(world["admin"])
    conversation = world["conversation"]
    fragments = [
        client.get(reverse("inbox:conversation", args=[conversation.pk]), {"v": "x"}, HTTP_HX_REQUEST="true"),
        client.post(
            reverse("inbox:reply", args=[conversation.pk]),
            {"text": "Bel 06-12345678"},
            HTTP_HX_REQUEST="true",
        ),
        client.get(reverse("inbox:queue"), {"v": "x"}, HTTP_HX_REQUEST="true"),
    ]
    for response in fragments:
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.problems == []


def test_the_checker_finds_what_it_looks_for():
    parser = InlineCode()
    parser.feed(
        '<script>alert(1)</script><select onchange="x()"></select><div hx-on::after-request="y"></div>'
        '<form hx-vals=\'js:{a: 1}\'></form><p style="color:red"></p><script src="/static/a.js"></script>'
    )

    assert len(parser.problems) == 5


def test_no_template_carries_inline_code():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        parser = InlineCode()
        parser.feed(template.read_text())
        assert parser.problems == [], (template, parser.problems)
