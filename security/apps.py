from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import session_begin

        # The session's clocks start at login (security/middleware.py reads them on every request).
        user_logged_in.connect(session_begin, dispatch_uid="security-session-begin")
