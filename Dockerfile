# One image for every process of the webcare inbox: gunicorn (default CMD), the Celery worker,
# Celery beat and the one-shot migrations (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEBCARE_VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system --gid 10001 webcare \
    && useradd --system --uid 10001 --gid webcare --home-dir /app --no-create-home webcare

# Dependencies first, from pyproject.toml alone, so this layer stays cached until they change.
# pyproject.toml declares `packages = []`: the project itself builds to an empty wheel and pip
# installs only its [project].dependencies.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .

COPY . .

# Build-time steps, as root; the code stays read-only for the runtime user.
# - The Dutch .mo catalogues are not committed: compile them from the .po files.
# - collectstatic with DEBUG=0, because only then does settings.py select whitenoise's
#   CompressedManifestStaticFilesStorage, which writes the staticfiles.json manifest that
#   {% static %} needs at runtime (DEBUG=0 in production).
# - The triage model is trained from the repository's training files (triage_train).
# - var/ (WEBCARE_VAR_DIR) is the one writable directory: beat's schedule file lives there.
RUN pybabel compile -d locale -D django \
    && SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only python manage.py triage_train \
    && DEBUG=0 SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown webcare:webcare /app/var

USER webcare

EXPOSE 8000

CMD ["gunicorn", "webcare.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
