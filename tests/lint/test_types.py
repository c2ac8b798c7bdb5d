"""The type check that `make lint` runs is strict where pyproject.toml says, for apps not written yet.

`make lint` runs mypy over the whole repository (CI fails on any error). These tests pin the part
of the configuration that a green run cannot show: that the strict layers are matched by pattern,
so the services of an app that lands tomorrow are checked as strictly as today's.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

UNTYPED = textwrap.dedent(
    """
    def thing_create(*, organization, name):
        return name
    """
)


def _mypy(*files: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    return result.stdout + result.stderr


@pytest.fixture
def new_app(tmp_path: Path) -> Path:
    """An app that does not exist yet: `newapp/` with the same untyped function in each layer."""
    app = tmp_path / "newapp"
    (app / "services").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "services" / "__init__.py").write_text("")
    for name in ("selectors.py", "tasks.py", "models.py", "services/things.py", "views.py", "forms.py"):
        (app / name).write_text(UNTYPED)
    return app


def test_a_new_apps_services_selectors_models_and_tasks_are_strict_and_its_views_are_not(new_app: Path):
    out = _mypy(*sorted(new_app.rglob("*.py")))
    flagged = {line.split(":")[0].replace("\\", "/").split("newapp/")[-1]
               for line in out.splitlines() if "[no-untyped-def]" in line}
    assert flagged == {"selectors.py", "tasks.py", "models.py", "services/things.py"}, out


def test_views_see_a_signed_in_user_through_the_typed_request(tmp_path: Path):
    """`request.user` of an OrgRequest is a User (no casts in handlers); of a bare HttpRequest
    it may be anonymous, which mypy refuses where a service needs an actor."""
    app = tmp_path / "typedviews"
    app.mkdir()
    (app / "__init__.py").write_text("")
    source = textwrap.dedent(
        """
        from django.http import HttpRequest

        from tenancy.http import OrgRequest
        from tenancy.models import User


        def actor_of(user: User) -> str:
            return user.email


        def fine(request: OrgRequest) -> str:
            return actor_of(request.user) + request.organization.slug


        def refused(request: HttpRequest) -> str:
            return actor_of(request.user)
        """
    )
    (app / "views.py").write_text(source)
    refused_line = source.splitlines().index("def refused(request: HttpRequest) -> str:") + 2
    out = _mypy(app / "views.py")
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "AnonymousUser" in errors[0], out
    assert f"views.py:{refused_line}:" in errors[0], out


def test_every_selectors_or_services_module_named_by_concept_is_in_the_strict_list():
    """`*.selectors` does not match `overview_selectors`: such modules must be listed by name."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    strict = next(o for o in config["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs"))
    listed = set(strict["module"])
    skip = {".venv", "node_modules", "tests", "typings"}
    found = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for pattern in ("*_selectors.py", "*_services.py")
        for path in ROOT.rglob(pattern)
        if not skip & set(path.relative_to(ROOT).parts)
    }
    assert found, "no module named by concept found: the walk is broken"
    assert found <= listed, f"not strict: {sorted(found - listed)}"
