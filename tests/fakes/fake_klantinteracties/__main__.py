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


def _name(first: str, prefix: str, last: str) -> dict:
    return {
        "voorletters": f"{first[0]}.",
        "voornaam": first,
        "voorvoegselAchternaam": prefix,
        "achternaam": last,
    }


# Citizens of the sandbox channel, and what colleagues registered for them in KISS (kanaal,
# onderwerp, days ago, what was said).
DEMO = [
    ("@marieke_utr", _name("Marieke", "de", "Vries"), [
        ("Telefoon", "Grofvuil ophalen", 6, "Belt over grofvuil dat niet is opgehaald in de Biltstraat; afspraak voor donderdag."),
        ("Balie", "Parkeervergunning", 2, "Aan de balie gevraagd naar de wachttijd voor een parkeervergunning."),
    ]),
    ("@jvdberg030", _name("Jeroen", "van den", "Berg"), [
        ("Telefoon", "Losliggende stoeptegels", 1, "Meldt losliggende tegels bij de bushalte; doorgezet naar de wijk."),
    ]),
    ("@kanaleneiland_k", _name("Karim", "", "El Amrani"), [
        ("E-mail", "Container vol", 3, "Mailt dat de container op de Europalaan al dagen vol zit."),
        ("Telefoon", "Afspraak paspoort", 12, "Afspraak gemaakt voor een nieuw paspoort."),
    ]),
    ("@oma_truus", _name("Truus", "", "Bakker"), [
        ("Telefoon", "Verhuizing doorgeven", 4, "Vraagt hoe ze haar verhuizing naar Utrecht doorgeeft; uitgelegd via de website."),
    ]),
    ("@hoograven_h", _name("Hanneke", "", "Smit"), [
        ("Balie", "Afvalpas kwijt", 5, "Nieuwe afvalpas aangevraagd aan de balie."),
    ]),
    ("@lang_naam", _name("Wilhelmina", "", "Cornelia"), [
        ("Telefoon", "Groene container", 7, "Vraagt wanneer de groene container weer geleegd wordt."),
    ]),
]  # fmt: skip


def demo(store: Store) -> None:
    for handle, name, contacts in DEMO:
        for kanaal, onderwerp, days_ago, inhoud in contacts:
            store.kiss_contact(
                handle=handle, kanaal=kanaal, onderwerp=onderwerp, days_ago=days_ago, inhoud=inhoud, name=name
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
