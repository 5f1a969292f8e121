"""The layout keeps its promises (docs/architecture.md): dependencies point one way, no import cycles, SQL only
in the index and query layers, and the helpers that must agree do."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT

PACKAGE = ROOT / "src" / "brief"
# A module may import its own part and the parts below it (lower rank), never above or beside.
RANKS = {"base": 0, "format": 1, "collection": 2, "query": 3, "analysis": 3, "render": 4, "authoring": 4, "export": 4,
         "remote": 4, "cli": 5}
# remote/ writes the PostgreSQL mirror (`brief sync`): its schema and its COPY are SQL by nature
SQL_PARTS = {"collection", "query", "remote"}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|CREATE\s+(TEMP\s+)?(TABLE|INDEX)|DELETE\s+FROM)\b")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    """Every brief module `path` imports, at the top or inside a function (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("brief"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("brief"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    known = modules()
    return {name for name in names if name in known}


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 and pieces[1] in RANKS else "top"  # brief, brief.__main__: entry points


GRAPH = {name: imports(path) for name, path in modules().items()}


def test_every_module_belongs_to_a_part() -> None:
    loose = [name for name in GRAPH if part(name) not in RANKS and name not in ("brief", "brief.__main__", "brief.api")]
    assert loose == [], "put these in a folder named in docs/architecture.md"


@pytest.mark.parametrize("module", sorted(name for name in GRAPH if part(name) in RANKS))
def test_dependencies_point_one_way(module: str) -> None:
    mine = part(module)
    wrong = sorted(
        target for target in GRAPH[module]
        if part(target) in RANKS and part(target) != mine and RANKS[part(target)] >= RANKS[mine]
    )  # fmt: skip
    assert wrong == [], f"{module} ({mine}) may not import {wrong}"


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    cycles: list[list[str]] = []

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    # a package's __init__ is imported with its modules, not a cycle of code
    real = [cycle for cycle in cycles if not any(len(m.split(".")) == 2 and m != "brief.__main__" for m in cycle)]
    assert real == []


@pytest.mark.parametrize("module", sorted(name for name in GRAPH if part(name) not in SQL_PARTS))
def test_no_sql_outside_the_index_and_query_layers(module: str) -> None:
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert [s for s in strings if SQL.search(s)] == []


def test_the_test_would_see_sql_and_cycles() -> None:
    assert SQL.search("SELECT id FROM briefs") and SQL.search("INSERT OR IGNORE INTO x")
    assert not SQL.search("Select the briefs from a collection")


# The accent fold of filters and the index's FTS5 tokenizer must agree on what matches what.
WORDS = ["Maïga", "MAÏGA", "Côte", "Goïta", "Sénégal", "Ségou", "Kidal", "Tombouctou", "Ménaka", "Niño", "Gao",
         "Assimi", "Ouédraogo", "Bamakó", "São", "Zürich", "Ålesund", "Łódź", "Ærø", "Île", "Ñandú", "Çatalca",
         "Ğazi", "ĺtest", "Ōsaka", "Ūnited"]  # fmt: skip


def test_accent_fold_agrees_with_the_tokenizer() -> None:
    from brief.base.text import fold
    from brief.collection.tables import TOKENIZER

    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(w, tokenize='{TOKENIZER}')")
    db.executemany("INSERT INTO t(rowid, w) VALUES (?, ?)", enumerate(WORDS))
    for word in WORDS:
        query = '"' + fold(word).replace('"', '""') + '"'
        found = {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,))}
        same_fold = {i for i, other in enumerate(WORDS) if fold(other) == fold(word)}
        assert found == same_fold, f"{word!r} folds to {fold(word)!r}; the index matches {found}"


def test_every_full_text_column_has_a_ranking_weight() -> None:
    from brief.collection.tables import FTS_COLUMNS
    from brief.query.ranking import WEIGHTS

    assert tuple(WEIGHTS) == FTS_COLUMNS


def test_the_architecture_document_lists_every_module() -> None:
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for name, path in modules().items():
        if path.name == "__init__.py" or name in ("brief.__main__",):
            continue
        listed = f"── {path.name}" in document or (path.name.endswith("_cmd.py") and "*_cmd.py" in document)
        if not listed:
            missing.append(name)
    assert missing == [], "describe these in docs/architecture.md"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_the_fold_is_its_definition(text: str) -> None:
    """fold() skips the ASCII runs for speed; the result is the definition's: NFKD, no combining marks, curly
    apostrophes straight, casefolded, whitespace collapsed."""
    import unicodedata

    from brief.base.text import fold

    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    assert fold(text) == " ".join(stripped.replace("’", "'").replace("‘", "'").casefold().split())
