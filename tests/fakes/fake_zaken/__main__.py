"""The fake Zaken API for try-outs: ``python -m tests.fakes.fake_zaken --port 18766``.

Prints the settings that point the inbox at it, and every call it gets.
"""

import argparse
import sys
import time
from pathlib import Path

from .server import FakeZaken

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT.parent / "shared" / "specs" / "zaken-api-1.5.1-openapi.yaml"
CATALOGI = "http://catalogi.invalid/catalogi/api/v1"
ZAAKTYPE = f"{CATALOGI}/zaaktypen/0119dd4e-7be9-477e-bccf-75023b1453c1"
ROLTYPE = f"{CATALOGI}/roltypen/a5bd7ecc-0e72-4a3c-94c4-0c1b2a3f1d11"
STATUSTYPEN = {
    "registered": f"{CATALOGI}/statustypen/5a0e8f3b-0d8a-4c33-9f5f-2b8a2e6c1a01",
    "in_progress": f"{CATALOGI}/statustypen/5a0e8f3b-0d8a-4c33-9f5f-2b8a2e6c1a02",
    "resolved": f"{CATALOGI}/statustypen/5a0e8f3b-0d8a-4c33-9f5f-2b8a2e6c1a03",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Fake ZGW Zaken API 1.5.1 for try-outs (validates against the spec)."
    )
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument(
        "--spec", type=Path, default=SPEC, help=f"the official OpenAPI document (default {SPEC})"
    )
    args = parser.parse_args()
    if not args.spec.exists():
        sys.exit(f"The official Zaken API spec is missing at {args.spec} (../shared/specs); pass --spec.")
    fake = FakeZaken(
        spec_path=args.spec,
        port=args.port,
        eindstatustypen={STATUSTYPEN["resolved"]},
        statustypen=set(STATUSTYPEN.values()),
    ).start()
    statustypen = ",".join(f"{status}={url}" for status, url in STATUSTYPEN.items())
    print(f"Fake Zaken API on {fake.url}", flush=True)
    print("Point the inbox at it with:")
    print("  export CASES_BACKEND=zgw")
    print(f"  export ZGW_ZAKEN_URL={fake.url}")
    print(f"  export ZGW_CLIENT_ID={fake.client_id} ZGW_SECRET={fake.secret}")
    print(f"  export ZGW_ZAAKTYPE={ZAAKTYPE}")
    print(f"  export ZGW_ROLTYPE={ROLTYPE}")
    print("  export ZGW_BRONORGANISATIE=002220647")
    print(f"  export ZGW_STATUSTYPEN={statustypen}", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            for request in fake.requests[seen:]:
                print(f"{request['method']} {request['path']} {request['query'] or ''}".rstrip(), flush=True)
            seen = len(fake.requests)
            while fake.violations:
                print(f"  VIOLATION {fake.violations.pop(0)}", flush=True)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
