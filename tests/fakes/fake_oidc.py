"""A small OpenID Connect provider over real HTTP, for the SSO tests: authorization code flow with
an RS256-signed ID token, userinfo and JWKS. The signing key is handed in by the test.

It logs in whoever `fake.user` says (claims), without a login screen of its own.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm

KID = "test-key-1"


class FakeOIDC:
    def __init__(self, private_key, *, client_id: str, client_secret: str):
        self.private_key = private_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.user: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self.audience: str | None = None  # None: the client's id; set to test a token for someone else
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeOIDC":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_OP_ISSUER": self.url,
        }

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.audience or self.client_id,
            "sub": self.user.get("sub", "sub-1"),
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "preferred_username": self.user.get("preferred_username"),
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": KID})

    def jwks(self) -> dict:
        key = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**key, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                fake.requests.append(f"GET {url.path}")
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    if query.get("client_id") != fake.client_id or query.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    fake.codes[code] = {
                        "nonce": query.get("nonce", ""),
                        "redirect_uri": query["redirect_uri"],
                    }
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/jwks":
                    return self._json(200, fake.jwks())
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in fake.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, {"sub": fake.user.get("sub", "sub-1"), **fake.user})
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                fake.requests.append(f"POST {self.path}")
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/token":
                    return self._json(404, {"error": "not_found"})
                if (form.get("client_id"), form.get("client_secret")) != (fake.client_id, fake.client_secret):
                    return self._json(401, {"error": "invalid_client"})
                grant = fake.codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                fake.tokens[access] = dict(fake.user)
                return self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": fake.id_token(grant["nonce"]),
                    },
                )

        return Handler
