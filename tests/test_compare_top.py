"""`brief compare` readable at any scale: a table shows the actors with positions in the most briefs (--top N, all;
25 by default), says how many more there are and how to see them, while --long, csv and json keep every actor;
a folded cell's note is the period's latest change with a count of the earlier ones; the index's fast path caps
and notes as the comparison of parsed briefs does, on small random collections and on a realistic corpus."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from brief.analysis.grids import Grid, cell_text, timeline_grid
from brief.analysis.periods import PERIODS, By
from brief.analysis.positions import BriefRecord, compare
from brief.analysis.timeline import index_timeline
from conftest import DATA, ROOT, bench_corpus, run
from test_compare_periods import _random_collection, _view

COMPARE = DATA / "compare"
SEED = str(ROOT / "examples" / "2021-09-mali-wagner.md")
MORE = "--top N or --top all shows them, --actor ID picks one."
LEGEND = (
    "++ strongly supports, + supports, (+) leans supports, 0 neutral, (-) leans opposes,\n"
    "- opposes, -- strongly opposes, ? unknown, blank: no position; * inferred (else stated);\n"
    "L/M/H low/moderate/high confidence; totals: N+ support, N- oppose, N? unknown (any level).\n"
)


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def in_compare(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(COMPARE)
    return COMPARE


# -- the cap, on the small timeline ------------------------------------------------------------------------------


def test_top_caps_the_table_and_says_how_many_more(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "2")
    assert result.exit_code == 0
    # France and the Malian government hold positions in three briefs each; Russia and Wagner in one
    assert result.stdout == (
        "partnership: A Mali–Wagner security partnership\n"
        "\n"
        "actor                           2021        2022\n"
        "------------------------------  ----------  ----------\n"
        "France                          → -- H [1]  -- H\n"
        "Malian transitional government  +* H        → ++ H [2]\n"
        "totals                          1+ 1- 0?    1+ 1- 0?\n"
        "\n"
        f"Shown: the 2 actors with positions in the most briefs; 2 more actors: {MORE}\n"
        + LEGEND
        + "By year: each cell is the actor's latest stance in the year.\n"
        "→ changed during the year, or since the stance before; [n] see note n.\n"
        "[1] France, 2021-12-27 deployment-2021-12: Hardened once the deployment began.\n"
        "[2] Malian transitional government, 2022-02-21 withdrawal-2022-02: Now said openly.\n"
    )


def test_ties_at_the_cut_go_to_the_first_to_appear(in_compare: Path) -> None:
    # Russia and Wagner each hold one position: Russia's brief (2021-09) comes first
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "3")
    rows = [line.split("  ")[0] for line in result.stdout.split("\n\n")[1].splitlines()[2:]]
    assert rows == ["France", "Malian transitional government", "Russia", "totals"]
    assert f"Shown: the 3 actors with positions in the most briefs; 1 more actor: {MORE}\n" in result.stdout
    one = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "1").stdout
    assert f"Shown: the actor with positions in the most briefs; 3 more actors: {MORE}\n" in one


def test_the_cap_keeps_the_sort(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "3", "--sort", "name")
    rows = [line.split("  ")[0] for line in result.stdout.split("\n\n")[1].splitlines()[2:]]
    assert rows == ["France", "Malian transitional government", "Russia", "totals"]
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "3", "--sort", "stance")
    rows = [line.split("  ")[0] for line in result.stdout.split("\n\n")[1].splitlines()[2:]]
    assert rows == ["Malian transitional government", "Russia", "France", "totals"]  # latest stance: ++, (+), --


@pytest.mark.parametrize("every", ["all", "ALL", "0", "4", "25"])
def test_top_all_shows_every_actor(in_compare: Path, every: str) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", every)
    assert result.exit_code == 0
    assert "more actor" not in result.stdout
    assert result.stdout == run("compare", "--issue", "partnership", "timeline", "--by", "year").stdout


@pytest.mark.parametrize("value", ["many", "-1", "2.5", ""])
def test_top_must_be_a_number_or_all(in_compare: Path, value: str) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--top", value)
    assert result.exit_code == 2
    assert "is not a number of actors or 'all'" in result.stderr
    assert "Traceback" not in result.stderr


def test_actors_named_are_shown_whatever_the_cap(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--top", "1", "--actor", "russia",
                 "--actor", "wagner")  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.split("\n\n")[1].splitlines()[2:] == [
        "Russia   (+)* L", "Wagner             +* L", "totals   1+ 0- 0?  1+ 0- 0?",
    ]  # fmt: skip
    assert "more actor" not in result.stdout


def test_one_brief_caps_its_grid_too() -> None:
    result = run("compare", SEED, "--top", "2")
    assert result.exit_code == 0
    table = result.stdout.split("\n\n")[1].splitlines()
    # the Malian government and France take positions on three issues each, the others on one
    assert [line.split("  ")[0] for line in table[2:]] == ["Malian transitional government", "France", "totals"]
    assert f"Shown: the 2 actors with positions in the most briefs; 4 more actors: {MORE}\n" in result.stdout
    assert "more actor" not in run("compare", SEED).stdout


# -- the default: 25 in a table, every actor in --long, csv and json ---------------------------------------------


def _write(folder: Path, ident: str, date: str, positions: list[tuple[str, str, str | None]]) -> None:
    """A brief on issue x; positions as (actor, stance, change or None)."""
    actors = list(dict.fromkeys(actor for actor, _, _ in positions))
    data: dict[str, Any] = {
        "schema_version": "1.0", "id": ident, "title": f"Brief {ident}", "date": date, "language": "en",
        "actors": [{"id": actor, "name": actor.upper(), "kind": "state"} for actor in actors],
        "issues": [{"id": "x", "statement": "X"}],
        "positions": [{"actor": actor, "issue": "x", "stance": stance, **({"change": change} if change else {})}
                      for actor, stance, change in positions],
    }  # fmt: skip
    (folder / f"{ident}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def thirty(tmp_path: Path) -> Path:
    """Thirty actors: a01 in one brief, a02 in two, … a30 in thirty (b01 holds them all, in that order)."""
    folder = tmp_path / "thirty"
    folder.mkdir()
    for n in range(1, 31):
        held = [(f"a{k:02d}", "supports" if (n + k) % 3 else "opposes", None) for k in range(1, 31) if k >= n]
        _write(folder, f"b{n:02d}", f"20{n:02d}-06-15", held)
    return folder


def test_a_table_shows_25_actors_by_default(thirty: Path) -> None:
    result = run("compare", "--issue", "x", str(thirty), "--by", "year")
    assert result.exit_code == 0
    rows = [line.split()[0] for line in result.stdout.split("\n\n")[1].splitlines()[2:-1]]
    assert rows == [f"A{k:02d}" for k in range(6, 31)]  # in the order they appear (their place in b01)
    assert f"Shown: the 25 actors with positions in the most briefs; 5 more actors: {MORE}\n" in result.stdout
    every = run("compare", "--issue", "x", str(thirty), "--by", "year", "--top", "all").stdout
    assert [line.split()[0] for line in every.split("\n\n")[1].splitlines()[2:-1]] == [
        f"A{k:02d}" for k in range(1, 31)
    ]
    markdown = run("compare", "--issue", "x", str(thirty), "--by", "year", "--format", "markdown").stdout
    assert markdown.count("\n| A") == 25 and "5 more actors" in markdown


def test_long_csv_and_json_keep_every_actor(thirty: Path) -> None:
    document = json.loads(run("compare", "--issue", "x", str(thirty), "--format", "json").stdout)
    assert len(document["actors"]) == 30 and "more_actors" not in document
    assert len(document["positions"]) == sum(range(1, 31))  # by brief (30 briefs): every position
    rows = list(csv.DictReader(io.StringIO(run("compare", "--issue", "x", str(thirty), "--by", "year",
                                               "--format", "csv").stdout)))  # fmt: skip
    assert len({row["actor"] for row in rows}) == 30
    long = run("compare", "--issue", "x", str(thirty), "--long", "--tablefmt", "github").stdout
    assert len({line.split("|")[1].strip() for line in long.splitlines() if line.startswith("| A")}) == 30
    # an explicit --top applies to them too, and json says how many were left out
    document = json.loads(run("compare", "--issue", "x", str(thirty), "--by", "year", "--format", "json",
                              "--top", "3").stdout)  # fmt: skip
    assert [actor["id"] for actor in document["actors"]] == ["a28", "a29", "a30"]
    assert document["more_actors"] == 27


# -- notes: the latest change of a period, and how many came before ----------------------------------------------


def test_a_note_explains_the_latest_change_and_counts_the_earlier(tmp_path: Path) -> None:
    folder = tmp_path / "changes"
    folder.mkdir()
    _write(folder, "a", "2021-01-10", [("fr", "supports", None)])
    _write(folder, "b", "2021-02-10", [("fr", "opposes", "Turned against it.")])
    _write(folder, "c", "2021-03-10", [("fr", "neutral", "Stepped back.")])
    _write(folder, "d", "2021-04-10", [("fr", "supports", "Came back round.")])
    _write(folder, "e", "2022-04-10", [("fr", "opposes", "Turned again.")])
    result = run("compare", "--issue", "x", str(folder), "--by", "year")
    assert result.stdout.split("\n\n")[1].splitlines()[2] == "FR       → + [1]   → - [2]"
    assert result.stdout.endswith(
        "[1] FR, 2021-04-10 d: Came back round. (Latest of 3 changes in 2021.)\n"
        "[2] FR, 2022-04-10 e: Turned again.\n"
    )
    document = json.loads(run("compare", "--issue", "x", str(folder), "--by", "year", "--format", "json").stdout)
    assert [c["brief"] for c in document["positions"][0]["changes"]] == ["b", "c", "d"]  # json lists them all
    text = run("compare", "--issue", "x", str(folder), "--by", "year", "--format", "csv").stdout
    assert next(iter(csv.DictReader(io.StringIO(text))))["changes"] == (
        "2021-02-10 b: Turned against it.; 2021-03-10 c: Stepped back.; 2021-04-10 d: Came back round."
    )
    # by brief, each brief's change is its own note, as ever
    assert "[3] FR, 2021-04-10 d: Came back round.\n" in run("compare", "--issue", "x", str(folder)).stdout


def test_the_latest_change_of_a_day_goes_by_brief_id(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    folder.mkdir()
    _write(folder, "b-2", "2021-06-30", [("fr", "opposes", "Second.")])
    _write(folder, "b-1", "2021-06-30", [("fr", "supports", "First.")])
    result = run("compare", "--issue", "x", str(folder), "--by", "year")
    assert result.stdout.endswith("[1] FR, 2021-06-30 b-2: Second. (Latest of 2 changes in 2021.)\n")


# -- the index caps as the comparison of parsed briefs does ------------------------------------------------------


def _capped(grid: Grid) -> tuple[Any, ...]:
    changes = [[[(c.brief, c.date, c.text) for c in cell.changes or ()] if cell else None for cell in row.cells]
               for row in grid.rows]  # fmt: skip
    notes = [(note.kind, note.actor, note.column, note.text, note.earlier, note.period) for note in grid.notes]
    return (*_view(grid), grid.hidden, notes, changes)


@pytest.mark.parametrize(("seed", "invalid"), [*((seed, False) for seed in range(8)), *((s, True) for s in range(4))])
def test_the_index_caps_as_parsed_briefs_do(tmp_path: Path, seed: int, invalid: bool) -> None:
    from brief.cli.common import open_collection
    from brief.query.filters import Filters
    from brief.query.positions import IssueTimeline

    folder = tmp_path / "briefs"
    folder.mkdir()
    records = _random_collection(folder, random.Random(seed), invalid)
    comparison = compare(records, issues=["x"])
    db = open_collection((str(folder),), False).connection()
    for by in PERIODS[1:]:
        for top in (1, 2, 3, None):
            expected = timeline_grid(comparison, "x", None, by, top)
            _, grid = index_timeline(IssueTimeline(db, "x", Filters()), "x", by, None, top=top, details=True)
            assert _capped(grid) == _capped(expected), (by, top)


# -- a realistic corpus: the fast path (no invalid brief) against parsed briefs ----------------------------------


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BriefRecord]]:
    """150 rich briefs (bench/corpus.py): Zipf-ranked actors, many in a handful of briefs, a few in most."""
    with bench_corpus() as module:
        out = tmp_path_factory.mktemp("rich")
        stats = module.generate(out, 150, seed=11, formats="yaml,json,md", corpus="rich")
        records = []
        for path in stats.files:
            data = module.load_file(path)
            records.append(BriefRecord(data["id"], data["date"], str(path), data))
    return out, records


@pytest.mark.parametrize("by", ["month", "quarter", "year"])
def test_a_rich_corpus_caps_and_notes_as_parsed_briefs_do(rich: tuple[Path, list[BriefRecord]], by: By) -> None:
    from brief.cli.common import open_collection
    from brief.query.filters import Filters
    from brief.query.positions import IssueTimeline

    folder, records = rich
    comparison = compare(records, issues=["mali-wagner-partnership"])
    db = open_collection((str(folder),), False).connection()
    source = IssueTimeline(db, "mali-wagner-partnership", Filters())
    assert source.regular()  # valid briefs: the path that reads only the tracks shown
    for top in (25, 5, None):
        expected = timeline_grid(comparison, "mali-wagner-partnership", None, by, top)
        _, grid = index_timeline(source, "mali-wagner-partnership", by, None, top=top, details=True)
        assert _capped(grid) == _capped(expected), top
        _, table = index_timeline(source, "mali-wagner-partnership", by, "stance", top=top)
        assert [cell_text(cell) for row in table.rows for cell in row.cells] == [
            cell_text(cell) for row in timeline_grid(comparison, "mali-wagner-partnership", "stance", by, top).rows
            for cell in row.cells
        ]  # fmt: skip


def test_a_rich_corpus_table(rich: tuple[Path, list[BriefRecord]], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = rich
    monkeypatch.chdir(folder)
    every = json.loads(run("compare", "--issue", "mali-wagner-partnership", "--format", "json").stdout)
    assert len(every["actors"]) > 25
    result = run("compare", "--issue", "mali-wagner-partnership")
    assert result.exit_code == 0
    table = result.stdout.split("\n\n")[1].splitlines()
    assert len(table) == 2 + 25 + 1  # header, rule, 25 actors, totals
    more = len(every["actors"]) - 25
    assert f"Shown: the 25 actors with positions in the most briefs; {more} more actors: {MORE}\n" in result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("[")]
    cells = sum(cell.count("[") for line in table[2:-1] for cell in line.split("  "))
    assert len(notes) == cells  # a note per cell at most: the latest change of its period
