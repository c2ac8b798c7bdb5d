"""Schemathesis against a live server: every check, stateful phase included, >= 2,000 requests.

The app runs in pytest-django's live server (a real HTTP server on a free port, the test database),
seeded with the demo organization and an admin's API token. Schemathesis (its CLI, in a
subprocess) reads the served schema and fails the run on any 5xx or schema violation.
`SCHEMATHESIS_MAX_EXAMPLES` tunes the examples per operation (default 10).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.signals import request_started

from tenancy.models import Organization, User
from tenancy.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = Path(__file__).with_name("schemathesis.toml")
MIN_REQUESTS = 2000


def test_schemathesis_finds_no_5xx_and_no_schema_violation(live_server, tmp_path):
    call_command("seed_demo", "--scale", "small", stdout=open(os.devnull, "w"))
    org = Organization.objects.get(slug="demo")
    admin = User.objects.get(email="admin@demo.podium")
    _, raw = api_token_create(organization=org, actor=admin, name="schemathesis")

    api_requests = 0

    def count(sender, environ, **kwargs):
        nonlocal api_requests
        if environ.get("PATH_INFO", "").startswith("/api/v1/o/"):
            api_requests += 1

    request_started.connect(count, weak=False)
    try:
        cmd = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(CONFIG),
            "run",
            f"{live_server.url}/api/v1/schema/?format=json",
            "--header",
            f"Authorization: Bearer {raw}",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"),
            "--seed",
            os.environ.get("SCHEMATHESIS_SEED", "20261128"),
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
            # Webhook endpoints deliver to the URLs they are given (tasks run eagerly in tests):
            # a fuzzer must not make the app send requests to made-up hosts.
            "--exclude-path-regex",
            "/webhooks/",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    finally:
        request_started.disconnect(count)
    # The failures come first and the summary last; between them schemathesis prints warnings
    # that can run to tens of kilobytes, so keep both ends, with long generated values folded.
    out = "\n".join(line if len(line) <= 400 else line[:400] + " …" for line in done.stdout.splitlines())
    artifacts = Path(os.environ.get("PODIUM_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "schemathesis.txt").write_text(done.stdout + done.stderr)
    start = out.find("FAILURES")
    head = out[start:start + 30000] if start >= 0 else ""
    report = head + "\n…\n" + out[-6000:] + done.stderr[-4000:]
    print(report)
    print(f"schemathesis: {api_requests} API requests")
    assert done.returncode == 0, report
    assert api_requests >= MIN_REQUESTS, f"only {api_requests} requests\n{report}"
