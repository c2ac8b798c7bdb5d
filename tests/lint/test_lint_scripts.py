"""The architecture lint scripts flag what they exist to flag (and pass on today's code)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "view_with_table_access.py"


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "lint" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_table_access_in_a_view_is_flagged():
    data_access = _load("data_access")
    found = list(data_access.violations(FIXTURE, "pods/views/fixture.py"))
    messages = [m for _line, m in found]
    assert any("`.objects`" in m for m in messages)
    assert any("`.unscoped`" in m for m in messages)
    assert any("raw SQL" in m for m in messages)
    assert any("`.for_org`" in m for m in messages)  # on a queryset handed in, not only `.objects`
    assert len(found) == 4  # `Pod.objects.none()` reads nothing and is allowed


def test_the_same_code_is_allowed_in_a_selector_but_unscoped_needs_a_reason():
    data_access = _load("data_access")
    found = list(data_access.violations(FIXTURE, "pods/selectors.py"))
    assert [m for _line, m in found] == ["`.unscoped` needs a `# unscoped: <reason>` comment"]


def test_todays_code_passes_the_data_access_rule(capsys: pytest.CaptureFixture[str]):
    assert _load("data_access").main([]) == 0


def test_cycles_are_found():
    cycles = _load("cycles")
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles.strongly_connected(graph) == [["a", "b", "c"]]
    assert cycles.strongly_connected({"a": {"b"}, "b": set()}) == []


def test_todays_code_has_no_import_cycles():
    cycles = _load("cycles")
    found = cycles.cycles(["tenancy", "integrations", "pods", "governance", "knowledge", "demo"])
    assert [c for c in found if tuple(c) not in cycles.KNOWN] == []


HAND_POST = Path(__file__).parent / "fixtures" / "view_with_hand_post.py"


def test_a_hand_written_post_in_a_view_is_flagged_and_a_get_filter_is_not():
    forms = _load("forms")
    found = list(forms.violations(HAND_POST, "pods/views/fixture.py"))
    lines = sorted(line for line, _m in found)
    source = HAND_POST.read_text().splitlines()
    assert lines == [i for i, text in enumerate(source, start=1) if "# flagged" in text]
    assert list(forms.violations(HAND_POST, "pods/services.py")) == []  # only view modules


def test_todays_pages_handle_every_post_form_through_form_submit():
    assert _load("forms").main([]) == 0


BADLY_NAMED = Path(__file__).parent / "fixtures" / "selectors_badly_named.py"


def test_a_service_or_selector_not_named_entity_verb_is_flagged():
    names = _load("names")
    found = list(names.violations(BADLY_NAMED, "pods/selectors.py"))
    source = BADLY_NAMED.read_text().splitlines()
    assert sorted(line for line, _m in found) == [
        i for i, text in enumerate(source, start=1) if "# flagged" in text]
    assert list(names.violations(BADLY_NAMED, "pods/views/fixture.py")) == []  # only the data layer


def test_todays_names_pass_and_every_allowed_name_still_exists():
    names = _load("names")
    assert names.main([]) == 0
    for entry in names.ALLOWED:  # the allow-list only shrinks: a renamed function leaves it
        path, name = entry.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(), entry
