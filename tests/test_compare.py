"""`brief compare`: the seed brief's table, the long view, formats, positions over time, and the awkward cases
(no positions, unheld issues, partial actors, conflicting positions, narrow terminals, hostile text)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from brief.analysis.grids import issue_grid, timeline_grid
from brief.analysis.positions import BriefRecord, compare
from conftest import DATA, ROOT, run

SEED = str(ROOT / "examples" / "2021-09-mali-wagner.md")
COMPARE = DATA / "compare"
TIMELINE = COMPARE / "timeline"

LEGEND = """\
++ strongly supports, + supports, (+) leans supports, 0 neutral, (-) leans opposes,
- opposes, -- strongly opposes, ? unknown, blank: no position; * inferred (else stated);
L/M/H low/moderate/high confidence; totals: N+ support, N- oppose, N? unknown (any level).
"""

SEED_TITLE = (
    "mali-wagner-2021 (2021-09-28): The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the "
    "Fight Against Terrorism\n"
)


def sections(text: str) -> list[str]:
    """The blocks of an output (title, table, legend), each ending with its newline."""
    return [block if block.endswith("\n") else block + "\n" for block in text.split("\n\n")]


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner is not a terminal: without COLUMNS, tables are never narrowed, whatever runs the tests."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def in_compare(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(COMPARE)
    return COMPARE


# -- one brief ---------------------------------------------------------------------------------------------------


def test_seed_table_is_exact() -> None:
    result = run("compare", SEED)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == SEED_TITLE + "\n" + (
        "actor                           mali-wagner-partnership    barkhane-drawdown    french-military-presence\n"
        "------------------------------  -------------------------  -------------------  --------------------------\n"
        "Malian transitional government  +* M                       -* M                 (+)* L\n"
        "Choguel Maïga                   +* M\n"
        "Sadio Camara                    +* M\n"
        "Russia                          +* M\n"
        "France                          - H                        + H                  + H\n"
        "Wagner                          +* M\n"
        "totals                          5+ 1- 0?                   1+ 1- 0?             2+ 0- 0?\n"
        "\n" + LEGEND
    )


def test_actor_and_issue_filters_and_sort() -> None:
    result = run(
        "compare", SEED, "--issue", "mali-wagner-partnership", "--actor", "PARIS", "--actor", "wagner",
        "--actor", "Russian Federation", "--actor", "mali-government", "--sort", "stance",
    )  # fmt: skip
    assert result.exit_code == 0
    body = sections(result.stdout)[1]
    assert body == (
        "actor                           mali-wagner-partnership\n"
        "------------------------------  -------------------------\n"
        "Malian transitional government  +* M\n"
        "Russia                          +* M\n"
        "Wagner                          +* M\n"
        "France                          - H\n"
        "totals                          3+ 1- 0?\n"
    )


def test_sort_by_name_and_power() -> None:
    def names(*args: str) -> list[str]:
        body = sections(run("compare", SEED, "--issue", "mali-wagner-partnership", *args).stdout)[1]
        return [line[:30].strip() for line in body.splitlines()[2:-1]]

    assert names("--sort", "name") == [
        "Choguel Maïga", "France", "Malian transitional government", "Russia", "Sadio Camara", "Wagner",
    ]  # fmt: skip
    # most powerful first; actors whose power is not recorded last, by name
    assert names("--sort", "power") == [
        "Malian transitional government", "Russia", "France", "Choguel Maïga", "Sadio Camara", "Wagner",
    ]  # fmt: skip


def test_words() -> None:
    result = run("compare", SEED, "--words", "--actor", "france", "--actor", "mali-government")
    assert result.exit_code == 0
    assert sections(result.stdout)[1:] == [
        "actor                           mali-wagner-partnership         barkhane-drawdown               "
        "french-military-presence\n"
        "------------------------------  ------------------------------  ------------------------------  "
        "------------------------------\n"
        "Malian transitional government  supports (inferred, moderate)   opposes (inferred, moderate)    "
        "leans-supports (inferred, low)\n"
        "France                          opposes (stated, high)          supports (stated, high)         "
        "supports (stated, high)\n"
        "totals                          1 support, 1 oppose, 0 unknown  1 support, 1 oppose, 0 unknown  "
        "2 support, 0 oppose, 0 unknown\n",
        "In brackets: basis (stated by the actor, or inferred by the analyst) and confidence.\n"
        "Blank: no position. Totals count actors on each side, at any level.\n",
    ]


def test_long_shows_france_reasons_and_graded_sources() -> None:
    result = run("compare", SEED, "--long", "--issue", "mali-wagner-partnership", "--actor", "france")
    assert result.exit_code == 0
    assert result.stdout == SEED_TITLE + "\n" + (
        "+---------+----------+---------+--------------+------------+---------+-----------------------------------"
        "------------------------------------------------------------------------------------------+--------------+\n"
        "| actor   | stance   | basis   | confidence   | salience   | power   | rationale                         "
        "                                                                                          | sources      |\n"
        "+=========+==========+=========+==============+============+=========+==================================="
        "==========================================================================================+==============+\n"
        "| France  | opposes  | stated  | high         | 85         | 55      | - The controversial perception of "
        "the Russian private military company Wagner as a covert army of the Kremlin               | Reuters [B2] |\n"
        "|         |          |         |              |            |         | - The security incompatibility bet"
        "ween Wagner (viewed as Russian paramilitaries or mercenaries) and Western support to Mali |              |\n"
        "|         |          |         |              |            |         | - The tensions between this Russia"
        "n private military company and France in the Central African Republic                     |              |\n"
        "|         |          |         |              |            |         | - The wish to preserve France's sp"
        "here of influence and interests in Mali                                                   |              |\n"
        "+---------+----------+---------+--------------+------------+---------+-----------------------------------"
        "------------------------------------------------------------------------------------------+--------------+\n"
    )


def test_long_lists_every_actor_with_sources_on_the_partnership() -> None:
    result = run("compare", SEED, "--long", "--issue", "mali-wagner-partnership", "--tablefmt", "github")
    lines = result.stdout.splitlines()
    # one line per actor: in a Markdown-style table the reasons are joined with "; "
    assert len(lines) == 2 + 2 + 6
    mali = next(line for line in lines if line.startswith("| Malian"))
    assert "| supports | inferred | moderate     | 80         | 70      |" in mali
    assert "; Seeks to leverage international rivalries" in mali
    assert mali.endswith("| Reuters [B2]; TASS [C2] |")


def test_long_needs_one_issue() -> None:
    result = run("compare", SEED, "--long")
    assert result.exit_code == 2
    assert "--long shows one issue: add --issue ID (this brief's issues: mali-wagner-partnership, " in result.stderr


def test_long_wraps_reasons_to_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    result = run("compare", SEED, "--long", "--issue", "mali-wagner-partnership", "--actor", "france")
    table = sections(result.stdout)[1]
    assert max(len(line) for line in table.splitlines()) <= 120
    # each reason starts a line with a dash; its wrapped lines are indented under it
    assert "| - The security incompatibility |" in table and "|   between Wagner (viewed as    |" in table


def test_json_keeps_every_field() -> None:
    result = run("compare", SEED, "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["view"] == "issues"
    assert [b["id"] for b in document["briefs"]] == ["mali-wagner-2021"]
    assert [i["id"] for i in document["issues"]] == [
        "mali-wagner-partnership", "barkhane-drawdown", "french-military-presence",
    ]  # fmt: skip
    assert len(document["positions"]) == 10
    france = next(p for p in document["positions"] if p["actor"] == "france")
    assert france == {
        "actor": "france",
        "actor_name": "France",
        "brief_actor": "france",
        "issue": "mali-wagner-partnership",
        "brief": "mali-wagner-2021",
        "date": "2021-09-28",
        "path": SEED,
        "stance": "opposes",
        "basis": "stated",
        "confidence": "high",
        "salience": 85,
        "power": 55,
        "rationale": france["rationale"],
        "sources": [
            {
                "id": "reuters-2021-09-13",
                "title": "Deal allowing Russian mercenaries into Mali is close – sources",
                "publisher": "Reuters",
                "url": None,
                "date": "2021-09-13",
                "reliability": "B",
                "credibility": 2,
                "grading": "B2",
                "label": "Reuters [B2]",
            }
        ],
        "change": None,
        "as_of": "2021-09-28",
        "changed": False,
        "conflict": False,
    }
    assert len(france["rationale"]) == 4
    assert document["totals"][0] == {
        "issue": "mali-wagner-partnership",
        "brief": "mali-wagner-2021",
        "date": "2021-09-28",
        "support": 5,
        "oppose": 1,
        "neutral": 0,
        "unknown": 0,
        "positions": 6,
    }


def test_csv_is_tidy() -> None:
    result = run("compare", SEED, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == (
        "brief,date,actor,actor_name,brief_actor,issue,stance,basis,confidence,salience,power,rationale,sources,"
        "change,as_of,changed,conflict,path"
    )
    assert len(rows) == 10  # one per position: actor × issue × brief
    assert len({(r["actor"], r["issue"], r["brief"]) for r in rows}) == 10
    mali = rows[0]
    assert (mali["actor"], mali["issue"], mali["stance"], mali["salience"], mali["power"]) == (
        "mali-government", "mali-wagner-partnership", "supports", "80", "70",
    )  # fmt: skip
    assert mali["sources"] == "Reuters [B2]; TASS [C2]"
    assert mali["rationale"].count("; ") == 3


def test_tablefmt_grid() -> None:
    result = run("compare", SEED, "--tablefmt", "grid", "--issue", "barkhane-drawdown")
    assert result.exit_code == 0
    assert sections(result.stdout)[1] == (
        "+--------------------------------+---------------------+\n"
        "| actor                          | barkhane-drawdown   |\n"
        "+================================+=====================+\n"
        "| Malian transitional government | -* M                |\n"
        "+--------------------------------+---------------------+\n"
        "| France                         | + H                 |\n"
        "+--------------------------------+---------------------+\n"
        "| totals                         | 1+ 1- 0?            |\n"
        "+--------------------------------+---------------------+\n"
    )


def test_invalid_tablefmt_is_a_usage_error() -> None:
    result = run("compare", SEED, "--tablefmt", "gird")
    assert result.exit_code == 2
    assert "Invalid value for '--tablefmt': 'gird' is not one of 'asciidoc'," in result.stderr
    assert "Did you mean 'grid'?" in result.stderr
    assert result.stdout == ""


def test_tablefmt_applies_to_tables_only() -> None:
    result = run("compare", SEED, "--format", "csv", "--tablefmt", "grid")
    assert result.exit_code == 2
    assert "--tablefmt styles --format table" in result.stderr


@pytest.mark.parametrize("style", ["latex", "html", "rst", "tsv", "fancy_grid", "pipe", "orgtbl"])
def test_every_tabulate_style_renders(style: str) -> None:
    result = run("compare", SEED, "--tablefmt", style)
    assert result.exit_code == 0
    assert "mali-wagner-partnership" in result.stdout


def test_markdown_and_html_escape_brief_text(in_compare: Path) -> None:
    markdown = run("compare", "hostile.yaml", "--format", "markdown")
    assert markdown.exit_code == 0
    # the one Markdown escaper of brief.render.escape: tags as entities, '|' escaped
    assert "| A \\| B &lt;script&gt;alert(1)&lt;/script&gt; | 0             |" in markdown.stdout
    assert "\x1b" not in markdown.stdout
    table_lines = [line for line in markdown.stdout.splitlines() if line.startswith("| ")]
    assert {line.count(" | ") for line in table_lines} == {1}  # no cell split by a '|' from the brief

    html = run("compare", "hostile.yaml", "--format", "html", "--long")
    assert html.exit_code == 0
    assert "<td>A | B &lt;script&gt;alert(1)&lt;/script&gt;</td>" in html.stdout
    assert "Because | of &lt;b&gt;this&lt;/b&gt; &amp; that" in html.stdout
    assert "Pub | lisher [F6]" in html.stdout
    assert "<script>" not in html.stdout and "\x1b" not in html.stdout


def test_control_characters_are_neutralised_in_every_format(in_compare: Path) -> None:
    for output_format in ("table", "csv", "json", "markdown", "html"):
        result = run("compare", "hostile.yaml", "--format", output_format)
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout, output_format
    assert "Red \\x1b[31mactor" in run("compare", "hostile.yaml").stdout
    names = [a["name"] for a in json.loads(run("compare", "hostile.yaml", "--format", "json").stdout)["actors"]]
    assert "Red \x1b[31mactor" in names  # JSON keeps the exact text, escaped


def test_neutral_and_unknown_symbols(in_compare: Path) -> None:
    body = sections(run("compare", "hostile.yaml").stdout)[1]
    assert body.splitlines()[2:] == [
        "A | B <script>alert(1)</script>  0",
        "Red \\x1b[31mactor                ?",
        "totals                           0+ 0- 1?",
    ]


# -- the checks --------------------------------------------------------------------------------------------------


def test_brief_without_positions_prints_a_notice(in_compare: Path) -> None:
    result = run("compare", "no-positions.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        "no-positions (2024-01-10): Actors and issues, no stances yet\n"
        "\n"
        "No positions: nobody in this brief has a recorded stance on partnership.\n"
    )
    assert json.loads(run("compare", "no-positions.yaml", "--format", "json").stdout)["positions"] == []
    assert run("compare", "no-positions.yaml", "--format", "csv").stdout.count("\n") == 1  # the header


def test_issue_nobody_holds_is_a_blank_column(in_compare: Path) -> None:
    result = run("compare", "timeline/2021-09-partnership.yaml", "--issue", "drawdown", "--issue", "partnership")
    assert result.exit_code == 0
    assert sections(result.stdout)[1] == (
        "actor                           drawdown    partnership\n"
        "------------------------------  ----------  -------------\n"
        "France                          + H         - H\n"
        "Malian transitional government              +* M\n"
        "Russia                                      (+)* L\n"
        "totals                          1+ 0- 0?    2+ 1- 0?\n"
    )
    # an issue defined in a brief but held by nobody: shown, blank
    result = run("compare", "no-positions.yaml", "--actor", "france")
    assert (
        sections(result.stdout)[1]
        == """\
actor    partnership
-------  -------------
France
totals   0+ 0- 0?
"""
    )


def test_conflicting_positions_are_shown_not_fatal(in_compare: Path) -> None:
    validate = run("validate", "conflict.yaml")
    assert validate.exit_code == 1 and "[duplicate-position]" in validate.stdout

    result = run("compare", "conflict.yaml")
    assert result.exit_code == 0
    assert result.stderr == (
        "brief: warning: conflict.yaml: invalid brief (1 error, first duplicate-position at 25:5: actor 'france' "
        "already has a position on issue 'partnership' (positions[0]); keep one); compared as written\n"
    )
    assert sections(result.stdout)[1:] == [
        """\
actor    partnership
-------  ----------------
France   ! - H / +* L [1]
Russia   +
totals   2+ 1- 0?
""",
        LEGEND + "! conflicting positions in one brief; [n] see note n.\n"
        "[1] France, partnership: 2 positions in one brief, which `brief validate` reports as duplicate-position: "
        "opposes, supports\n",
    ]
    rows = list(csv.DictReader(io.StringIO(run("compare", "conflict.yaml", "--format", "csv").stdout)))
    assert [(r["actor"], r["stance"], r["conflict"]) for r in rows] == [
        ("france", "opposes", "true"), ("france", "supports", "true"), ("russia", "supports", "false"),
    ]  # fmt: skip


def test_unreadable_brief_is_an_error(in_compare: Path) -> None:
    result = run("compare", "timeline/.draft.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("brief: error: timeline/.draft.yaml: cannot be read (1 error, first yaml-syntax")


def test_unknown_ref_is_exit_2() -> None:
    result = run("compare", "no/such/brief.yaml")
    assert result.exit_code == 2
    assert result.stderr == "brief: error: no file 'no/such/brief.yaml'\n"


def test_unknown_issue_or_actor_is_exit_1_with_suggestions() -> None:
    result = run("compare", SEED, "--issue", "mali-wagner-partnersip")
    assert result.exit_code == 1
    assert result.stderr == (
        "brief: error: no issue 'mali-wagner-partnersip' in brief mali-wagner-2021; "
        "did you mean 'mali-wagner-partnership'?\n"
    )
    result = run("compare", SEED, "--actor", "frnace")
    assert result.exit_code == 1
    assert result.stderr == "brief: error: no actor 'frnace' in brief mali-wagner-2021; did you mean 'france'?\n"


def test_several_briefs_need_an_issue(in_compare: Path) -> None:
    result = run("compare", "timeline")
    assert result.exit_code == 2
    assert "comparing several briefs (or a folder) needs --issue ID" in result.stderr


# -- over time ---------------------------------------------------------------------------------------------------

TIMELINE_TABLE = """\
actor                           2021-09-20 partnership-2021-09    2021-12-27 deployment-2021-12    2022-02-21 withdrawal-2022-02
------------------------------  --------------------------------  -------------------------------  -------------------------------
France                          - H                               → -- H [1]                       -- H
Malian transitional government  +* M                              +* H                             → ++ H [2]
Russia                          (+)* L
Wagner                                                                                             +* L
totals                          2+ 1- 0?                          1+ 1- 0?                         2+ 1- 0?
"""  # noqa: E501


def test_positions_over_time(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "timeline")
    assert result.exit_code == 0
    # .draft.yaml is hidden and notes.txt is not a brief: neither is read; the 2022-06 brief lacks the issue
    assert result.stderr == ""
    assert result.stdout == (
        "partnership: A Mali–Wagner security partnership\n\n" + TIMELINE_TABLE + "\n" + LEGEND + "→ changed since "
        "the previous brief; [n] see note n.\n"
        "[1] France, 2021-12-27 deployment-2021-12: Hardened once the deployment began.\n"
        "[2] Malian transitional government, 2022-02-21 withdrawal-2022-02: Now said openly.\n"
    )


def test_actors_are_matched_by_name_and_alias_folded(in_compare: Path) -> None:
    document = json.loads(run("compare", "--issue", "partnership", "timeline", "--format", "json").stdout)
    actors = {a["id"]: a["ids"] for a in document["actors"]}
    # 'FRANCE' (id fr) by name; 'autorites maliennes' (id bamako) by the alias 'Autorités maliennes'
    assert actors == {"france": ["france", "fr"], "mali-government": ["mali-government", "bamako"],
                      "russia": ["russia"], "wagner": ["wagner"]}  # fmt: skip
    changed = [(p["actor"], p["brief"]) for p in document["positions"] if p["changed"]]
    assert changed == [("france", "deployment-2021-12"), ("mali-government", "withdrawal-2022-02")]
    assert [p["brief_actor"] for p in document["positions"] if p["actor"] == "france"] == ["france", "fr", "france"]


def test_over_time_for_one_actor_named_by_alias(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "--actor", "paris", "timeline/2021-09-partnership.yaml",
                 "timeline/2021-12-deployment.json", "timeline/2022")  # fmt: skip
    assert result.exit_code == 0
    assert sections(result.stdout)[1].splitlines()[2:] == [
        "France   - H                               → -- H [1]                       -- H",
        "totals   0+ 1- 0?                          0+ 1- 0?                         0+ 1- 0?",
    ]


def test_actor_in_only_some_briefs_has_blank_cells(in_compare: Path) -> None:
    csv_text = run("compare", "--issue", "partnership", "timeline", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 8  # positions only: Russia and Wagner each appear in one brief
    assert [r["brief"] for r in rows if r["actor"] in ("russia", "wagner")] == [
        "partnership-2021-09", "withdrawal-2022-02",
    ]  # fmt: skip
    lines = TIMELINE_TABLE.splitlines()
    assert lines[4].rstrip() == "Russia                          (+)* L"


def test_over_time_long(in_compare: Path) -> None:
    result = run("compare", "--issue", "partnership", "--actor", "france", "timeline", "--long", "--tablefmt", "psql")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[3].startswith("| actor   | brief                          | stance             | basis   |")
    assert lines[3].rstrip().endswith("| change                              |")
    assert "| France  | 2021-12-27 deployment-2021-12  | → strongly-opposes | stated  |" in result.stdout
    assert "[1]" not in result.stdout  # the change is a column here, not a note


def test_over_time_sort_by_latest_stance(in_compare: Path) -> None:
    body = sections(run("compare", "--issue", "partnership", "timeline", "--sort", "stance").stdout)[1]
    assert [line[:30].strip() for line in body.splitlines()[2:-1]] == [
        "Malian transitional government", "Wagner", "Russia", "France",
    ]  # fmt: skip


def test_invalid_brief_in_a_folder_is_compared_with_a_warning(in_compare: Path, tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    (folder / "conflict.yaml").write_text((COMPARE / "conflict.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    result = run("compare", "--issue", "partnership", str(folder))
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith(f"brief: warning: {folder / 'broken.yaml'}: cannot be read (")
    assert warnings[0].endswith("; skipped")
    assert warnings[1].startswith(f"brief: warning: {folder / 'conflict.yaml'}: invalid brief (1 error, first dup")
    assert "France   ! - H / +* L [1]" in result.stdout


def test_missing_path_is_exit_2() -> None:
    result = run("compare", "--issue", "partnership", str(COMPARE), "no/such/folder")
    assert result.exit_code == 2
    assert result.stderr == "brief: error: no brief file or id 'no/such/folder'\n"


# -- wide tables -------------------------------------------------------------------------------------------------


def test_narrow_terminal_abbreviates_issue_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    result = run("compare", SEED)
    table, legend = sections(result.stdout)[1:]
    assert table.splitlines()[0] == "actor                           I1        I2        I3"
    assert max(len(line) for line in table.splitlines()) <= 70
    assert legend.splitlines()[3:] == [
        "I1 mali-wagner-partnership: A Mali–Wagner security partnership",
        "I2 barkhane-drawdown: The end of Operation Barkhane and the reduction of French forces in the Sahel",
        "I3 french-military-presence: A continued French military presence in the Sahel",
    ]


def test_narrow_terminal_abbreviates_brief_labels(in_compare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("compare", "--issue", "partnership", "timeline")
    assert "actor                           B1        B2          B3\n" in result.stdout
    assert "B2 2021-12-27 deployment-2021-12: The deployment begins\n" in result.stdout


def test_wide_enough_terminal_keeps_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert "mali-wagner-partnership    barkhane-drawdown" in run("compare", SEED).stdout


# -- the core, as an index would feed it -------------------------------------------------------------------------


def _brief(brief_id: str, date: str, stance: str, actor: dict[str, object]) -> BriefRecord:
    data = {
        "id": brief_id,
        "date": date,
        "actors": [actor],
        "issues": [{"id": "x", "statement": "X"}],
        "positions": [{"actor": actor["id"], "issue": "x", "stance": stance}],
    }
    return BriefRecord(brief_id, date, f"{brief_id}.yaml", data)


def test_core_takes_plain_tuples_in_any_order() -> None:
    records = [
        tuple(_brief("b", "2022-01-01", "opposes", {"id": "gov", "name": "Gouvernement malien"})),
        tuple(_brief("a", "2021-01-01", "supports", {"id": "mali", "aliases": ["GOUVERNEMENT MALIEN"]})),
        ("junk", "2020-01-01", "junk.yaml", ["not", "a", "mapping"]),
    ]  # fmt: skip
    comparison = compare(records, issues=["x"])
    assert [b.id for b in comparison.briefs] == ["a", "b"]
    grid = timeline_grid(comparison, "x")
    assert [(row.actor.key, [c.changed for c in row.cells if c]) for row in grid.rows] == [("mali", [False, True])]


def test_core_never_merges_two_actors_of_one_brief() -> None:
    data = {
        "id": "a",
        "date": "2021-01-01",
        "actors": [{"id": "one", "name": "Same"}, {"id": "two", "name": "Same"}],
        "positions": [{"actor": "one", "issue": "x", "stance": "supports"}, {"actor": "two", "issue": "x",
                      "stance": "opposes"}],
    }  # fmt: skip
    grid = issue_grid(compare([BriefRecord("a", "2021-01-01", "a.yaml", data)]))
    assert [row.actor.key for row in grid.rows] == ["one", "two"]


def test_core_survives_malformed_data() -> None:
    data = {
        "id": "bad",
        "actors": "not a list",
        "issues": [{"id": ["x"]}, None],
        "positions": [
            {"actor": "a", "issue": "x", "stance": "opose", "salience": "high", "rationale": "one reason"},
            {"actor": None, "issue": "x"},
            {"actor": "b", "issue": ["x"], "stance": "supports"},
            "garbage",
        ],
        "sources": [{"id": "s", "credibility": True}],
    }
    comparison = compare([BriefRecord("bad", "", "bad.yaml", data)])
    grid = issue_grid(comparison)
    (row,) = grid.rows
    (cell,) = row.cells
    assert cell is not None
    position = cell.positions[0]
    assert (position.stance, position.salience, position.rationale) == ("opose", None, ("one reason",))
    from brief.analysis.grids import cell_text

    assert cell_text(cell) == "'opose'"


# -- start-up ----------------------------------------------------------------------------------------------------


def test_compare_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom brief.cli.main import main\ntry:\n    main(['compare', '--help'])\nexcept SystemExit:\n"
        "    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'tabulate', 'yaml', 'jsonschema_rs', 'jsonschema', 'pycountry', 'sqlite3', 'csv', 'json'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "brief compare [OPTIONS] [REF]..." in result.stdout
    assert result.stdout.splitlines()[-1] == "[]"


def test_simple_table_is_tabulates_simple_layout() -> None:
    import random

    from tabulate import tabulate

    from brief.render.records import simple_table

    rng = random.Random(3)
    cells = ["", "+", "++ H", "-* L", "→ -- H [1]", "(+)* M", "Choguel Maïga", "Côte d’Ivoire", "0", "?", "5+ 1- 0?"]
    for _ in range(200):
        columns = rng.randint(1, 6)
        headers = [rng.choice(["actor", "2021-09-28 mali-wagner-2021", "I1", "x", "totals"]) for _ in range(columns)]
        rows = [[rng.choice(cells) for _ in range(columns)] for _ in range(rng.randint(0, 5))]
        assert simple_table(rows, headers) == tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
