"""A citizen's photos are their personal data too: listed in the export, gone after erasure."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from inbox.models import Attachment, Conversation, Message
from privacy.services.erase import contact_erase
from privacy.services.export import contact_data
from tests.conftest import incoming


def test_photos_are_exported_by_description_and_deleted_with_the_citizen(deliver, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    deliver(incoming(platform_id="p1", text="Zie foto"))
    message = Message.objects.get(platform_id="p1")
    name = default_storage.save("attachments/p.jpg", ContentFile(b"\xff\xd8 photo"))
    thumb = default_storage.save("attachments/p-t.jpg", ContentFile(b"\xff\xd8 thumb"))
    Attachment.objects.create(
        message=message,
        kind="image",
        platform_url="https://pbs.twimg.com/media/p.jpg",
        alt="Mijn voordeur",
        status="stored",
        file=name,
        thumbnail=thumb,
        content_type="image/jpeg",
        size=7,
    )
    contact = Conversation.objects.get().contact

    exported = contact_data(contact)["conversations"][0]["messages"][0]["attachments"]
    assert exported == [
        {
            "kind": "image",
            "alt": "Mijn voordeur",
            "platform_url": "https://pbs.twimg.com/media/p.jpg",
            "status": "stored",
            "size": 7,
        }
    ]

    contact_erase(contact=contact, reason="verzoek")

    assert not Attachment.objects.exists()
    assert not default_storage.exists(name) and not default_storage.exists(thumb)
