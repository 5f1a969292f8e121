"""`brief compare --issue` over time, folded into periods (--by day, month, quarter, year): calendar boundaries, a
change within a period, briefs without a date, ties on a day, the automatic choice at 80 and 120 columns and
when not on a terminal, json and csv, and the index's fast path against the comparison of parsed briefs."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from brief.analysis.grids import Grid, cell_text, note_refs, timeline_grid
from brief.analysis.periods import PERIODS, UNDATED, By, calendar_date, column_counts, period_bounds, period_of
from brief.analysis.positions import BriefRecord, compare
from brief.analysis.timeline import index_timeline
from conftest import DATA, run

COMPARE = DATA / "compare"


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def in_compare(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(COMPARE)
    return COMPARE


# -- periods -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-31", True), ("2022-01-01", True), ("2024-02-29", True), ("2000-02-29", True),
        ("2023-02-29", False), ("1900-02-29", False), ("2021-13-01", False), ("2021-00-10", False),
        ("2021-04-31", False), ("2021-12-32", False), ("2021-09-28T10:00:00Z", True), ("2021-09-28 10:00", True),
        ("2021-09-281", False), ("2021-9-28", False), ("", False), ("sometime in 2021", False),
        ("２０２１-01-01", False),
    ],
)  # fmt: skip
def test_calendar_dates(text: str, expected: bool) -> None:
    assert calendar_date(text) is expected


@pytest.mark.parametrize(
    ("date", "by", "key"),
    [
        ("2021-12-31", "year", "2021"), ("2022-01-01", "year", "2022"),
        ("2021-12-31", "quarter", "2021-Q4"), ("2022-01-01", "quarter", "2022-Q1"),
        ("2021-03-31", "quarter", "2021-Q1"), ("2021-04-01", "quarter", "2021-Q2"),
        ("2021-06-30", "quarter", "2021-Q2"), ("2021-07-01", "quarter", "2021-Q3"),
        ("2021-09-30", "quarter", "2021-Q3"), ("2021-10-01", "quarter", "2021-Q4"),
        ("2021-12-31", "month", "2021-12"), ("2022-01-01", "month", "2022-01"),
        ("2024-02-29", "month", "2024-02"), ("2021-12-31", "day", "2021-12-31"),
        ("2021-09-28T23:59", "day", "2021-09-28"), ("2023-02-29", "year", UNDATED), ("", "month", UNDATED),
    ],
)  # fmt: skip
def test_period_of_at_the_edges(date: str, by: By, key: str) -> None:
    assert period_of(date, by) == key


def test_period_bounds() -> None:
    assert period_bounds("2021-Q4", "quarter") == ("2021-10-01", "2021-12-31")
    assert period_bounds("2021-Q1", "quarter") == ("2021-01-01", "2021-03-31")
    assert period_bounds("2024-02", "month") == ("2024-02-01", "2024-02-29")
    assert period_bounds("2023-02", "month") == ("2023-02-01", "2023-02-28")
    assert period_bounds("2021", "year") == ("2021-01-01", "2021-12-31")
    assert period_bounds("2021-09-28", "day") == ("2021-09-28", "2021-09-28")
    assert period_bounds(UNDATED, "year") is None


def test_column_counts() -> None:
    dates = {"2021-12-31": 2, "2022-01-01": 1, "2022-03-31": 1, "": 1}
    assert column_counts(dates) == {"brief": 5, "day": 4, "month": 4, "quarter": 3, "year": 3}
    assert column_counts({"2021-01-01": 3}) == {"brief": 3, "day": 1, "month": 1, "quarter": 1, "year": 1}


def test_note_refs() -> None:
    assert note_refs([1]) == "[1]"
    assert note_refs([1, 2]) == "[1][2]"
    assert note_refs([4, 5, 6, 7]) == "[4-7]"
    assert note_refs([1, 4, 5, 6, 9]) == "[1][4-6][9]"


# -- folding briefs parsed in memory -----------------------------------------------------------------------------


def _brief(ident: str, date: str, *positions: tuple[str, str] | tuple[str, str, str]) -> BriefRecord:
    """A brief on issue x: positions as (actor, stance) or (actor, stance, change)."""
    actors = list(dict.fromkeys(p[0] for p in positions))
    data: dict[str, Any] = {
        "id": ident,
        "actors": [{"id": actor, "name": actor.title()} for actor in actors],
        "issues": [{"id": "x", "statement": "X"}],
        "positions": [
            {"actor": p[0], "issue": "x", "stance": p[1], **({"change": p[2]} if len(p) > 2 else {})} for p in positions
        ],
    }
    if date:
        data["date"] = date
    return BriefRecord(ident, date, f"{ident}.yaml", data)


def _grid(by: By, *records: BriefRecord) -> Grid:
    return timeline_grid(compare(records, issues=["x"]), "x", by=by)


def _cells(grid: Grid) -> dict[str, list[str]]:
    return {row.actor.key: [cell_text(cell) for cell in row.cells] for row in grid.rows}


def test_a_year_boundary_splits_every_period() -> None:
    records = (_brief("a", "2021-12-31", ("fr", "supports")), _brief("b", "2022-01-01", ("fr", "opposes")))
    for by, labels in [("year", ["2021", "2022"]), ("quarter", ["2021-Q4", "2022-Q1"]),
                       ("month", ["2021-12", "2022-01"]), ("day", ["2021-12-31", "2022-01-01"])]:  # fmt: skip
        grid = _grid(by, *records)  # type: ignore[arg-type]
        assert [column.label for column in grid.columns] == labels
        assert _cells(grid) == {"fr": ["+", "→ -"]}


def test_the_end_of_a_quarter() -> None:
    records = (_brief("a", "2021-03-31", ("fr", "supports")), _brief("b", "2021-04-01", ("fr", "supports")))
    grid = _grid("quarter", *records)
    assert [column.label for column in grid.columns] == ["2021-Q1", "2021-Q2"]
    assert _cells(grid) == {"fr": ["+", "+"]}  # the same stance: no change
    assert [(p.key, p.start, p.end, p.count, p.briefs) for p in grid.periods] == [
        ("2021-Q1", "2021-01-01", "2021-03-31", 1, ("a",)), ("2021-Q2", "2021-04-01", "2021-06-30", 1, ("b",)),
    ]  # fmt: skip
    assert _cells(_grid("year", *records)) == {"fr": ["+"]}


def test_a_change_within_a_period_is_marked_and_explained() -> None:
    records = (
        _brief("a", "2021-01-10", ("fr", "supports"), ("ru", "supports")),
        _brief("b", "2021-02-10", ("fr", "opposes", "Turned against it."), ("ru", "supports")),
        _brief("c", "2021-03-10", ("fr", "supports", "Came back round."), ("ru", "supports")),
        _brief("d", "2021-04-10", ("fr", "supports"), ("ru", "supports")),
    )
    grid = _grid("quarter", *records)
    # France ends Q1 where it began, but it changed within the quarter; Russia never did. The note explains the
    # latest change, the one that led to the stance shown, and counts the earlier ones.
    assert _cells(grid) == {"fr": ["→ + [1]", "+"], "ru": ["+", "+"]}
    assert [(n.number, n.actor, n.column, n.text, n.brief, n.date, n.earlier, n.period) for n in grid.notes] == [
        (1, "Fr", "2021-03-10 c", "Came back round.", "c", "2021-03-10", 1, "2021-Q1"),
    ]  # fmt: skip
    first = grid.rows[0].cells[0]
    assert first is not None and first.count == 3 and first.positions[0].stance == "supports"
    assert first.changes is not None  # json and csv list every change of the period
    assert [(c.brief, c.text) for c in first.changes] == [("b", "Turned against it."), ("c", "Came back round.")]
    assert grid.rows[0].cells[0].positions[0].brief == 2  # type: ignore[union-attr]  # the latest brief, c
    # by brief, each change is against the previous brief
    assert _cells(_grid("brief", *records))["fr"] == ["+", "→ - [1]", "→ + [2]", "+"]


def test_a_change_from_the_period_before() -> None:
    records = (_brief("a", "2021-05-01", ("fr", "supports")), _brief("b", "2022-05-01", ("fr", "neutral")),
               _brief("c", "2023-05-01", ("fr", "neutral")))  # fmt: skip
    assert _cells(_grid("year", *records)) == {"fr": ["+", "→ 0", "0"]}


def test_briefs_without_a_date_are_the_last_column() -> None:
    records = (
        _brief("late", "", ("fr", "opposes")),  # no date (the schema requires one: an invalid brief)
        _brief("odd", "2021-13-45", ("fr", "opposes")),  # not a calendar date
        _brief("a", "2021-05-01", ("fr", "supports")),
    )
    grid = _grid("year", *records)
    assert [column.label for column in grid.columns] == ["2021", UNDATED]
    assert _cells(grid) == {"fr": ["+", "→ -"]}
    undated = grid.periods[-1]
    assert (undated.key, undated.start, undated.end, undated.count, undated.briefs) == (UNDATED, None, None, 2,
                                                                                        ("odd", "late"))  # fmt: skip
    # by brief, as ever: in date order, those without one last
    assert [column.label for column in _grid("brief", *records).columns] == [
        "2021-05-01 a", "2021-13-45 odd", "(no date) late",
    ]  # fmt: skip


def test_the_latest_of_briefs_on_one_day_goes_by_id() -> None:
    records = (_brief("b-2", "2021-06-30", ("fr", "supports")), _brief("b-1", "2021-06-30", ("fr", "opposes")))
    grid = _grid("quarter", *records)
    assert _cells(grid) == {"fr": ["→ +"]}  # b-2 after b-1; two stances in the quarter: changed
    assert _cells(_grid("brief", *records)) == {"fr": ["-", "→ +"]}


def test_conflicting_positions_within_a_period() -> None:
    records = (_brief("a", "2021-01-10", ("fr", "supports"), ("fr", "opposes")),
               _brief("b", "2021-02-10", ("fr", "supports")))  # fmt: skip
    grid = _grid("quarter", *records)
    assert _cells(grid) == {"fr": ["→ + [1]"]}  # the latest brief (b) holds one position
    assert [(n.kind, n.column) for n in grid.notes] == [("conflict", "2021-01-10 a")]
    cell = grid.rows[0].cells[0]
    assert cell is not None and cell.count == 2 and not cell.conflict
    records = (_brief("a", "2021-01-10", ("fr", "supports")),
               _brief("b", "2021-02-10", ("fr", "supports"), ("fr", "opposes")))  # fmt: skip
    assert _cells(_grid("quarter", *records)) == {"fr": ["→ ! + / - [1]"]}


# -- the command -------------------------------------------------------------------------------------------------

LEGEND_LINES = 3  # the scale


def test_by_quarter(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "quarter")
    assert result.exit_code == 0
    assert result.stdout == (
        "partnership: A Mali–Wagner security partnership\n"
        "\n"
        "actor                           2021-Q3    2021-Q4     2022-Q1\n"
        "------------------------------  ---------  ----------  ----------\n"
        "France                          - H        → -- H [1]  -- H\n"
        "Malian transitional government  +* M       +* H        → ++ H [2]\n"
        "Russia                          (+)* L\n"
        "Wagner                                                 +* L\n"
        "totals                          2+ 1- 0?   1+ 1- 0?    2+ 1- 0?\n"
        "\n"
        "++ strongly supports, + supports, (+) leans supports, 0 neutral, (-) leans opposes,\n"
        "- opposes, -- strongly opposes, ? unknown, blank: no position; * inferred (else stated);\n"
        "L/M/H low/moderate/high confidence; totals: N+ support, N- oppose, N? unknown (any level).\n"
        "By quarter: each cell is the actor's latest stance in the quarter.\n"
        "→ changed during the quarter, or since the stance before; [n] see note n.\n"
        "[1] France, 2021-12-27 deployment-2021-12: Hardened once the deployment began.\n"
        "[2] Malian transitional government, 2022-02-21 withdrawal-2022-02: Now said openly.\n"
    )


def test_by_year(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year")
    assert result.stdout.split("\n\n")[1] == (
        "actor                           2021        2022\n"
        "------------------------------  ----------  ----------\n"
        "France                          → -- H [1]  -- H\n"  # 2021: - then -- (the latest)
        "Malian transitional government  +* H        → ++ H [2]\n"
        "Russia                          (+)* L\n"
        "Wagner                                      +* L\n"
        "totals                          2+ 1- 0?    2+ 1- 0?"
    )


def test_filters_and_actors_apply_to_a_folded_timeline(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--since", "2022-01-01",
                 "--actor", "paris")  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.split("\n\n")[1] == ("actor    2022\n-------  --------\nFrance   -- H\ntotals   0+ 1- 0?")


def test_a_folded_timeline_suggests_a_mistyped_issue(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnershp", "timeline", "--by", "year")
    assert result.exit_code == 1
    assert result.stderr == "brief: error: no issue 'partnershp' in any brief compared; did you mean 'partnership'?\n"


def test_long_lists_every_brief_with_its_period(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline", "--actor", "france", "--long", "--by", "year",
                 "--tablefmt", "github")  # fmt: skip
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("| France")]
    assert [(row.split("|")[2].strip(), row.split("|")[3].strip()) for row in rows] == [
        ("2021", "2021-09-20 partnership-2021-09"), ("2021", "2021-12-27 deployment-2021-12"),
        ("2022", "2022-02-21 withdrawal-2022-02"),
    ]  # fmt: skip


def test_json_carries_the_folded_view(in_compare: Path) -> None:
    document = json.loads(
        run("compare", "--issue", "partnership", "timeline", "--by", "year", "--format", "json").stdout
    )
    assert (document["view"], document["by"]) == ("timeline", "year")
    assert document["periods"] == [
        {"issue": "partnership", "period": "2021", "start": "2021-01-01", "end": "2021-12-31", "count": 2,
         "briefs": ["partnership-2021-09", "deployment-2021-12"]},
        {"issue": "partnership", "period": "2022", "start": "2022-01-01", "end": "2022-12-31", "count": 1,
         "briefs": ["withdrawal-2022-02"]},
    ]  # fmt: skip
    france = [p for p in document["positions"] if p["actor"] == "france"]
    assert [(p["period"], p["brief"], p["brief_actor"], p["stance"], p["changed"], p["count"]) for p in france] == [
        ("2021", "deployment-2021-12", "fr", "strongly-opposes", True, 2),
        ("2022", "withdrawal-2022-02", "france", "strongly-opposes", False, 1),
    ]  # fmt: skip
    assert france[0]["changes"] == [
        {"brief": "deployment-2021-12", "date": "2021-12-27", "text": "Hardened once the deployment began."}
    ]
    assert (france[0]["period_start"], france[0]["period_end"], france[0]["period_briefs"]) == (
        "2021-01-01", "2021-12-31", 2,
    )  # fmt: skip
    assert document["totals"][0] == {"issue": "partnership", "period": "2021", "start": "2021-01-01",
                                     "end": "2021-12-31", "support": 2, "oppose": 1, "neutral": 0, "unknown": 0,
                                     "positions": 3}  # fmt: skip
    assert [b["id"] for b in document["briefs"]] == ["partnership-2021-09", "deployment-2021-12", "withdrawal-2022-02"]


def test_csv_carries_the_folded_view(in_compare: Path) -> None:
    text = run("compare", "--issue", "partnership", "timeline", "--by", "year", "--format", "csv").stdout
    assert text.splitlines()[0].endswith(",path,period,period_start,period_end,period_briefs,count,changes")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["actor"], r["period"], r["brief"], r["stance"], r["changed"], r["count"], r["period_briefs"])
            for r in rows] == [
        ("france", "2021", "deployment-2021-12", "strongly-opposes", "true", "2", "2"),
        ("france", "2022", "withdrawal-2022-02", "strongly-opposes", "false", "1", "1"),
        ("mali-government", "2021", "deployment-2021-12", "supports", "false", "2", "2"),
        ("mali-government", "2022", "withdrawal-2022-02", "strongly-supports", "true", "1", "1"),
        ("russia", "2021", "partnership-2021-09", "leans-supports", "false", "1", "2"),
        ("wagner", "2022", "withdrawal-2022-02", "supports", "false", "1", "1"),
    ]  # fmt: skip
    assert rows[3]["changes"] == "2022-02-21 withdrawal-2022-02: Now said openly."
    # by brief, every brief is its own period
    rows = list(csv.DictReader(io.StringIO(run("compare", "--issue", "partnership", "timeline", "--format",
                                               "csv").stdout)))  # fmt: skip
    assert len(rows) == 8 and {r["period_briefs"] for r in rows} == {"1"}
    assert rows[0]["period"] == "2021-09-20 partnership-2021-09"


# -- the automatic choice ----------------------------------------------------------------------------------------


def _write(folder: Path, ident: str, date: str, stance: str, actor: str = "france", change: str | None = None) -> None:
    data: dict[str, Any] = {
        "schema_version": "1.0", "id": ident, "title": f"Brief {ident}", "date": date, "language": "en",
        "actors": [{"id": actor, "name": actor.title(), "kind": "state"}],
        "issues": [{"id": "x", "statement": "X"}],
        "positions": [{"actor": actor, "issue": "x", "stance": stance, **({"change": change} if change else {})}],
    }  # fmt: skip
    (folder / f"{ident}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def ten_months(tmp_path: Path) -> Path:
    """Ten briefs, one a month from January to October 2021."""
    folder = tmp_path / "ten"
    folder.mkdir()
    for month in range(1, 11):
        _write(folder, f"b{month:02d}", f"2021-{month:02d}-15", "supports" if month % 2 else "opposes")
    return folder


def test_an_index_gone_stale_answers_as_the_files_are_now_and_warns_once(ten_months: Path) -> None:
    """compare asks the index while its freshness check runs: when the check finds changes, the answer given
    (and what it had to say) is the one of the updated index, said once."""
    broken = ten_months / "b05.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("stance: supports", "stance: maybe"), "utf-8")
    broken.touch()
    stale = run("compare", "--issue", "x", str(ten_months))  # the index, as the files were
    assert stale.stderr.count("b05.yaml: invalid brief") == 1, stale.stderr
    _write(ten_months, "b03", "2021-03-15", "strongly-opposes")
    _write(ten_months, "b05", "2021-05-15", "neutral")  # mended
    result = run("compare", "--issue", "x", str(ten_months), "--by", "brief", "--format", "csv")
    stances = {row["brief"]: row["stance"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert stances["b03"] == "strongly-opposes" and stances["b05"] == "neutral"
    assert "invalid brief" not in result.stderr, result.stderr  # what the stale answer had to say is not said
    (ten_months / "b07.yaml").unlink()
    gone = run("compare", "--issue", "x", "b07", str(ten_months))
    assert gone.exit_code == 2 and gone.stderr.strip() == "brief: error: no brief file or id 'b07'"


def _header(text: str) -> str:
    return text.split("\n\n")[1].splitlines()[0]


def test_not_on_a_terminal_twelve_columns_at_most(ten_months: Path) -> None:
    assert _header(run("compare", "--issue", "x", str(ten_months)).stdout).split()[:3] == ["actor", "2021-01-15", "b01"]
    for month in range(11, 13):
        _write(ten_months, f"b{month:02d}", f"2021-{month:02d}-15", "neutral")
    _write(ten_months, "b13", "2022-01-15", "neutral")  # 13 briefs, days and months: by quarter
    assert _header(run("compare", "--issue", "x", str(ten_months)).stdout).split() == [
        "actor", "2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1",
    ]  # fmt: skip
    document = json.loads(run("compare", "--issue", "x", str(ten_months), "--format", "json").stdout)
    assert document["by"] == "quarter"


@pytest.mark.parametrize(("columns", "header"), [
    ("120", ["actor", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10"]),
    ("80", ["actor", "2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]),
    ("40", ["actor", "2021"]),  # nothing fits: years
])  # fmt: skip
def test_on_a_terminal_the_finest_period_that_fits(
    ten_months: Path, monkeypatch: pytest.MonkeyPatch, columns: str, header: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("compare", "--issue", "x", str(ten_months))
    assert _header(result.stdout).split() == header
    table = result.stdout.split("\n\n")[1]
    assert max(map(len, table.splitlines())) <= int(columns) or columns == "40"


def test_by_overrides_the_choice(ten_months: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert _header(run("compare", "--issue", "x", str(ten_months), "--by", "month").stdout).split()[1] == "2021-01"


# -- the index's fast path and the comparison of parsed briefs agree ---------------------------------------------

STANCES = ("supports", "opposes", "neutral", "leans-supports", "strongly-opposes")


def _random_collection(folder: Path, rng: random.Random, invalid: bool = False) -> list[BriefRecord]:
    """Briefs on issue x around year and quarter ends, several a day, some actors named alike across ids; with
    `invalid`, some without a date, with two positions of one actor, or a stance the format does not know."""
    days = ["2020-12-31", "2021-01-01", "2021-03-31", "2021-04-01", "2021-06-30", "2021-07-01", "2021-09-30",
            "2021-10-01", "2021-12-31", "2022-01-01", "2022-02-28", "2024-02-29"]  # fmt: skip
    actors = {"france": "France", "fr": "FRANCE", "mali": "Mali", "russia": "Russia", "wagner": "Wagner"}
    records = []
    for n in range(rng.randint(1, 25)):
        chosen = rng.sample(sorted(actors), rng.randint(1, 3))
        if "france" in chosen and "fr" in chosen:
            chosen.remove("fr")
        positions = []
        for actor in chosen:
            position: dict[str, Any] = {"actor": actor, "issue": "x", "stance": rng.choice(STANCES)}
            if rng.random() < 0.5:
                position["basis"] = rng.choice(["stated", "inferred"])
            if rng.random() < 0.5:
                position["confidence"] = rng.choice(["low", "moderate", "high"])
            if rng.random() < 0.3:
                position["change"] = rng.choice(["Hardened.", "Softened.", "Hardened."])
            positions.append(position)
        data: dict[str, Any] = {
            "schema_version": "1.0", "id": f"b{n:02d}", "title": f"Brief {n}", "date": rng.choice(days),
            "language": "en", "actors": [{"id": a, "name": actors[a], "kind": "state"} for a in chosen],
            "issues": [{"id": "x", "statement": "X"}], "positions": positions,
        }  # fmt: skip
        if invalid and rng.random() < 0.15:
            del data["date"]
        elif invalid and rng.random() < 0.1:
            data["date"] = rng.choice(["2021-13-45", "2021-02-30", "sometime"])  # not calendar dates
        if invalid and rng.random() < 0.15:
            positions.append({**positions[0], "stance": rng.choice(STANCES)})  # duplicate-position
        if invalid and rng.random() < 0.1:
            positions[-1]["stance"] = rng.choice(["opose", "suports"])
        (folder / f"b{n:02d}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        records.append(BriefRecord(data["id"], data.get("date", ""), f"b{n:02d}.yaml", data))
    return records


def _view(grid: Grid) -> tuple[Any, ...]:
    return (
        [column.label for column in grid.columns],
        [(row.actor.key, row.actor.name, row.actor.ids, [cell_text(cell) for cell in row.cells]) for row in grid.rows],
        [[cell.count if cell else None for cell in row.cells] for row in grid.rows],
        [(note.kind, note.actor, note.column, note.text) for note in grid.notes],
        [(period.key, period.start, period.end, period.count) for period in grid.periods],
        grid.totals,
    )


@pytest.mark.parametrize(("seed", "invalid"), [*((seed, False) for seed in range(12)), *((s, True) for s in range(8))])
def test_the_index_folds_as_parsed_briefs_do(tmp_path: Path, seed: int, invalid: bool) -> None:
    from brief.cli.common import open_collection
    from brief.query.filters import Filters
    from brief.query.positions import IssueTimeline

    folder = tmp_path / "briefs"
    folder.mkdir()
    records = _random_collection(folder, random.Random(seed), invalid)
    comparison = compare(records, issues=["x"])
    db = open_collection((str(folder),), False).connection()
    for by in PERIODS[1:]:
        for sort in (None, "stance", "name"):
            expected = timeline_grid(comparison, "x", sort, by)
            _, grid = index_timeline(IssueTimeline(db, "x", Filters()), "x", by, sort)
            assert _view(grid) == _view(expected), (by, sort)


# -- one column per brief over thousands of briefs ---------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--long",), ("--format", "csv"), ("--format", "json"), ("--sort", "stance"),
                                  ("--by", "month"), ("--by", "month", "--format", "json")])  # fmt: skip
def test_sparse_rows_read_as_dense_ones(
    in_compare: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Past DENSE_CELLS, a timeline by brief keeps only each row's filled cells: the output is the same."""
    import brief.analysis.grids as grids

    command = ("compare", "--issue", "partnership", "timeline", *(args if "--by" in args else ("--by", "brief", *args)))
    dense = run(*command).stdout
    monkeypatch.setattr(grids, "DENSE_CELLS", 0)
    grid = timeline_grid(compare([_brief("a", "2021-01-01", ("fr", "supports"))], issues=["x"]), "x")
    assert isinstance(grid.rows[0].cells, grids.SparseCells)
    assert list(grid.rows[0].cells) == [grid.rows[0].cells[0]] and grid.rows[0].cells[-1] is not None
    assert run(*command).stdout == dense


def test_a_table_asked_for_by_brief_or_period_has_a_limit(in_compare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import brief.cli.compare_cmd as command

    monkeypatch.setattr(command, "MAX_TABLE_COLUMNS", 2)
    result = run("compare", "--issue", "partnership", "timeline", "--by", "brief")
    assert result.exit_code == 2
    assert "--by brief would make 3 columns for partnership, more than a table shows (2); fold them" in result.stderr
    assert "--by day would make 3 columns" in run("compare", "--issue", "partnership", "timeline", "--by", "day").stderr
    assert run("compare", "--issue", "partnership", "timeline", "--by", "year").exit_code == 0
    assert run("compare", "--issue", "partnership", "timeline", "--long").exit_code == 0
    assert run("compare", "--issue", "partnership", "timeline", "--by", "brief", "--format", "csv").exit_code == 0
