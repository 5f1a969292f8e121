from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from brief.cli.app import cli

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def run(*args: str, input: str | bytes | None = None) -> Result:
    """Run the CLI in-process, as a user would type it (no colour: output is not a terminal). The current
    folder is restored afterwards: `-C DIR` changes it for the whole process, as it should for a command."""
    before = os.getcwd()
    try:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(before)


@contextlib.contextmanager
def bench_corpus() -> Iterator[ModuleType]:
    """bench/corpus.py, the benchmark corpus generator, loaded as a module while the block runs (its dataclasses
    look their module up in sys.modules)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_corpus", None)


def run_process(
    *args: str,
    cwd: Path | None = None,
    input: bytes | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `brief` console script in a separate process (end to end)."""
    exe = Path(sys.executable).with_name("brief")
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [str(exe), *args], cwd=cwd, input=input, capture_output=True, timeout=timeout, env=full_env, check=False
    )  # type: ignore[call-overload]


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(DATA)
    return DATA


COLLECTION = DATA / "collection"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own index cache: tests never share or touch the user's cache."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(cache))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return cache


@pytest.fixture
def collection_copy(tmp_path: Path) -> Path:
    """A private copy of data/collection that a test may change."""
    import shutil

    target = tmp_path / "briefs"
    shutil.copytree(COLLECTION, target)
    return target
