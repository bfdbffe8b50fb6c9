"""Logging in through the real two-step login form (django-two-factor-auth's wizard)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import totp_code
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def password_step(client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        **extra,
    )


def token_step(client, code: str):
    return client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": code})


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Many logins per test: the real hasher would make these take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mfa_required(settings):
    settings.WEBCARE_MFA_REQUIRED_ROLES = ["adviser", "manager", "admin"]


@pytest.fixture
def totp_device():
    def make(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    return make


__all__ = ["password_step", "token_step", "totp_code", "LOGIN"]
