"""The embedded default database survives a `make demo` that was stopped mid-write."""

from __future__ import annotations

from pathlib import Path

from config.embedded_db import repair_handle_list


def test_an_emptied_handle_list_is_removed_so_the_server_starts(tmp_path: Path) -> None:
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")  # what a process killed during the wheel's write_text leaves
    assert repair_handle_list(tmp_path) is True
    assert not handles.exists()


def test_a_readable_or_absent_handle_list_is_left_alone(tmp_path: Path) -> None:
    assert repair_handle_list(tmp_path) is False
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("[123, 456]")
    assert repair_handle_list(tmp_path) is False
    assert handles.read_text() == "[123, 456]"
