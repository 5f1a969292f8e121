"""Finding the configuration, and the cache of parsed configuration files that spares commands the TOML parser."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from brief.base.errors import ConfigError
from brief.collection import config
from brief.collection.config import CONFIG_CACHE, collection, find_config


def _old(path: Path) -> None:
    """Older than the racy window, as a configuration file usually is."""
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


def _no_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str) -> dict[str, object]:
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr(config, "_read_toml", refuse)


def test_a_parsed_configuration_is_remembered(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["briefs"]\nexclude = ["drafts/*"]\n', encoding="utf-8")
    _old(tmp_path / "brief.toml")
    (tmp_path / "briefs").mkdir()
    first = collection(start=tmp_path)
    assert (private_cache / CONFIG_CACHE).is_file()
    _no_toml(monkeypatch)
    second = collection(start=tmp_path)
    assert (second.paths, second.exclude) == (first.paths, first.exclude) == ([str(tmp_path / "briefs")], ["drafts/*"])


def test_an_edit_is_seen(tmp_path: Path) -> None:
    toml = tmp_path / "brief.toml"
    toml.write_text('paths = ["a"]\n', encoding="utf-8")
    _old(toml)
    assert collection(start=tmp_path).paths == [str(tmp_path / "a")]
    toml.write_text('paths = ["b"]\n', encoding="utf-8")  # same size, new time
    _old(toml)
    os.utime(toml, ns=(1_600_000_000_000_000_001, 1_600_000_000_000_000_001))
    assert collection(start=tmp_path).paths == [str(tmp_path / "b")]


def test_a_just_written_configuration_is_not_remembered(tmp_path: Path, private_cache: Path) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["a"]\n', encoding="utf-8")  # mtime: now
    collection(start=tmp_path)
    assert not (private_cache / CONFIG_CACHE).exists()  # an edit within the same tick could go unseen


def test_a_pyproject_without_a_brief_table_is_remembered_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["top"]\n', encoding="utf-8")
    inner = tmp_path / "project"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\nversion = 1979-05-27\n', encoding="utf-8")
    for path in (tmp_path / "brief.toml", inner / "pyproject.toml"):
        _old(path)
    assert find_config(str(inner)) == (str(tmp_path / "brief.toml"), {"paths": ["top"]})
    _no_toml(monkeypatch)  # the TOML date in the other table does not stop it being remembered
    assert find_config(str(inner)) == (str(tmp_path / "brief.toml"), {"paths": ["top"]})


def test_a_damaged_or_unwritable_cache_is_ignored(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["a"]\n', encoding="utf-8")
    _old(tmp_path / "brief.toml")
    (private_cache / CONFIG_CACHE).write_text("{not json", encoding="utf-8")
    assert collection(start=tmp_path).paths == [str(tmp_path / "a")]
    assert json.loads((private_cache / CONFIG_CACHE).read_text(encoding="utf-8"))  # rewritten
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path / "brief.toml" / "cannot-be-a-folder"))
    assert collection(start=tmp_path).paths == [str(tmp_path / "a")]


def test_bad_toml_is_a_configuration_error_every_time(tmp_path: Path) -> None:
    (tmp_path / "brief.toml").write_text("paths = [\n", encoding="utf-8")
    _old(tmp_path / "brief.toml")
    for _ in range(2):
        with pytest.raises(ConfigError, match="cannot read configuration"):
            collection(start=tmp_path)
