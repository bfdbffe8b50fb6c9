"""Photos and videos read from the platforms' payloads: X media (with video variants), Facebook post,
comment and Messenger attachments, and the same from Facebook's webhooks."""

import json

from channels.facebook import items
from channels.facebook.webhook import _feed_item, _messaging_item
from channels.x.normalize import read_page, tweet_to_incoming
from inbox.models import Account, Contact
from tests.conftest import SHARED, require


def test_x_photo_from_the_documented_expansion_payload():
    path = SHARED / "platform-payloads" / "twitter_tweet_with_media_expansion.json"
    require(path.exists(), f"the documented X payload is missing at {path} (../shared/platform-payloads)")
    body = json.loads(path.read_text())
    tweet = {**body["data"], "created_at": "2026-11-30T10:00:00.000Z", "conversation_id": body["data"]["id"]}
    item = tweet_to_incoming(tweet, read_page({**body, "data": [tweet]}), account_user_id="1")
    assert item.media == [
        {"type": "photo", "url": "https://pbs.twimg.com/media/example.jpg", "alt": "Example image"}
    ]


def test_x_video_takes_the_best_mp4_and_keeps_the_still_as_preview():
    page = read_page(
        {
            "data": [],
            "includes": {
                "media": [
                    {
                        "media_key": "7_1",
                        "type": "video",
                        "preview_image_url": "https://pbs.twimg.com/still.jpg",
                        "variants": [
                            {
                                "content_type": "application/x-mpegURL",
                                "url": "https://video.twimg.com/a.m3u8",
                            },
                            {
                                "content_type": "video/mp4",
                                "bit_rate": 256000,
                                "url": "https://video.twimg.com/low.mp4",
                            },
                            {
                                "content_type": "video/mp4",
                                "bit_rate": 2176000,
                                "url": "https://video.twimg.com/hi.mp4",
                            },
                        ],
                    },
                    {
                        "media_key": "7_2",
                        "type": "animated_gif",
                        "preview_image_url": "https://pbs.twimg.com/g.jpg",
                    },
                ]
            },
        }
    )
    tweet = {
        "id": "5",
        "text": "kijk",
        "author_id": "9",
        "created_at": "2026-11-30T10:00:00Z",
        "attachments": {"media_keys": ["7_1", "7_2"]},
    }
    assert tweet_to_incoming(tweet, page, account_user_id="1").media == [
        {
            "type": "video",
            "url": "https://video.twimg.com/hi.mp4",
            "alt": "",
            "preview": "https://pbs.twimg.com/still.jpg",
        },
        {"type": "photo", "url": "https://pbs.twimg.com/g.jpg", "alt": ""},  # no playable variant: the still
    ]


def test_facebook_post_album_comment_and_messenger_attachments():
    post = {
        "id": "1_2",
        "message": "Zie foto's",
        "created_time": "2026-11-30T10:00:00+0000",
        "from": {"id": "77", "name": "Els"},
        "attachments": {
            "data": [
                {
                    "type": "album",
                    "subattachments": {
                        "data": [
                            {
                                "media_type": "photo",
                                "media": {"image": {"src": "https://scontent.xx.fbcdn.net/a.jpg"}},
                            },
                            {
                                "media_type": "video",
                                "media": {
                                    "image": {"src": "https://scontent.xx.fbcdn.net/v.jpg"},
                                    "source": "https://video.xx.fbcdn.net/v.mp4",
                                },
                            },
                        ]
                    },
                }
            ]
        },
    }
    assert items.visitor_post("1", post).media == [
        {"type": "photo", "url": "https://scontent.xx.fbcdn.net/a.jpg", "alt": ""},
        {"type": "video", "url": "https://video.xx.fbcdn.net/v.mp4", "alt": ""},
    ]
    comment = {
        "id": "2_3",
        "message": "",
        "created_time": "2026-11-30T10:00:00+0000",
        "from": {"id": "77"},
        "attachment": {"type": "photo", "media": {"image": {"src": "https://scontent.xx.fbcdn.net/c.jpg"}}},
    }
    assert items.comment("1", "1_2", comment, thread_key="post:1_2").media == [
        {"type": "photo", "url": "https://scontent.xx.fbcdn.net/c.jpg", "alt": ""}
    ]
    message = {
        "id": "m_1",
        "message": "",
        "created_time": "2026-11-30T10:00:00+0000",
        "from": {"id": "77"},
        "attachments": {
            "data": [
                {"mime_type": "image/jpeg", "image_data": {"url": "https://lookaside.fbsbx.com/i.jpg"}},
                {"mime_type": "video/mp4", "video_data": {"url": "https://video.xx.fbcdn.net/m.mp4"}},
                {"mime_type": "application/pdf", "file_url": "https://cdn.fbsbx.com/x.pdf"},
            ]
        },
    }
    assert items.messenger_message("1", "77", message).media == [
        {"type": "photo", "url": "https://lookaside.fbsbx.com/i.jpg", "alt": ""},
        {"type": "video", "url": "https://video.xx.fbcdn.net/m.mp4", "alt": ""},
    ]


def test_facebook_webhooks_carry_photos_too(db, teams):
    account = Account.objects.create(platform="facebook", handle="1", team=teams["kcc"])
    photo_post = {
        "item": "photo",
        "verb": "add",
        "post_id": "1_9",
        "created_time": 1764496800,
        "from": {"id": "77", "name": "Els"},
        "message": "Gat in de weg",
        "link": "https://scontent.xx.fbcdn.net/w.jpg",
    }
    assert _feed_item(account, photo_post).media == [
        {"type": "photo", "url": "https://scontent.xx.fbcdn.net/w.jpg", "alt": ""}
    ]
    comment = {
        "item": "comment",
        "verb": "add",
        "post_id": "1_9",
        "comment_id": "9_1",
        "created_time": 1764496800,
        "from": {"id": "78", "name": "Piet"},
        "message": "",
        "photo": "https://scontent.xx.fbcdn.net/k.jpg",
    }
    assert _feed_item(account, comment).media == [
        {"type": "photo", "url": "https://scontent.xx.fbcdn.net/k.jpg", "alt": ""}
    ]
    event = {
        "sender": {"id": "77"},
        "recipient": {"id": "1"},
        "timestamp": 1764496800000,
        "message": {
            "mid": "m_9",
            "attachments": [{"type": "image", "payload": {"url": "https://lookaside.fbsbx.com/w.jpg"}}],
        },
    }
    Contact.objects.create(platform="facebook", platform_user_id="77", name="Els")
    assert _messaging_item(account, event).media == [
        {"type": "photo", "url": "https://lookaside.fbsbx.com/w.jpg", "alt": ""}
    ]
