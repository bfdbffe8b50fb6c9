"""Every main page, for every role, at phone, tablet, laptop and desktop widths: no sideways scroll,
a screenshot of each (test-artifacts/pages/), and axe-core (WCAG 2.1 A and AA) at 1440 and 390 px,
failing on any violation.

axe-core comes from the npm registry (package.json; `make test-tools` installs it into
node_modules/) and is injected into each page with Playwright's ``add_script_tag``.
"""

import datetime as dt
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from cases.services import case_register
from inbox.models import Account, Attachment, Conversation, DutyShift, Message
from inbox.services.claims import conversation_claim
from inbox.services.monitoring import monitoring_hits_record
from inbox.services.teamwork import conversation_escalate, note_add
from tests.browser.conftest import ARTIFACTS, login
from tests.conftest import ROOT, incoming, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 1280, 768, 390)
AXE_WIDTHS = (1440, 390)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = ARTIFACTS / "pages"

# page name → (path, the roles that have it); {kcc}, {oost}, {esc}, {case}: ids made by `world`.
PAGES = {
    "queue": ("/queue/", {"agent", "adviser", "wijk", "manager", "admin"}),
    "conversation": ("/conversations/{kcc}/", {"agent", "adviser", "manager", "admin"}),
    "conversation-team": ("/conversations/{oost}/", {"wijk"}),
    "escalated": ("/conversations/{esc}/", {"agent", "adviser", "admin"}),
    "case": ("/cases/{case}/", {"agent", "adviser", "manager", "admin"}),
    "cases": ("/cases/", {"agent", "manager"}),
    "register": ("/conversations/{kcc}/case/register/", {"agent"}),
    "escalations": ("/escalations/", {"adviser", "manager", "admin"}),
    "notifications": ("/notifications/", {"agent", "adviser", "wijk"}),
    "roster": ("/roster/", {"agent", "admin"}),
    "monitoring": ("/monitoring/", {"agent", "admin"}),
    "accounts": ("/channel-accounts/", {"admin"}),
    "dashboard": ("/dashboard/", {"manager", "admin"}),
    "settings": ("/settings/", {"agent", "wijk", "manager"}),
    "search": ("/search/?q=lamp", {"agent", "adviser", "wijk", "manager", "admin"}),
    "photo-viewer": ("/conversations/{kcc}/#viewer", {"agent"}),
    "privacy": ("/privacy/", {"admin"}),
    # Another team's conversation: the Dutch "not found" page in the app's layout.
    "not-found": ("/conversations/{kcc}/", {"wijk"}),
}
ROLES = ("agent", "adviser", "wijk", "manager", "admin")

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== "fixed";
  }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join("."));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _photo(message, tmp_path) -> None:
    """A stored photo on a message, as the fetch task leaves it (inbox.services.media)."""
    image = Image.new("RGB", (800, 600), (90, 140, 60))
    thumb = io.BytesIO()
    image.resize((480, 360)).save(thumb, "JPEG")
    full = io.BytesIO()
    image.save(full, "JPEG")
    Attachment.objects.create(
        message=message,
        kind=Attachment.Kind.IMAGE,
        platform_url="https://pbs.twimg.com/media/x.jpg",
        alt="Omgevallen boom op het fietspad",
        status=Attachment.Status.STORED,
        file=default_storage.save("attachments/x.jpg", ContentFile(full.getvalue())),
        thumbnail=default_storage.save("attachments/x-thumb.jpg", ContentFile(thumb.getvalue())),
        content_type="image/jpeg",
        width=800,
        height=600,
    )


@pytest.fixture
def world(one_per_role, teams, deliver, account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = dict(one_per_role)
    now = timezone.now()
    DutyShift.objects.create(
        adviser=users["adviser"], starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
    )
    oost = Account.objects.create(platform="sandbox", handle="WijkbureauOost", team=teams["oost"])
    long_name = "Gemeentelijkebelastingenbezwaarschriftafhandelingsmedewerkster"
    deliver(
        incoming(platform_id="kcc-1", author_name=long_name, author_handle="x" * 40, text="Lamp kapot " * 30),
        incoming(
            platform_id="kcc-2", thread_key="kcc-1", in_reply_to="kcc-1", text="Zie foto, Biltstraat 12."
        ),
    )
    deliver(incoming(platform_id="esc-1", author_id="c3", text="Waarom stemde de wethouder tegen?"))
    deliver(incoming(platform_id="oost-1", author_id="c2", text="Bankje stuk in het park"), to=oost)
    kcc = Conversation.objects.get(thread_key="kcc-1")
    esc = Conversation.objects.get(thread_key="esc-1")
    team_conversation = Conversation.objects.get(thread_key="oost-1")
    Conversation.objects.filter(pk=team_conversation.pk).update(team=teams["oost"])
    _photo(Message.objects.get(platform_id="kcc-2"), tmp_path)
    conversation_claim(conversation_id=kcc.pk, user=users["agent"])
    note_add(conversation_id=kcc.pk, user=users["agent"], text="Buurman belde ook al.")
    conversation_escalate(
        conversation_id=esc.pk, user=users["agent"], question="Mogen wij hier iets over zeggen?"
    )
    case = case_register(
        user=users["agent"], category="verlichting", description="Lamp kapot", location="Biltstraat"
    )
    Conversation.objects.filter(pk=kcc.pk).update(case=case)
    monitoring_hits_record(account_id=account.pk, query="#gladheid030", items=[incoming(platform_id="hit-1")])
    ids = {"kcc": kcc.pk, "oost": team_conversation.pk, "esc": esc.pk, "case": case.number}
    return users, ids


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible_and_fits(role, browser, live_server, world):
    require(AXE.exists(), f"axe-core not installed ({AXE.relative_to(ROOT)}): run `make test-tools` (npm ci)")
    users, ids = world
    # The app's strict CSP would refuse the injected axe script: only this test's browser bypasses it
    # (tests/security checks the policy itself).
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        login(page, live_server, users[role].username)
        for name, (path, roles) in PAGES.items():
            if role not in roles:
                continue
            url = live_server.url + path.format(**ids)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(url.removesuffix("#viewer"))  # a fresh load each time, also for the viewer
                page.wait_for_load_state("networkidle")
                if url.endswith("#viewer"):  # the photo viewer open, as a keyboard user opens it
                    page.locator("a[data-viewer]").first.focus()
                    page.keyboard.press("Enter")
                    page.wait_for_function(
                        "document.querySelector('#media-viewer[open] img')?.naturalWidth > 0"
                    )
                fit = page.evaluate(OVERFLOW)
                if fit["scroll"] > fit["width"]:
                    problems.append(
                        f"{name} @{width}: scrolls sideways ({fit['scroll']} > {fit['width']}) {fit['wide']}"
                    )
                page.screenshot(path=str(SHOTS / f"{role}-{name}-{width}.png"), full_page=True)
                if width in AXE_WIDTHS:
                    page.add_script_tag(path=str(AXE))
                    for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
                        problems.append(f"{name} @{width}: {json.dumps(violation, ensure_ascii=False)}")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems for {role}:\n" + "\n".join(problems)
