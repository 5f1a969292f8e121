"""What brief writes goes where the user said, never through a path taken from a brief's or an article's content.
(Escaping of each output medium is tested with its command: test_graph, test_report, test_export, test_show; a
remote `$ref` in test_schema; alias bombs and deep nesting in test_loading and tests/data/invalid.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run

TITLES = ["../../../../escaped", "/etc/passwd", "..\\..\\windows", "a/../../b", "~/.ssh/authorized_keys", "\x00nul"]


@pytest.mark.parametrize("title", TITLES)
def test_an_article_title_never_becomes_a_path(tmp_path: Path, title: str) -> None:
    article = tmp_path / "in" / "article.md"
    article.parent.mkdir()
    body = "Mali and Wagner: the transitional government in Bamako turned to Russian instructors as France left. " * 3
    article.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    out = tmp_path / "in" / "drafts"
    result = run("import", str(article), "-o", str(out), "--no-link", "--date", "2024-01-02")
    assert result.exit_code in (0, 1), result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != article]
    assert all(p.parent == out for p in written), written
    assert written or result.exit_code == 1  # an article with a NUL byte is refused as binary


@pytest.mark.parametrize("title", TITLES)
def test_a_new_brief_title_never_becomes_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str) -> None:
    folder = tmp_path / "collection"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run("new", "--title", title, "--date", "2024-01-02")
    assert result.exit_code in (0, 2), result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.parent == folder for p in written), written
