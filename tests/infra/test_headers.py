"""Security headers: a Content-Security-Policy without inline script or eval on every page, a
Permissions-Policy, no-store on signed-in pages; and production settings that pass
`manage.py check --deploy` without a warning (HSTS, HTTPS redirect, secure cookies)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import member

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_pages_carry_a_strict_csp_and_a_permissions_policy(client, org):
    login = client.get(reverse("login"))
    csp = _csp(login)
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "'unsafe-eval'" not in login["Content-Security-Policy"]
    assert "'unsafe-inline'" not in login["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "camera=()" in login["Permissions-Policy"] and "geolocation=()" in login["Permissions-Policy"]
    assert "no-store" not in client.get(reverse("password_reset")).get("Cache-Control", "")  # anonymous

    client.force_login(member(org, "admin").user)
    for name in ("pods:org_home", "tenancy:api_tokens", "tenancy:members"):
        page = client.get(reverse(name, kwargs={"org_slug": org.slug}))
        assert page.status_code == 200
        assert "Content-Security-Policy" in page and "Permissions-Policy" in page
        assert "no-store" in page["Cache-Control"], name


def test_the_api_answers_signed_in_callers_with_no_store(client, org):
    client.force_login(member(org).user)
    response = client.get(f"/api/v1/o/{org.slug}/pods/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_no_template_carries_inline_script_style_or_event_handlers():
    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern, what in (
            (inline_script, "inline <script>"),
            (handler, "on…= handler"),
            (re.compile(r"<style", re.I), "<style>"),
            (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
            (re.compile(r"javascript:", re.I), "javascript: URL"),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {what}")
    assert offenders == []


def test_htmx_is_served_from_our_static_files_without_inline_styles(client):
    page = client.get(reverse("login")).content.decode()
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert any("htmx" in s for s in scripts) and all(s.startswith("/static/") for s in scripts)
    assert '"includeIndicatorStyles":false' in page and '"allowEval":false' in page


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "prod-" + "k3y!" * 15,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/podium"),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "podium.example.com",
    }
    for knob in (
        "DJANGO_DEBUG",
        "DJANGO_SECURE_COOKIES",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests set it; production never does
    ):
        env.pop(knob, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_redirects_http_and_sends_hsts():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "r = c.get('/accounts/login/')\n"
        "print(r.status_code, r['Location'])\n"
        "r = c.get('/healthz', headers={'X-Forwarded-Proto': 'https'})\n"
        "print(r['Strict-Transport-Security'])\n"
        "print(c.get('/healthz').status_code != 301)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "prod-" + "k3y!" * 15,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/podium"),
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://testserver/accounts/login/", result.stdout + result.stderr
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "True"


def test_debug_is_off_everywhere_but_make_demo(settings):
    assert settings.DEBUG is False  # the tests, which render the error pages
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr  # manage.py runserver, the bench, a worker
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "DJANGO_DEBUG=$${DJANGO_DEBUG:-true}" in demo
    bench = (Path(settings.BASE_DIR) / "scripts" / "bench.py").read_text()
    assert 'DJANGO_DEBUG="false"' in bench or 'DJANGO_DEBUG="false"' in bench
