"""Dutch by default: the UI language is the user's explicit choice (cookie), else LANGUAGE_CODE.

Django's LocaleMiddleware would follow the browser's Accept-Language, which on many municipal
desktops is English; the KCC works in Dutch unless someone switches. The API speaks English.
"""

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"


class DefaultLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        if request.path_info.startswith(API_PREFIX):
            language = "en"  # scripts read the API: its messages are English whatever the UI is in
        request.LANGUAGE_CODE = language
        # Only for this request: the thread goes back to the default afterwards (tasks and commands
        # run in threads that served requests too).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
