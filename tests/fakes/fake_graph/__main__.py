"""A fake Graph API with a demo page for try-outs: ``python -m tests.fakes.fake_graph --port 8765``."""

import argparse
import datetime as dt

from .records import _now
from .server import FakeGraph


def demo(fake: FakeGraph) -> None:
    """A municipal page with a little of everything, for a try-out in the browser."""
    page = fake.add_page("1000", "Gemeente Voorbeeldstad", "demo-page-token")
    earlier = _now() - dt.timedelta(hours=2)
    post = fake.add_post(
        page.id, "Vanaf maandag werken we aan de Amsterdamsestraatweg.", post_id="1000_1", created=earlier
    )
    first = fake.add_comment(
        post["id"],
        "Hoe lang duurt dat? Ik kan mijn oprit dan niet meer op.",
        author={"id": "user-anna", "name": "Anna de Vries"},
        created=earlier + dt.timedelta(minutes=5),
    )
    fake.add_comment(
        post["id"],
        "Zelfde vraag, ik woon op nummer 12.",
        author={"id": "user-kees", "name": "Kees Jansen"},
        parent_id=first["id"],
        created=earlier + dt.timedelta(minutes=9),
    )
    fake.add_post(
        page.id,
        "Er ligt al drie dagen een kapotte fiets op de stoep bij het station.",
        author={"id": "user-fatima", "name": "Fatima El Amrani"},
        created=earlier + dt.timedelta(minutes=20),
    )
    fake.add_message(
        page.id,
        "psid-ruud",
        "Wanneer wordt het grofvuil in de Oosterstraat opgehaald?",
        name="Ruud Bakker",
        created=earlier + dt.timedelta(minutes=30),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Facebook Graph API for try-outs (demo page 1000).")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    fake = FakeGraph(port=args.port)
    demo(fake)
    print(f"Fake Graph API on {fake.url} (page 1000, token demo-page-token)", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
