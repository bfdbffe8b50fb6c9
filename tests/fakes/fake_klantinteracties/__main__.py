"""The fake Open Klant for try-outs: ``python -m tests.fakes.fake_klantinteracties --port 18765``.

Seeds contacts that colleagues "registered in KISS" (a phone call, a counter visit) for citizens of
the sandbox channel, prints the settings that point the inbox at it, and every call it gets.
"""

import argparse
import sys
import time
from pathlib import Path

from .server import FakeKlantinteracties
from .store import Store

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT.parent / "shared" / "specs" / "open-klant-klantinteracties-openapi.yaml"


def demo(store: Store) -> None:
    marieke = {
        "voorletters": "M.",
        "voornaam": "Marieke",
        "voorvoegselAchternaam": "de",
        "achternaam": "Vries",
    }
    store.kiss_contact(
        days_ago=6,
        kanaal="Telefoon",
        onderwerp="Grofvuil ophalen",
        inhoud="Belt over grofvuil dat niet is opgehaald in de Biltstraat; afspraak voor donderdag gemaakt.",
        name=marieke,
        handle="@marieke_utr",
    )
    store.kiss_contact(
        days_ago=2,
        kanaal="Balie",
        onderwerp="Parkeervergunning",
        inhoud="Aan de balie gevraagd naar de wachttijd voor een parkeervergunning.",
        name=marieke,
        handle="@marieke_utr",
    )
    store.kiss_contact(
        days_ago=1,
        kanaal="Telefoon",
        onderwerp="Losliggende stoeptegels",
        inhoud="Meldt losliggende tegels bij de bushalte; doorgezet naar de wijk.",
        name={
            "voorletters": "J.",
            "voornaam": "Jeroen",
            "voorvoegselAchternaam": "van den",
            "achternaam": "Berg",
        },
        handle="@jvdberg030",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Open Klant (Klantinteracties API 0.9.0) for try-outs.")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument(
        "--spec", type=Path, default=SPEC, help=f"the official OpenAPI document (default {SPEC})"
    )
    parser.add_argument("--empty", action="store_true", help="no contacts from KISS to begin with")
    args = parser.parse_args()
    if not args.spec.exists():
        sys.exit(
            f"The official Klantinteracties spec is missing at {args.spec} (../shared/specs); pass --spec."
        )
    fake = FakeKlantinteracties(spec_path=args.spec, port=args.port).start()
    if not args.empty:
        demo(fake.store)
    print(
        f"Fake Open Klant on {fake.url} ({len(fake.store.klantcontacten)} klantcontacten from KISS)",
        flush=True,
    )
    print("Point the inbox at it with:")
    print(f"  export KLANTINTERACTIES_API_URL={fake.url}")
    print(f"  export KLANTINTERACTIES_API_TOKEN={fake.token}", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            for request in fake.requests[seen:]:
                query = "&".join(f"{k}={v}" for k, v in request["query"].items())
                print(f"{request['method']} {request['path']}{'?' + query if query else ''}", flush=True)
            seen = len(fake.requests)
            while fake.violations:
                print(f"  REFUSED/VIOLATION {fake.violations.pop(0)}", flush=True)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
