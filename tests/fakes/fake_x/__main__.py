"""The fake X API v2 with a little Dutch demo data: ``python -m tests.fakes.fake_x --port 8765``."""

import argparse
import datetime as dt
import time

from . import __doc__ as package_doc
from .server import FakeX


def demo(fake: FakeX) -> None:
    """A little Dutch demo: a thread, a DM, and a monitoring hit for #gladheid030."""
    anna = fake.user("2600000000000000001", "anna_utrecht", "Anna de Vries")
    fake.user("2600000000000000002", "pietjansen", "Piet Jansen")
    first = fake.mention(
        f"@{fake.account_username} Er ligt al drie dagen grofvuil naast de container aan de Biltstraat. "
        "Kan dat worden opgehaald?",
        author_id=anna["id"],
    )
    fake.mention(
        f"@{fake.account_username} Het gaat om de container bij nummer 112.",
        author_id=anna["id"],
        conversation_id=first["id"],
        in_reply_to_user_id=fake.account_user_id,
        referenced_tweets=[{"type": "replied_to", "id": first["id"]}],
    )
    fake.mention(
        f"@{fake.account_username} Wanneer wordt de Amsterdamsestraatweg gestrooid? Het is spiegelglad.",
        author_id="2600000000000000002",
    )
    fake.dm("Goedemorgen, mijn paspoort is verlopen. Moet ik een afspraak maken?", sender_id=anna["id"])
    fake.user("2600000000000000003", "nieuw_in_030", "Sanne")
    fake.search_hit(
        "#gladheid030",
        "Fietspad langs de Vecht is één ijsbaan #gladheid030",
        author_id="2600000000000000003",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=package_doc.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user-id", default="1500000000000000001")
    parser.add_argument("--username", default="GemeenteTest")
    parser.add_argument("--empty", action="store_true", help="start without the demo data")
    args = parser.parse_args()
    # Items without a given time are stamped from an hour ago onwards, like a recent timeline.
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    # Snowflake-like ids from the clock, so a restarted fake never reuses an id it served before.
    first_id = (int(time.time() * 1000) - 1288834974657) << 22
    fake = FakeX(args.user_id, args.username, clock_start=start, first_id=first_id)
    if not args.empty:
        demo(fake)
    fake.start(args.port)
    print(f"Fake X API v2 at {fake.url} (account @{args.username}, user id {args.user_id}); Ctrl-C stops.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
