"""The permission matrix's rows for logging in (the two-step login, second-factor set-up, SSO) and
for the AVG screens, in the same shape as tests/test_permission_matrix.py's MATRIX."""

L = "login"

LOGIN_AND_PRIVACY_ROWS = [
    # Logins: the one two-step login (the admin's sends there), second-factor set-up, SSO (off here).
    ("admin_login", "get", "/admin/login/", None, (302, 302, 302, 302, 302, 302)),
    ("two_factor:login", "get", "/account/login/", None, (200, 200, 200, 200, 200, 200)),
    ("two_factor:setup", "get", "/account/two_factor/setup/", None, (200, 200, 200, 200, 200, L)),
    ("two_factor:qr", "get", "/account/two_factor/qrcode/", None, (404, 404, 404, 404, 404, L)),
    ("two_factor:setup_complete", "get", "/account/two_factor/setup/complete/", None, (L, L, L, L, L, L)),
    ("two_factor:backup_tokens", "get", "/account/two_factor/backup/tokens/", None, (L, L, L, L, L, L)),
    ("two_factor:profile", "get", "/account/two_factor/", None, (200, 200, 200, 200, 200, L)),
    ("two_factor:disable", "get", "/account/two_factor/disable/", None, (302, 302, 302, 302, 302, 302)),
    (
        "two_factor:two_factor_webauthn:create_credential",
        "get",
        "/account/two_factor/webauthn/create_credential.js",
        None,
        (404, 404, 404, 404, 404, L),
    ),
    (
        "two_factor:two_factor_webauthn:get_credential",
        "get",
        "/account/two_factor/webauthn/get_credential.js",
        None,
        (404, 404, 404, 404, 404, 404),
    ),
    ("oidc_authentication_init", "get", "/oidc/authenticate/", None, (404, 404, 404, 404, 404, 404)),
    ("oidc_authentication_callback", "get", "/oidc/callback/", None, (404, 404, 404, 404, 404, 404)),
    # AVG requests: functional admins only.
    ("privacy:requests", "get", "/privacy/?q=burger", None, (403, 403, 403, 403, 200, L)),
    ("privacy:contact", "get", "/privacy/contacts/{contact}/", None, (403, 403, 403, 403, 200, L)),
    ("privacy:export", "get", "/privacy/contacts/{contact}/export.json", None, (403, 403, 403, 403, 200, L)),
    (
        "privacy:erase",
        "post",
        "/privacy/contacts/{contact}/erase/",
        {"reason": "Verzoek 1", "confirm": "1"},
        (403, 403, 403, 403, 302, L),
    ),
]
