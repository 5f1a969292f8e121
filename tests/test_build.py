"""`brief --version` tells which freshness check runs, C or Python: pip shows no build output without -v."""

from __future__ import annotations

from brief import __version__
from brief.collection.freshness import native_stat_folder
from conftest import run_process


def _version_line(check: str) -> bytes:
    return f"brief {__version__} (freshness check: {check})\n".encode()


def test_version_names_the_freshness_check() -> None:
    expected = "Python" if native_stat_folder() is None else "C"
    assert run_process("--version").stdout == _version_line(expected)
    assert run_process("-V", env={"BRIEF_NO_EXTENSION": "1"}).stdout == _version_line("Python")
