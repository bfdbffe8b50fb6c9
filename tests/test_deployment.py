"""The production deployment files: docker-compose.yml, Dockerfile and .dockerignore, read as text.

No Docker needed: these parse the files and check that the services, commands, environment and
build steps fit the project (module paths exist, settings read the variables set here).
"""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
REQUIRED = re.compile(r"^\$\{(?P<name>[A-Z_]+):\?[^}]+\}$")  # ${NAME:?message}


# --- Helpers ------------------------------------------------------------------------------------


def load_compose() -> dict:
    """docker-compose.yml as compose sees it before interpolation (YAML anchors and merges applied)."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return load_compose()["services"][name]


def command(name: str) -> list[str]:
    """A service's command as an argument list, whether written as a list or a string."""
    value = service(name)["command"]
    return shlex.split(value) if isinstance(value, str) else [str(arg) for arg in value]


def environment(name: str) -> dict[str, str | None]:
    value = service(name)["environment"]
    if isinstance(value, list):
        value = dict(item.split("=", 1) if "=" in item else (item, None) for item in value)
    return {key: None if val is None else str(val) for key, val in value.items()}


def interpolated(value: str) -> str:
    """Replace every ${...} with a placeholder, so the rest of the value can be parsed."""
    return re.sub(r"\$\{[^}]*\}", "placeholder", value)


def with_defaults(value: str) -> str:
    """A value as compose interpolates it when nothing is set: ${NAME:-default} → default."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerfile_runs() -> list[str]:
    return [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_defines_the_six_services():
    assert set(load_compose()["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_app_services_build_from_the_one_dockerfile():
    for name in APP_SERVICES:
        build = service(name)["build"]
        assert build == {"context": ".", "dockerfile": "Dockerfile"}, name
    assert (ROOT / "Dockerfile").is_file()


def test_backing_services_use_pinned_major_images():
    assert service("postgres")["image"] == "postgres:16"
    assert service("redis")["image"] == "redis:7"


def test_postgres_keeps_its_data_in_a_named_volume():
    volumes = service("postgres")["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in volumes
    assert "postgres-data" in load_compose()["volumes"]


def test_backing_services_have_healthchecks():
    postgres_check = service("postgres")["healthcheck"]["test"]
    redis_check = service("redis")["healthcheck"]["test"]
    assert postgres_check[0] == "CMD" and postgres_check[1] == "pg_isready"
    assert redis_check == ["CMD", "redis-cli", "ping"]


def test_web_runs_gunicorn_on_the_wsgi_application():
    argv = command("web")
    assert argv[:2] == ["gunicorn", "webcare.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    assert with_defaults(argv[argv.index("--workers") + 1]) == "3"
    assert [with_defaults(port) for port in service("web")["ports"]] == ["8000:8000"]


def test_compose_shows_how_to_run_more_of_each():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "--scale web=3 --scale worker=4" in text
    assert any(arg.startswith("--concurrency=${WORKER_CONCURRENCY:-") for arg in command("worker"))
    # Each scaled web container takes its own host port from a range.
    assert service("web")["ports"] == ["${WEB_PORTS:-8000}:8000"]


def test_processes_share_one_cache_in_redis_apart_from_the_broker():
    for name in APP_SERVICES:
        env = environment(name)
        cache, broker = urlsplit(env["REDIS_CACHE_URL"]), urlsplit(env["REDIS_URL"])
        assert (cache.hostname, cache.port) == (broker.hostname, broker.port), name
        assert cache.path != broker.path, name


def test_worker_runs_a_celery_worker_for_the_webcare_app():
    assert command("worker")[:4] == ["celery", "-A", "webcare", "worker"]


def test_beat_runs_celery_beat_for_the_webcare_app():
    assert command("beat")[:4] == ["celery", "-A", "webcare", "beat"]


def test_migrate_runs_the_migrations_once():
    assert command("migrate") == ["python", "manage.py", "migrate", "--noinput"]
    assert service("migrate")["restart"] == "no"


def test_long_running_services_restart_unless_stopped():
    for name in ("postgres", "redis", *LONG_RUNNING_APP_SERVICES):
        assert service(name)["restart"] == "unless-stopped", name


def test_app_services_use_postgres_and_redis():
    for name in APP_SERVICES:
        env = environment(name)
        database = urlsplit(interpolated(env["DATABASE_URL"]))
        broker = urlsplit(env["REDIS_URL"])
        assert (database.scheme, database.hostname, database.port, database.path) == (
            "postgres",
            "postgres",
            5432,
            "/webcare",
        ), name
        broker_parts = (broker.scheme, broker.hostname, broker.port, broker.path)
        assert broker_parts == ("redis", "redis", 6379, "/0"), name


def test_database_url_matches_the_postgres_service():
    postgres_env = service("postgres")["environment"]
    database_url = environment("web")["DATABASE_URL"]
    user_and_password = database_url.split("://", 1)[1].split("@", 1)[0]
    assert user_and_password == f"{postgres_env['POSTGRES_USER']}:{postgres_env['POSTGRES_PASSWORD']}"
    assert database_url.endswith(f"/{postgres_env['POSTGRES_DB']}")
    assert REQUIRED.match(postgres_env["POSTGRES_PASSWORD"])["name"] == "POSTGRES_PASSWORD"


def test_app_services_run_without_debug():
    for name in APP_SERVICES:
        assert environment(name)["DEBUG"] == "0", name


def test_secrets_are_required():
    for name in APP_SERVICES:
        env = environment(name)
        for variable in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS"):
            match = REQUIRED.match(env[variable] or "")
            assert match and match["name"] == variable, f"{name}: {variable}={env[variable]!r}"


def test_app_services_pass_the_channel_endpoints_through():
    for name in APP_SERVICES:
        env = environment(name)
        assert {"X_API_BASE_URL", "FACEBOOK_GRAPH_URL", "FACEBOOK_GRAPH_VERSION"} <= set(env), name


def test_app_services_wait_for_migrations_and_healthy_backing_services():
    expected = {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    for name in LONG_RUNNING_APP_SERVICES:
        assert service(name)["depends_on"] == expected, name
    assert service("migrate")["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_web_healthcheck_requests_healthz():
    check = service("web")["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    assert "urllib.request.urlopen" in check[3]
    assert "http://127.0.0.1:8000/healthz" in check[3]


def test_beat_schedule_directory_is_a_volume():
    assert environment("beat")["WEBCARE_VAR_DIR"] == "/app/var"
    assert "beat-state:/app/var" in service("beat")["volumes"]
    assert "beat-state" in load_compose()["volumes"]


def test_modules_named_in_commands_exist():
    gunicorn_app = command("web")[1]
    module, _, attribute = gunicorn_app.partition(":")
    wsgi = ROOT / (module.replace(".", "/") + ".py")
    assert wsgi == ROOT / "webcare" / "wsgi.py"
    assert f"{attribute} = " in wsgi.read_text()

    for name in ("worker", "beat"):
        celery_app = command(name)[2]
        # `celery -A webcare` finds the app in the package's `celery` module.
        celery_module = ROOT / celery_app / "celery.py"
        assert celery_module == ROOT / "webcare" / "celery.py"
        assert "app = Celery(" in celery_module.read_text()

    assert command("migrate")[1] == "manage.py"
    assert (ROOT / "manage.py").is_file()


def test_settings_read_the_variables_compose_sets():
    settings = (ROOT / "webcare" / "settings.py").read_text()
    read_by_name = (
        "REDIS_URL",
        "REDIS_CACHE_URL",
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "WEBCARE_VAR_DIR",
    )
    for variable in read_by_name:
        assert f'"{variable}"' in settings, variable
    # dj_database_url.config() reads DATABASE_URL by default.
    assert "dj_database_url.config(" in settings


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_uses_python_311_slim():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")


def test_dockerfile_sets_python_environment():
    env = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env


def test_dockerfile_installs_dependencies_from_pyproject():
    instructions = dockerfile_instructions()
    copy_pyproject = instructions.index(("COPY", "pyproject.toml ./"))
    install = next(
        i
        for i, (keyword, args) in enumerate(instructions)
        if keyword == "RUN" and re.search(r"\bpip install\b.*\s\.$", args)
    )
    assert copy_pyproject < install


def test_dockerfile_compiles_translations():
    assert any("pybabel compile -d locale -D django" in run for run in dockerfile_runs())


def test_dockerfile_trains_the_triage_model_from_the_repository():
    # The model file is built, never committed; the runtime user could not write it.
    assert any("python manage.py triage_train" in run for run in dockerfile_runs())


def test_dockerfile_collects_static_files_for_production_storage():
    # DEBUG=0 selects the manifest storage; without its manifest {% static %} fails at runtime.
    # With DEBUG off the settings refuse to load without keys, so the build passes throwaway ones.
    assert any(
        re.search(r"DEBUG=0 (\w+=\S+ )*python manage.py collectstatic --noinput", run)
        for run in dockerfile_runs()
    )


def test_dockerfile_does_not_run_as_root():
    instructions = dockerfile_instructions()
    users = [i for i, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER instruction"
    last_user = instructions[users[-1]][1]
    assert last_user.split(":")[0] not in {"root", "0"}
    cmd = next(i for i, (keyword, _) in enumerate(instructions) if keyword == "CMD")
    assert users[-1] < cmd


def test_dockerfile_exposes_port_8000():
    assert ("EXPOSE", "8000") in dockerfile_instructions()


def test_dockerfile_cmd_runs_gunicorn():
    cmd = next(args for keyword, args in dockerfile_instructions() if keyword == "CMD")
    argv = json.loads(cmd)
    assert argv[:2] == ["gunicorn", "webcare.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"


# --- .dockerignore ------------------------------------------------------------------------------


def test_dockerignore_keeps_local_state_out_of_the_image():
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    expected = {".venv", ".git", ".env", "var", "*.sqlite3", "**/__pycache__", "staticfiles"}
    assert expected | {".pytest_cache", ".ruff_cache", "test-artifacts"} <= patterns
