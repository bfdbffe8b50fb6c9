"""The libraries' admins (users, groups, second-factor devices, lockout records) audited like ours.

Registered last (security comes after them in INSTALLED_APPS), each admin class is replaced by the
same class with the audit mixin in front: every add, change and delete of a user, a group, a device
or a lockout record (deleting one lifts a lockout) is an audit entry.
"""

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from audit.admin import AuditedAdminMixin

AUDITED_LIBRARY_MODELS = (User, Group, TOTPDevice, StaticDevice, WebauthnDevice, AccessAttempt)


def _audit_registered(site: admin.AdminSite, model) -> None:
    if not site.is_registered(model):
        return
    current = type(site._registry[model])
    if issubclass(current, AuditedAdminMixin):
        return
    site.unregister(model)
    site.register(model, type(f"Audited{current.__name__}", (AuditedAdminMixin, current), {}))


for _model in AUDITED_LIBRARY_MODELS:
    _audit_registered(admin.site, _model)
