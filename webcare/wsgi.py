"""WSGI entry point (gunicorn webcare.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
application = get_wsgi_application()
