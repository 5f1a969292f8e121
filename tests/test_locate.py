"""Positions of problems: JSON paths to line:col, the last of repeated keys, and linear time on huge mappings."""

from __future__ import annotations

from pathlib import Path

from brief.format.locate import Locator
from brief.format.source import Source
from conftest import run_process


def test_paths_reach_values_keys_and_list_items() -> None:
    locator = Locator(Source("t.yaml", "yaml", "a:\n  b: [x, y]\n  c: 1\n"))
    assert locator.locate(["a", "b", 1]) == (2, 10, "y")
    assert locator.locate(["a", "c"], key_only=True) == (3, 3, "c")
    assert locator.locate(["a", "missing"])[:2] == (2, 3)  # the nearest enclosing node


def test_a_repeated_key_is_located_at_its_last_occurrence() -> None:
    locator = Locator(Source("t.yaml", "yaml", "a: 1\nb: 2\na: 3\n"))
    assert locator.locate(["a"]) == (3, 4, "3")


def test_front_matter_lines_are_counted() -> None:
    locator = Locator(Source("t.md", "markdown", "a: 1\n", line_offset=1))
    assert locator.locate(["a"]) == (2, 4, "1")


def test_each_mapping_is_indexed_once() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(2000))
    locator = Locator(Source("t.yaml", "yaml", text))
    assert [locator.locate([f"k{i}"])[0] for i in range(0, 2000, 100)] == list(range(1, 2001, 100))
    assert len(locator._keys) == 1


def test_thousands_of_unknown_tagged_keys_finish_quickly(tmp_path: Path) -> None:
    # a guard, not a benchmark: locating each key by scanning the mapping took half a minute here
    path = tmp_path / "many.yaml"
    path.write_text("".join(f"k{i}: !t v\n" for i in range(20_000)), encoding="utf-8")
    result = run_process("validate", str(path), timeout=30)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines()[-1] == "Checked 1 file: 1 invalid, 40005 errors."
