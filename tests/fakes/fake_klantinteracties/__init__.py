"""A fake Open Klant 2 (the Klantinteracties API 0.9.0) on 127.0.0.1 that checks every request and
response against the official OpenAPI document in ../shared/specs/ and keeps klantcontacten,
betrokkenen, digitale adressen, onderwerpobjecten and actoren in memory.

For a try-out, with a few contacts registered "by colleagues in KISS":
``python -m tests.fakes.fake_klantinteracties --port 18765``.
"""

from .server import PREFIX, FakeKlantinteracties
from .store import Refusal, Store

__all__ = ["PREFIX", "FakeKlantinteracties", "Refusal", "Store"]
