"""docker-compose.yml and the Dockerfile are validated offline (no Docker engine needed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY",
                "DJANGO_ALLOWED_HOSTS")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _check_jsonschema() -> list[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "check_jsonschema"]


def test_compose_file_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [*_check_jsonschema(), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_five_services_exist(compose: dict) -> None:
    assert set(compose["services"]) >= {"web", "worker", "beat", "postgres", "redis"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(compose: dict, name: str) -> None:
    depends = compose["services"][name]["depends_on"]
    if isinstance(depends, list):  # the short form has no health condition: not enough
        pytest.fail(f"{name}.depends_on must use the long form with condition: service_healthy")
    for dep in ("postgres", "redis"):
        assert dep in depends, f"{name} must depend on {dep}"
        assert depends[dep].get("condition") == "service_healthy", (name, dep)


@pytest.mark.parametrize("name", ("postgres", "redis"))
def test_backing_services_have_healthchecks(compose: dict, name: str) -> None:
    assert compose["services"][name]["healthcheck"]["test"]


def test_images(compose: dict) -> None:
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    for name in APP_SERVICES:
        assert compose["services"][name]["build"], name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_production_settings_and_secrets_from_env(compose: dict, name: str) -> None:
    env = compose["services"][name]["environment"]
    assert isinstance(env, dict)
    for key in REQUIRED_ENV:
        assert env.get(key), f"{name} lacks {key}"
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    # The secret is interpolated from the environment, never written into the file.
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY")


def test_commands(compose: dict) -> None:
    def cmd(name: str) -> str:
        c = compose["services"][name]["command"]
        return " ".join(c) if isinstance(c, list) else c

    assert "gunicorn config.wsgi" in cmd("web")
    assert "migrate" in cmd("web")
    assert re.search(r"celery -A config worker", cmd("worker"))
    assert re.search(r"celery -A config beat", cmd("beat"))


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert "pip install -r requirements.lock" in text
    assert "collectstatic --noinput" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}, "the image must run as a non-root user"
    assert (ROOT / ".dockerignore").exists()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".podium" in ignored and ".git" in ignored
