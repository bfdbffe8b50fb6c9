"""Citizens' photos and videos: registered on ingest, fetched by the task from a local stand-in for
the platform's CDN (real HTTP, real requests), checked, stored, served by the app."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from inbox import media
from inbox.models import Attachment, Conversation, Message, Role
from inbox.services.media import attachment_fetch
from tests.conftest import incoming


def jpeg(*, gps: tuple[float, float] | None = None, size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, (200, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: must not survive the re-encoding
    if gps:
        lat, lon = gps
        exif.get_ifd(0x8825).update(
            {
                1: "N",
                2: (int(lat), int(lat * 60 % 60), round(lat * 3600 % 60, 2)),
                3: "E",
                4: (int(lon), int(lon * 60 % 60), round(lon * 3600 % 60, 2)),
            }
        )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class CDN:
    """Answers GET /<name> with what `files` holds for it: (status, content type, body[, headers])."""

    def __init__(self):
        self.files: dict[str, tuple] = {}
        self.hits: list[str] = []
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                cdn.hits.append(self.path)
                status, content_type, body, *rest = cdn.files.get(self.path, (404, "text/plain", b"gone"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (rest[0] if rest else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def cdn(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.INBOX_ATTACHMENT_HOSTS = ["127.0.0.1"]
    settings.INBOX_ATTACHMENT_MAX_BYTES = 200_000
    settings.INBOX_ATTACHMENT_MAX_ATTEMPTS = 2
    server = CDN()
    yield server
    server.server.shutdown()


def deliver_with(deliver, cdn, *media_items, platform_id="m1"):
    deliver(incoming(platform_id=platform_id, text="Zie foto", media=list(media_items)))
    return Message.objects.get(platform_id=platform_id)


def test_a_photo_is_registered_on_ingest_fetched_checked_and_stored(
    deliver, cdn, django_capture_on_commit_callbacks
):
    cdn.files["/p.jpg"] = (200, "image/jpeg", jpeg(gps=(52.0907, 5.1214)))
    with django_capture_on_commit_callbacks() as callbacks:
        message = deliver_with(
            deliver, cdn, {"type": "photo", "url": f"{cdn.url}/p.jpg", "alt": "Kapotte lamp"}
        )
    attachment = Attachment.objects.get(message=message)
    assert (attachment.status, attachment.kind, attachment.alt) == ("pending", "image", "Kapotte lamp")
    assert len(callbacks) == 1  # the task is queued after commit

    assert attachment_fetch(attachment_id=attachment.pk).startswith("stored ")

    attachment.refresh_from_db()
    assert (attachment.status, attachment.content_type, attachment.width, attachment.height) == (
        "stored",
        "image/jpeg",
        1200,
        900,
    )
    assert attachment.platform_url == f"{cdn.url}/p.jpg"  # kept, never shown
    assert (float(attachment.latitude), float(attachment.longitude)) == pytest.approx(
        (52.0907, 5.1214), abs=1e-3
    )
    stored = Image.open(default_storage.open(attachment.file.name))
    assert stored.size == (1200, 900)
    assert 0x010F not in stored.getexif()  # re-encoded without the camera's metadata
    assert Image.open(default_storage.open(attachment.thumbnail.name)).size == (480, 360)
    # Twice is harmless: nothing is fetched again.
    assert attachment_fetch(attachment_id=attachment.pk) == "nothing to do"
    assert cdn.hits == ["/p.jpg"]


@pytest.mark.parametrize(
    "served,reason",
    [
        ((200, "image/jpeg", b"<html>not a photo</html>"), "not a readable photo"),
        ((200, "text/html", b"<html></html>"), "not a photo or video (text/html)"),
        ((200, "image/jpeg", b"x" * 300_000), "too large"),
        ((404, "text/plain", b"gone"), "HTTP 404"),
    ],
)
def test_what_is_not_a_photo_or_too_large_is_refused_for_good(deliver, cdn, served, reason):
    cdn.files["/f"] = served
    message = deliver_with(deliver, cdn, {"type": "photo", "url": f"{cdn.url}/f"})
    attachment = message.attachments.get()

    assert attachment_fetch(attachment_id=attachment.pk).startswith("refused")

    attachment.refresh_from_db()
    assert attachment.status == "refused"
    assert reason in attachment.error
    assert not attachment.file


def test_a_platform_hiccup_is_retried_then_given_up(deliver, cdn):
    cdn.files["/busy.jpg"] = (503, "text/plain", b"busy")
    attachment = deliver_with(deliver, cdn, {"type": "photo", "url": f"{cdn.url}/busy.jpg"}).attachments.get()

    with pytest.raises(media.MediaUnavailable):
        attachment_fetch(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert (attachment.status, attachment.attempts) == ("pending", 1)

    assert attachment_fetch(attachment_id=attachment.pk).startswith(
        "refused: still unavailable after 2 tries"
    )


def test_only_platform_media_hosts_are_fetched_also_after_a_redirect(deliver, cdn, settings):
    cdn.files["/hop"] = (302, "text/plain", b"", {"Location": "http://169.254.169.254/latest/meta-data"})
    attachment = deliver_with(deliver, cdn, {"type": "photo", "url": f"{cdn.url}/hop"}).attachments.get()

    attachment_fetch(attachment_id=attachment.pk)

    attachment.refresh_from_db()
    assert (attachment.status, attachment.error) == (
        "refused",
        "not a platform media address: 169.254.169.254",
    )
    settings.INBOX_ATTACHMENT_HOSTS = ["pbs.twimg.com", ".fbcdn.net"]
    assert media.host_allowed("https://pbs.twimg.com/media/a.jpg")
    assert media.host_allowed("https://scontent-ams4-1.xx.fbcdn.net/v/a.jpg")
    assert not media.host_allowed("http://pbs.twimg.com/media/a.jpg")  # HTTPS only
    assert not media.host_allowed("https://evil-fbcdn.net/a.jpg")
    assert not media.host_allowed("https://pbs.twimg.com.evil.example/a.jpg")


def test_a_video_is_stored_as_received(deliver, cdn):
    cdn.files["/v.mp4"] = (200, "video/mp4", MP4)
    attachment = deliver_with(deliver, cdn, {"type": "video", "url": f"{cdn.url}/v.mp4"}).attachments.get()

    attachment_fetch(attachment_id=attachment.pk)

    attachment.refresh_from_db()
    assert (attachment.status, attachment.kind, attachment.content_type, attachment.size) == (
        "stored",
        "video",
        "video/mp4",
        len(MP4),
    )
    assert default_storage.open(attachment.file.name).read() == MP4


def test_the_app_serves_a_photo_only_to_who_may_see_the_conversation(client, deliver, cdn, make_user, teams):
    cdn.files["/p.jpg"] = (200, "image/jpeg", jpeg())
    attachment = deliver_with(deliver, cdn, {"type": "photo", "url": f"{cdn.url}/p.jpg"}).attachments.get()
    attachment_fetch(attachment_id=attachment.pk)

    client.force_login(make_user(Role.AGENT, username="anouk"))
    response = client.get(f"/attachments/{attachment.pk}/")
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200,
        "image/jpeg",
        "nosniff",
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"/attachments/{attachment.pk}/thumbnail/")["Content-Type"] == "image/jpeg"

    client.force_login(make_user(Role.WIJKBUREAU, team="oost", username="fatima"))
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    Conversation.objects.update(team=teams["oost"])
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 200


def test_the_thread_shows_thumbnails_with_alt_text_and_the_case_form_offers_photo_and_position(
    client, deliver, cdn, make_user
):
    cdn.files["/p.jpg"] = (200, "image/jpeg", jpeg(gps=(52.1, 5.12)))
    message = deliver_with(
        deliver,
        cdn,
        {"type": "photo", "url": f"{cdn.url}/p.jpg", "alt": "Omgevallen boom"},
        {"type": "photo", "url": f"{cdn.url}/none.jpg"},
    )
    for attachment in message.attachments.all():
        attachment_fetch(attachment_id=attachment.pk)
    photo = message.attachments.get(position=0)
    client.force_login(make_user(Role.AGENT, username="anouk"))

    page = client.get(f"/conversations/{message.conversation_id}/").content.decode()
    assert f'<img src="/attachments/{photo.pk}/thumbnail/" alt="Omgevallen boom"' in page
    assert "Foto niet opgeslagen: HTTP 404" in page
    assert f"{cdn.url}" not in page  # the browser never gets the platform's address

    form = client.get(f"/conversations/{message.conversation_id}/case/register/").content.decode()
    assert f'name="photos" value="{photo.pk}" checked' in form
    assert 'name="latitude" value="52.1' in form and 'name="longitude" value="5.12' in form

    client.post(
        f"/conversations/{message.conversation_id}/case/register/",
        {
            "category": "groen",
            "description": "Boom om",
            "location": "Park",
            "latitude": "52.1",
            "longitude": "5.12",
            "photos": [photo.pk],
        },
    )
    photo.refresh_from_db()
    assert photo.case is not None
    case_page = client.get(f"/cases/{photo.case.number}/").content.decode()
    assert f'src="/attachments/{photo.pk}/thumbnail/"' in case_page
