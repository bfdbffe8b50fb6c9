"""Fetching a citizen's photo or video from the platform and checking it, before it is stored.

No database here: `fetch` downloads from an allowed host with size and type limits and hands back
what may be stored. A photo is opened with Pillow, its GPS position read, and re-encoded without
its metadata (so nothing the citizen's camera wrote reaches a browser); a thumbnail is made too. A
video is only accepted as MP4/QuickTime by its first bytes, and is stored as received.
"""

import io
import logging
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
VIDEO_TYPES = {"video/mp4": "mp4", "video/quicktime": "mov"}
THUMBNAIL_SIZE = (480, 360)
MAX_PIXELS = 40_000_000  # larger than any phone photo; a "decompression bomb" is refused
MAX_REDIRECTS = 3
GPS_IFD = 0x8825
CHUNK = 64 * 1024


class MediaRefused(Exception):
    """For good: not allowed, too large, not a photo or video, or the platform no longer has it."""


class MediaUnavailable(Exception):
    """For now: a timeout, a 5xx, a 429. Worth another try later."""


@dataclass(frozen=True)
class Checked:
    content: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str = ""


def host_allowed(url: str) -> bool:
    """HTTPS to a platform's media host (INBOX_ATTACHMENT_HOSTS; ".fbcdn.net" allows its subdomains).
    Plain HTTP only to the loopback, where the tests' fake platforms live."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    if parts.scheme != "https" and not (parts.scheme == "http" and host in ("127.0.0.1", "localhost")):
        return False
    for allowed in settings.INBOX_ATTACHMENT_HOSTS:
        allowed = allowed.lower()
        if host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def download(url: str, *, max_bytes: int) -> tuple[bytes, str]:
    """The body and its declared content type; redirects are followed only to allowed hosts."""
    for _hop in range(MAX_REDIRECTS + 1):
        if not host_allowed(url):
            raise MediaRefused(f"not a platform media address: {urlsplit(url).hostname or url[:60]}")
        try:
            response = requests.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(settings.INBOX_ATTACHMENT_CONNECT_TIMEOUT, settings.INBOX_ATTACHMENT_READ_TIMEOUT),
            )
        except requests.RequestException as exc:
            raise MediaUnavailable(f"{type(exc).__name__}: {exc}"[:300]) from exc
        with response:
            if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status_code == 429 or response.status_code >= 500:
                raise MediaUnavailable(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise MediaRefused(f"HTTP {response.status_code}")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise MediaRefused(f"too large ({declared} bytes; at most {max_bytes})")
            body = bytearray()
            try:
                for chunk in response.iter_content(CHUNK):
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise MediaRefused(f"too large (over {max_bytes} bytes)")
            except requests.RequestException as exc:
                raise MediaUnavailable(f"{type(exc).__name__}: {exc}"[:300]) from exc
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return bytes(body), content_type
    raise MediaRefused("too many redirects")


def _degrees(value, ref) -> Decimal | None:
    try:
        d, m, s = (float(x) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if str(ref).upper() in ("S", "W"):
        degrees = -degrees
    return Decimal(f"{degrees:.6f}")


def gps_position(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude from the photo's EXIF GPS data, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # unreadable EXIF is common and never a reason to refuse the photo
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    latitude, longitude = _degrees(gps.get(2), gps.get(1, "N")), _degrees(gps.get(4), gps.get(3, "E"))
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _encode(image: Image.Image, kind: str) -> tuple[bytes, str, str]:
    out = io.BytesIO()
    if kind == "png" or image.mode in ("RGBA", "LA", "P"):
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue(), "image/jpeg", "jpg"


def check_image(content: bytes) -> Checked:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > MAX_PIXELS:
            raise MediaRefused(f"too many pixels ({image.width}×{image.height})")
        fmt = (image.format or "").upper()
        latitude, longitude = gps_position(image)
        if fmt == "GIF" and getattr(image, "is_animated", False):
            # An animation keeps its frames: stored as received once Pillow has read it as a GIF.
            body, content_type, extension = content, "image/gif", "gif"
            still = image.convert("RGBA")
        else:
            still = ImageOps.exif_transpose(image)
            if still.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                still = still.convert("RGB")
            body, content_type, extension = _encode(still, "png" if fmt == "PNG" else "jpeg")
        thumb = still.copy()
        thumb.thumbnail(THUMBNAIL_SIZE)
        thumbnail, thumbnail_type, _ext = _encode(
            thumb, "png" if thumb.mode in ("RGBA", "LA", "P") else "jpeg"
        )
        return Checked(
            content=body,
            content_type=content_type,
            extension=extension,
            width=still.width,
            height=still.height,
            latitude=latitude,
            longitude=longitude,
            thumbnail=thumbnail,
            thumbnail_type=thumbnail_type,
        )
    except MediaRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise MediaRefused(f"not a readable photo ({type(exc).__name__})") from exc


def check_video(content: bytes, declared: str) -> Checked:
    if len(content) < 12 or content[4:8] != b"ftyp":
        raise MediaRefused("not an MP4 or QuickTime video")
    content_type = declared if declared in VIDEO_TYPES else "video/mp4"
    return Checked(content=content, content_type=content_type, extension=VIDEO_TYPES[content_type])


def fetch(url: str, *, kind: str) -> Checked:
    """Download and check one attachment; raises MediaRefused or MediaUnavailable."""
    limit = (
        settings.INBOX_ATTACHMENT_MAX_VIDEO_BYTES if kind == "video" else settings.INBOX_ATTACHMENT_MAX_BYTES
    )
    content, declared = download(url, max_bytes=limit)
    if kind == "video" or declared in VIDEO_TYPES:
        return check_video(content, declared)
    if declared and declared not in IMAGE_TYPES and declared != "application/octet-stream":
        raise MediaRefused(f"not a photo or video ({declared[:60]})")
    return check_image(content)
