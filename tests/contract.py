"""What the contract tests share: the folder their command lines run in."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, ROOT


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
