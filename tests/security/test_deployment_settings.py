"""With DEBUG off: `check --deploy` is clean, HTTPS is enforced, and mail never goes to the console.
Each case runs manage.py in a process of its own with production-like environment variables."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9Vr4Tn8Kc3Hs6Wd1Fj5Bg0Zy" * 2,
    "FIELD_ENCRYPTION_KEY": "p1Ul2bJmWqzX5yZc8mQ0n8oVh3d3Qh2sR9cGk3l0Tn4=",
    "ALLOWED_HOSTS": "webcare.example.nl",
}


def manage(*args, **env):
    # Not inherited: DEBUG and mail from the test run, nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
    skipped = ("DEBUG", "EMAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in skipped}
    environment.update(PRODUCTION)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(*names, **env) -> dict:
    code = "from django.conf import settings; import json; print(json.dumps({n: getattr(settings, n) for n in %r}, default=str))"
    result = manage("shell", "-c", code % (names,), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_no_issues():
    result = manage("check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNINGS" not in result.stderr


def test_https_and_cookies_are_strict_and_the_proxy_header_configurable():
    values = settings_of(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "EMAIL_BACKEND",
        "WEBCARE_MFA_REQUIRED_ROLES",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "WEBCARE_MFA_REQUIRED_ROLES": ["adviser", "manager", "admin"],
    }
    assert settings_of("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="") == {
        "SECURE_PROXY_SSL_HEADER": None
    }
    assert settings_of("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="HTTP_X_SCHEME=https") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_SCHEME", "https"]
    }


def test_the_console_mail_backend_is_refused_without_debug():
    result = manage("check", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")

    assert result.returncode != 0
    assert "EMAIL_BACKEND may not print or store mails" in result.stderr


def test_the_demo_keeps_console_mail_and_no_second_factor():
    values = settings_of("EMAIL_BACKEND", "WEBCARE_MFA_REQUIRED_ROLES", "SECURE_SSL_REDIRECT", DEBUG="1")

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "WEBCARE_MFA_REQUIRED_ROLES": [],
        "SECURE_SSL_REDIRECT": False,
    }


def test_a_session_longer_than_a_working_day_is_refused():
    result = manage("check", WEBCARE_SESSION_HOURS="14")

    assert result.returncode != 0
    assert "WEBCARE_SESSION_HOURS must be" in result.stderr
