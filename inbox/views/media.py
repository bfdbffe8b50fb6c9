"""Citizens' photos and videos, served by the app from its own storage to those who may see the
conversation (the browser never loads them from the platform)."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..selectors.media import attachment_for
from .common import require_inbox


@login_required
@require_GET
def attachment(request, pk: int, thumbnail: bool = False):
    require_inbox(request.user)
    found = attachment_for(user=request.user, attachment_id=pk)
    name = (
        (found.thumbnail.name or found.file.name)
        if found and thumbnail
        else (found.file.name if found else "")
    )
    if not name or not default_storage.exists(name):
        raise Http404(_("No such photo or video, or not one you may see."))
    content_type = (
        found.content_type
        if name == found.file.name
        else ("image/png" if name.endswith(".png") else "image/jpeg")
    )
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the file is, it runs nothing: no scripts, no frames, no requests of its own.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
