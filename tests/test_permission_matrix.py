"""Every URL and API endpoint, for every role, against one explicit permission matrix.

Each cell is the response a role gets on a fresh database: an HTTP status, "login" (redirected to
the login page) or "admin-login" (redirected to the admin's login page). Two conversations exist:
one in the KCC's queue and one in Wijkbureau Oost's; the wijkbureau user belongs to Oost only.
A last test checks that no URL of the inbox is missing from the matrix.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases.services import case_register
from inbox.models import Account, Attachment, Conversation, Message, MonitoringHit
from inbox.services.monitoring import monitoring_hits_record
from reports.models import PeakAlert
from tests.conftest import incoming
from tests.permission_rows_security import LOGIN_AND_PRIVACY_ROWS

ROLES = ("agent", "adviser", "wijk", "manager", "admin", "anonymous")
L, A = "login", "admin-login"

WORKS_ON_KCC, SEES_KCC = (302, 302, 404, 403, 302, L), (200, 200, 404, 200, 200, L)
SHORTCUT_KEYS = {
    "enabled": "on",
    **{f"key_{a}": k for a, k in zip("next previous claim reply escalate close help".split(), "npcrex?")},
}

# name, method, path ({kcc}, {oost}: conversation ids; {msg}: a message of {kcc}), data,
# expected for (agent, adviser, wijk, manager, admin, anonymous)
MATRIX = [
    ("home", "get", "/", None, (302, 302, 302, 302, 302, 302)),
    ("inbox:queue", "get", "/queue/", None, (200, 200, 200, 200, 200, L)),
    ("inbox:take_next", "post", "/queue/next/", {}, (302, 302, 302, 403, 302, L)),
    ("inbox:saved_view_add", "post", "/queue/views/", {"name": "Oost", "filter": "team", "team": "oost"}, (302, 302, 302, 302, 302, L)),
    ("inbox:saved_view_remove", "post", "/queue/views/999/remove/", {}, (302, 302, 302, 302, 302, L)),
    ("inbox:conversation", "get", "/conversations/{kcc}/", None, (200, 200, 404, 200, 200, L)),
    ("inbox:conversation (own team)", "get", "/conversations/{oost}/", None, (200, 200, 200, 200, 200, L)),
    ("inbox:claim", "post", "/conversations/{kcc}/claim/", {}, (302, 302, 404, 403, 302, L)),
    ("inbox:claim (own team)", "post", "/conversations/{oost}/claim/", {}, (302, 302, 302, 403, 302, L)),
    ("inbox:release", "post", "/conversations/{kcc}/release/", {}, (302, 302, 404, 403, 302, L)),
    ("inbox:reply", "post", "/conversations/{kcc}/reply/", {"text": "Dank u."}, (302, 302, 404, 403, 302, L)),
    (
        "inbox:reply (own team)",
        "post",
        "/conversations/{oost}/reply/",
        {"text": "Dank u."},
        (302, 302, 302, 403, 302, L),
    ),
    ("inbox:close", "post", "/conversations/{kcc}/close/", {}, (302, 302, 404, 403, 302, L)),
    ("inbox:reopen", "post", "/conversations/{kcc}/reopen/", {}, (302, 302, 404, 403, 302, L)),
    (
        "inbox:retry_reply",
        "post",
        "/conversations/{kcc}/replies/{msg}/retry/",
        {},
        (302, 302, 404, 403, 302, L),
    ),
    # Open Klant is not configured here: the panels are empty, and there is no klantcontact to retry.
    (
        "inbox:klantcontact_panel",
        "get",
        "/conversations/{kcc}/klantcontact/",
        None,
        (200, 200, 404, 200, 200, L),
    ),
    (
        "inbox:klantcontact_retry",
        "post",
        "/conversations/{kcc}/klantcontact/retry/",
        {},
        (404, 404, 404, 403, 404, L),
    ),
    (
        "inbox:earlier_contacts",
        "get",
        "/conversations/{kcc}/earlier-contacts/",
        None,
        (200, 200, 404, 200, 200, L),
    ),
    ("teamwork:note", "post", "/conversations/{kcc}/note/", {"note": "Intern"}, (302, 302, 404, 403, 302, L)),
    (
        "teamwork:note (own team)",
        "post",
        "/conversations/{oost}/note/",
        {"note": "Intern"},
        (302, 302, 302, 403, 302, L),
    ),
    (
        "teamwork:escalate",
        "post",
        "/conversations/{kcc}/escalate/",
        {"question": "Beleid?"},
        (302, 302, 404, 403, 302, L),
    ),
    (
        "teamwork:hand_back",
        "post",
        "/conversations/{kcc}/hand-back/",
        {"advice": "Advies"},
        (403, 302, 404, 403, 302, L),
    ),
    (
        "teamwork:forward",
        "post",
        "/conversations/{kcc}/forward/",
        {"team": "{west}", "note": "Voor jullie"},
        (302, 302, 404, 403, 302, L),
    ),
    (
        "teamwork:forward (own team)",
        "post",
        "/conversations/{oost}/forward/",
        {"team": "{west}", "note": "Voor jullie"},
        (302, 302, 302, 403, 302, L),
    ),
    ("teamwork:typing", "get", "/conversations/{kcc}/typing/", None, (200, 200, 404, 200, 200, L)),
    ("teamwork:typing (ping)", "post", "/conversations/{kcc}/typing/", {}, (204, 204, 404, 403, 204, L)),
    ("teamwork:roster", "get", "/roster/", None, (200, 200, 200, 200, 200, L)),
    ("teamwork:escalations", "get", "/escalations/", None, (403, 200, 403, 200, 200, L)),
    ("teamwork:notifications", "get", "/notifications/", None, (200, 200, 200, 200, 200, L)),
    ("teamwork:notifications (mark read)", "post", "/notifications/", {}, (302, 302, 302, 302, 302, L)),
    ("teamwork:topbar", "get", "/topbar/", None, (200, 200, 200, 200, 200, L)),
    ("teamwork:clusters", "get", "/queue/clusters/", None, (200, 200, 200, 200, 200, L)),
    ("teamwork:cluster", "get", "/queue/cluster/?ids={kcc},{oost}", None, (200, 200, 200, 403, 200, L)),
    (
        "teamwork:cluster (answer)",
        "post",
        "/queue/cluster/",
        {"ids": "{kcc}", "text": "Wij zijn ermee bezig."},
        # The wijkbureau cannot answer the KCC's conversation: nothing of theirs is chosen.
        (302, 302, 422, 403, 302, L),
    ),
    # Issue 15: handing over, taking over, close and next, a citizen's photo, one's own settings.
    ("inbox:assign", "post", "/conversations/{kcc}/assign/", {"assignee": "{adviser}"}, WORKS_ON_KCC),
    ("inbox:take_over", "post", "/conversations/{kcc}/take-over/", {}, WORKS_ON_KCC),
    ("inbox:close_next", "post", "/conversations/{kcc}/close-next/", {}, WORKS_ON_KCC),
    ("inbox:attachment", "get", "/attachments/{photo}/", None, SEES_KCC),
    ("inbox:attachment_thumbnail", "get", "/attachments/{photo}/thumbnail/", None, SEES_KCC),
    ("inbox:settings", "get", "/settings/", None, (200, 200, 200, 200, 200, L)),
    # Everyone in the inbox may search; what they find is what they may see (tests/inbox/test_search.py).
    ("inbox:search", "get", "/search/?q=boom", None, (200, 200, 200, 200, 200, L)),
    ("inbox:settings (save)", "post", "/settings/", SHORTCUT_KEYS, (302, 302, 302, 302, 302, L)),
    ("healthz", "get", "/healthz", None, (200, 200, 200, 200, 200, 200)),
    ("admin:index", "get", "/admin/", None, (A, A, A, A, 200, A)),
    ("admin roster", "get", "/admin/inbox/dutyshift/", None, (A, A, A, A, 200, A)),
    ("login", "get", "/accounts/login/", None, (200, 200, 200, 200, 200, 200)),
    ("api:list_conversations", "get", "/api/v1/conversations", None, (200, 200, 200, 200, 200, 401)),
    ("api:get_conversation", "get", "/api/v1/conversations/{kcc}", None, (200, 200, 404, 200, 200, 401)),
    (
        "api:get_conversation (own team)",
        "get",
        "/api/v1/conversations/{oost}",
        None,
        (200, 200, 200, 200, 200, 401),
    ),
    (
        "api:claim_conversation",
        "post",
        "/api/v1/conversations/{kcc}/claim",
        {},
        (200, 200, 404, 403, 200, 401),
    ),
    (
        "api:claim_conversation (own team)",
        "post",
        "/api/v1/conversations/{oost}/claim",
        {},
        (200, 200, 200, 403, 200, 401),
    ),
    (
        "api:release_conversation",
        "post",
        "/api/v1/conversations/{kcc}/release",
        {},
        (200, 200, 404, 403, 200, 401),
    ),
    (
        "api:reply_to_conversation",
        "post",
        "/api/v1/conversations/{kcc}/reply",
        {"text": "Dank u."},
        (201, 201, 404, 403, 201, 401),
    ),
    (
        "api:close_conversation",
        "post",
        "/api/v1/conversations/{kcc}/close",
        {},
        (200, 200, 404, 403, 200, 401),
    ),
    (
        "api:add_note",
        "post",
        "/api/v1/conversations/{kcc}/notes",
        {"text": "Intern"},
        (201, 201, 404, 403, 201, 401),
    ),
    (
        "api:add_note (own team)",
        "post",
        "/api/v1/conversations/{oost}/notes",
        {"text": "Intern"},
        (201, 201, 201, 403, 201, 401),
    ),
    (
        "api:escalate_conversation",
        "post",
        "/api/v1/conversations/{kcc}/escalate",
        {"question": "Beleid?"},
        (200, 200, 404, 403, 200, 401),
    ),
    (
        "api:hand_back_conversation",
        "post",
        "/api/v1/conversations/{kcc}/hand-back",
        {"advice": "Advies"},
        # Permitted for advisers and admins; refused (422) because this one is not escalated.
        (403, 422, 404, 403, 422, 401),
    ),
    (
        "api:forward_conversation",
        "post",
        "/api/v1/conversations/{kcc}/forward",
        {"team": "wijkbureau-west", "note": "Voor jullie"},
        (200, 200, 404, 403, 200, 401),
    ),
    (
        "api:forward_conversation (own team)",
        "post",
        "/api/v1/conversations/{oost}/forward",
        {"team": "wijkbureau-west", "note": "Voor jullie"},
        (200, 200, 200, 403, 200, 401),
    ),
    ("api:api-root", "get", "/api/v1/", None, (404, 404, 404, 404, 404, 404)),
    ("api:openapi-json", "get", "/api/v1/openapi.json", None, (200, 200, 200, 200, 200, 200)),
    # Channels: monitoring for everyone who works, the accounts page for admins.
    ("inbox:accounts", "get", "/channel-accounts/", None, (403, 403, 403, 403, 200, L)),
    ("inbox:monitoring", "get", "/monitoring/", None, (200, 200, 200, 200, 200, L)),
    ("inbox:monitoring_promote", "post", "/monitoring/{hit}/promote/", {}, (302, 302, 404, 403, 302, L)),
    ("inbox:monitoring_dismiss", "post", "/monitoring/{hit}/dismiss/", {}, (302, 302, 404, 403, 302, L)),
    (
        "inbox:hide_comment",
        "post",
        "/conversations/{kcc}/messages/{msg}/hide/",
        {"hidden": "1"},
        (404, 404, 404, 403, 404, L),
    ),
    ("channels:facebook_webhook", "get", "/webhooks/facebook/", None, (403, 403, 403, 403, 403, 403)),
    # Triage.
    (
        "triage:decide",
        "post",
        "/conversations/{kcc}/triage/urgent/",
        {"value": "0"},
        (302, 302, 404, 403, 302, L),
    ),
    ("triage:canned", "get", "/conversations/{kcc}/canned/?q=melding", None, (200, 200, 404, 403, 200, L)),
    # Cases.
    ("cases:search", "get", "/cases/?q={case}", None, (302, 302, 302, 302, 302, L)),
    ("cases:detail", "get", "/cases/{case}/", None, (200, 200, 404, 200, 200, L)),
    (
        "cases:register",
        "post",
        "/conversations/{kcc}/case/register/",
        {"category": "afval", "description": "Vol"},
        (422, 422, 404, 403, 422, L),
    ),
    (
        "cases:link",
        "post",
        "/conversations/{oost}/case/link/",
        {"number": "{case}"},
        (302, 302, 302, 403, 302, L),  # its own conversation: as when a message names the number
    ),
    (
        "cases:status",
        "post",
        "/cases/{case}/status/",
        {"status": "in_progress"},
        (302, 302, 404, 403, 302, L),
    ),
    (
        "cases:contact",
        "post",
        "/cases/{case}/contacts/",
        {"channel": "phone", "text": "Belde"},
        (302, 302, 404, 403, 302, L),
    ),
    (
        "cases:tell",
        "post",
        "/cases/{case}/tell/",
        {"text": "Uw melding is in behandeling."},
        (302, 302, 404, 403, 302, L),
    ),
    ("cases:retry", "post", "/cases/{case}/retry/", {}, (302, 302, 404, 403, 302, L)),
    # No status of the (local) case is on its way to a back office: nothing to send again.
    ("cases:status_retry", "post", "/cases/{case}/statuses/999/retry/", {}, (404, 404, 404, 403, 404, L)),
    (
        "api:conversation_case",
        "post",
        "/api/v1/conversations/{kcc}/case",
        {"number": "{case}"},
        (200, 200, 404, 403, 200, 401),
    ),
    ("api:get_case", "get", "/api/v1/cases/{case}", None, (200, 200, 404, 200, 200, 401)),
    (
        "api:log_contact",
        "post",
        "/api/v1/cases/{case}/contacts",
        {"channel": "phone", "text": "Belde"},
        (201, 201, 404, 403, 201, 401),
    ),
    (
        "api:change_status",
        "post",
        "/api/v1/cases/{case}/status",
        {"status": "in_progress"},
        (200, 200, 404, 403, 200, 401),
    ),
    # Manager's dashboard.
    ("reports:dashboard", "get", "/dashboard/", None, (403, 403, 403, 200, 200, L)),
    (
        "reports:export_csv",
        "get",
        "/dashboard/export.csv?start=2026-11-01&end=2026-11-30",
        None,
        (403, 403, 403, 200, 200, L),
    ),
    ("api:backlog", "get", "/api/v1/backlog", None, (403, 403, 403, 200, 200, 401)),
    # Everyone who sees the peak banner may hide it for themselves.
    ("reports:peak_dismiss", "post", "/peak/{peak}/dismiss/", {}, (302, 302, 302, 302, 302, L)),
    *LOGIN_AND_PRIVACY_ROWS,
]

CASES = [pytest.param(row, role, id=f"{row[0]}-{role}") for row in MATRIX for role in ROLES]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Five users per case: the real hasher would make this matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(one_per_role, teams, deliver, account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {**one_per_role, "anonymous": None}
    oost_account = Account.objects.create(platform="sandbox", handle="WijkOost", team=teams["oost"])
    deliver(incoming(platform_id="kcc-1"))
    deliver(incoming(platform_id="oost-1", author_id="c2"), to=oost_account)
    kcc = Conversation.objects.get(thread_key="kcc-1")
    oost = Conversation.objects.get(thread_key="oost-1")
    # Routing sends everything to the KCC first (DESIGN); this one was forwarded to Wijkbureau Oost.
    Conversation.objects.filter(pk=oost.pk).update(team=teams["oost"])
    case = case_register(user=users["agent"], category="afval", description="Container vol")
    Conversation.objects.filter(pk=kcc.pk).update(case=case)
    monitoring_hits_record(account_id=account.pk, query="#gladheid030", items=[incoming(platform_id="hit-1")])
    photo = Attachment.objects.create(
        message=Message.objects.get(platform_id="kcc-1"),
        kind=Attachment.Kind.IMAGE,
        platform_url="https://pbs.twimg.com/media/a.jpg",
        status=Attachment.Status.STORED,
        file=default_storage.save("attachments/a.jpg", ContentFile(b"\xff\xd8 not really a jpeg")),
        thumbnail=default_storage.save("attachments/a-thumb.jpg", ContentFile(b"\xff\xd8 thumb")),
        content_type="image/jpeg",
    )
    now = timezone.now()
    peak = PeakAlert.objects.create(hour_start=now, began_at=now, intake=40, baseline=2)
    return {
        "users": users,
        "ids": {
            "kcc": kcc.pk,
            "oost": oost.pk,
            "msg": Message.objects.get(platform_id="kcc-1").pk,
            "west": teams["west"].pk,
            "case": case.number,
            "hit": MonitoringHit.objects.get().pk,
            "photo": photo.pk,
            "adviser": users["adviser"].pk,
            "peak": peak.pk,
            "contact": kcc.contact_id,
        },
    }


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("row,role", CASES)
def test_permission_matrix(client, world, row, role):
    name, method, path, data, expected_by_role = row
    expected = expected_by_role[ROLES.index(role)]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    path, data = _fill(path, world["ids"]), _fill(data, world["ids"])
    if method == "get":
        response = client.get(path)
    elif path.startswith("/api/"):
        response = client.post(path, data=data, content_type="application/json")
    else:
        response = client.post(path, data=data)

    if expected == L:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    elif expected == A:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")
    else:
        assert response.status_code == expected, f"{name} as {role}"


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_inbox_url_is_in_the_matrix():
    in_matrix = {row[0].split(" (")[0] for row in MATRIX}
    ours = {
        name
        for name in _names(get_resolver())
        if name.split(":")[0]
        in {"inbox", "teamwork", "api", "cases", "triage", "reports", "channels", "privacy", "two_factor"}
        or name
        in {"home", "healthz", "admin_login", "oidc_authentication_init", "oidc_authentication_callback"}
    }
    # The API's interactive docs page is documentation, not data.
    assert ours - in_matrix == {"api:openapi-view"}
