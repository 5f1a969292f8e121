"""What the contract tests share: the folder their command lines run in."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_process


def make_workspace(folder: Path) -> Path:
    """examples/ (the collection, by brief.toml), collection/ (one invalid brief), invalid/, compare/, seed.txt
    (an article to import) and an empty out/: what the command lines of tests/data/contract/ name."""
    shutil.copytree(ROOT / "examples", folder / "examples")
    for name in ("collection", "invalid", "compare"):
        shutil.copytree(DATA / name, folder / name)
    shutil.copytree(DATA / "contract" / "hostile", folder / "hostile")
    shutil.copy(DATA / "import" / "seed.txt", folder / "seed.txt")
    (folder / "brief.toml").write_text('paths = ["examples/"]\n', encoding="utf-8")
    (folder / "out").mkdir()
    return folder


def read_cases(path: Path) -> list[tuple[str, list[str]]]:
    """(first word, the shell words after it) for each line that is not blank or a comment."""
    import shlex

    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, _, rest = line.partition(" ")
            cases.append((first, shlex.split(rest)))
    return cases


PLACES = ("{dsn}", "{synced}")


def fill(args: list[str], request: pytest.FixtureRequest, workspace: Path) -> list[str]:
    """The command line with its placeholders filled: {dsn}, a new and empty PostgreSQL database; {synced}, one
    that `brief sync` has written examples/ into. The server is real (tests/pgserver.py), asked for only by the
    lines that need it."""
    wanted = [place for place in PLACES if any(place in arg for arg in args)]
    if not wanted:
        return args
    from pgserver import new_database

    server = request.getfixturevalue("pg_server")
    stack = contextlib.ExitStack()
    request.addfinalizer(stack.close)
    values = {place: stack.enter_context(new_database(server)) for place in wanted}
    if "{synced}" in values:
        synced = run_process("sync", values["{synced}"], "examples/", cwd=workspace)
        assert synced.returncode == 0, synced.stderr
    filled = []
    for arg in args:
        for place, value in values.items():
            arg = arg.replace(place, value)
        filled.append(arg)
    return filled
