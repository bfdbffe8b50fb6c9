"""A fake ZGW Zaken API on 127.0.0.1 that checks every request and response against an official
OpenAPI spec in ../shared/specs/, checks the JWT, and keeps zaken, rollen and statussen in memory.

The tests use the VNG standard (zaken-api-1.5.1-openapi.yaml). Open Zaak's generated copy types the
`zaak` filter of GET /rollen as an integer although it takes the zaak URL like the standard says.
For a try-out: ``python -m tests.fakes.fake_zaken --port 18766``.
"""

from .server import PREFIX, FakeZaken, rsin_valid

__all__ = ["PREFIX", "FakeZaken", "rsin_valid"]
