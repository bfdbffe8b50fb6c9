"""Logins, failed logins, logouts and lockouts into the audit log, from the framework's signals."""

from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import AuditEntry
from .services import audit_record

SSO_BACKEND_SUFFIX = ".oidc.RoleClaimsBackend"


def _login_method(request, user) -> str:
    backend = getattr(user, "backend", "") or (
        request.session.get(BACKEND_SESSION_KEY, "") if request else ""
    )
    if backend.endswith(SSO_BACKEND_SUFFIX):
        return "sso"
    device = getattr(user, "otp_device", None)
    if device is None:
        return "password"
    return "password+" + device._meta.model_name.removesuffix("device")  # totp, static (backup), webauthn


def on_login(sender, request, user, **kwargs):
    method = _login_method(request, user)
    audit_record(
        action=AuditEntry.Action.LOGIN,
        actor=user,
        request=request,
        via="sso" if method == "sso" else "web",
        detail={"method": method},
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; the name tried is kept.
    username = str(credentials.get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor_name=username,
        request=request,
        via="web",
        detail={"username": username, "locked_out": locked},
    )


def on_logout(sender, request, user, **kwargs):
    audit_record(
        action=AuditEntry.Action.LOGOUT,
        actor=user,
        request=request,
        via="web",
        detail={"reason": getattr(request, "webcare_logout_reason", "user")},
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=AuditEntry.Action.LOCKED_OUT,
        actor_name=str(username or "")[:150],
        request=request,
        via="web",
        detail={"username": str(username or "")[:150], "ip_address": ip_address},
    )


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit-locked-out")
