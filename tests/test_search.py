"""`brief search`: ranking, accent folding, the query language, safe quoting, exit codes, output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COLLECTION, ROOT, run, run_process


def hits(query: str, *args: str) -> list[str]:
    result = run("search", query, str(COLLECTION), "--format", "ids", *args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout.split()


@pytest.mark.parametrize("query", ["maiga", "Maïga", "MAIGA", "maïga"])
def test_case_and_accent_insensitive(query: str) -> None:
    assert hits(query) == ["mali-wagner-2021"]


def test_ranking_puts_title_matches_first() -> None:
    # "Wagner" is in one title; elsewhere only in actor lists, tags or bodies
    assert hits("wagner")[0] == "mali-wagner-2021"
    assert hits("bloc") == ["aes-confederation-2024"]


def test_phrase_or_not_prefix() -> None:
    assert hits('"choguel maiga"') == ["mali-wagner-2021"]
    assert hits('"maiga defends"') == ["mali-wagner-2021"]
    assert hits('"defends maiga"') == []
    assert sorted(hits("tiani OR bamako")) == ["mali-wagner-2021", "niger-coup-2023"]
    assert hits("france -barkhane") == ["niger-coup-2023"]
    assert hits("france NOT barkhane") == ["niger-coup-2023"]
    assert hits("confed*") == ["aes-confederation-2024"]


def test_field_scopes() -> None:
    assert hits("title:niamey") == ["niger-coup-2023"]
    assert hits("body:tiani") == ["niger-coup-2023"]
    assert hits("title:tiani") == []
    assert hits("summary:bazoum") == ["niger-coup-2023"]


def test_metadata_terms_in_the_query() -> None:
    assert hits("france nation:ML") == ["mali-wagner-2021", "france-withdrawal-2022"] or hits("france nation:ML") == [
        "france-withdrawal-2022",
        "mali-wagner-2021",
    ]
    assert hits("france actor:france stance:opposes") == ["mali-wagner-2021"]
    assert hits("france stance:oppose") in (
        ["mali-wagner-2021", "france-withdrawal-2022"], ["france-withdrawal-2022", "mali-wagner-2021"]
    )  # fmt: skip
    assert hits("france date:2021..2022 -tag:draft") == ["mali-wagner-2021"]
    assert hits("ecowas lang:fr") == ["niger-coup-2023"]


def test_list_filters_apply_to_search() -> None:
    assert hits("ecowas", "--nation", "Burkina Faso") == ["aes-confederation-2024"]


def test_alias_expansion_finds_briefs_using_the_main_name() -> None:
    # only the Niger brief defines CEDEAO as an alias of ECOWAS; the AES brief says "Economic Community…"
    assert sorted(hits("cedeao")) == ["aes-confederation-2024", "niger-coup-2023"]


@pytest.mark.parametrize(
    "query",
    ["AES-confederation", "it's", "bloc's", "AND", "wagner AND", '"unbalanced quote', "*", "wagner *", "a:b:c",
     "NEAR(wagner)", "col:umn", "'single'", "^caret", "title:", "(paren"],
)  # fmt: skip
def test_user_text_never_breaks_fts_syntax(query: str) -> None:
    result = run_process("search", query, str(COLLECTION), "--format", "ids")
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr and b"syntax error" not in result.stderr


def test_hyphenated_id_finds_its_brief() -> None:
    assert hits("AES-confederation") == ["aes-confederation-2024"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("OR wagner", "brief: error: OR needs a search term on each side\n"),
        ("wagner OR", "brief: error: OR needs a search term on each side\n"),
        ("wagner NOT", "brief: error: NOT needs a search term after it\n"),
        ("nation:Xyzzy", "brief: error: unknown nation 'Xyzzy'\n"),
        ("nation:Malli", "brief: error: unknown nation 'Malli'; did you mean ML (Mali)?\n"),
        ("date:yesterday", "brief: error: 'yesterday' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD\n"),
        ("stance:hates", "brief: error: unknown stance 'hates'\n"),
    ],
)
def test_malformed_queries_get_one_line_and_exit_2(query: str, message: str) -> None:
    result = run_process("search", query, str(COLLECTION))
    assert result.returncode == 2
    assert result.stderr.decode() == message


def test_no_hit_exits_1_and_suggests_a_known_name() -> None:
    result = run_process("search", "wagnr", str(COLLECTION))
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode() == "brief: no brief matches 'wagnr'; did you mean 'Wagner'?\n"


def test_json_carries_score_snippet_and_matched_fields() -> None:
    result = run("search", "tiani", str(COLLECTION), "--format", "json")
    document = json.loads(result.output)
    assert list(document) == ["version", "briefs"] and document["version"] == 1
    (record,) = document["briefs"]
    assert record["id"] == "niger-coup-2023"
    assert record["score"] > 0
    assert record["fields"] == ["body"]
    assert record["snippet"] == "Le général Tiani prend le pouvoir. Les putschistes dénoncent la présence française."
    assert record["highlights"] == ["Tiani"]


def test_table_output_without_colour_when_piped() -> None:
    result = run_process("search", "tiani", str(COLLECTION))
    lines = result.stdout.decode().splitlines()
    assert lines[0].split() == ["id", "date", "score", "title", "snippet"]
    assert lines[2].startswith("niger-coup-2023  2023-08-02")
    assert "\x1b" not in result.stdout.decode()


def test_colour_highlights_only_when_forced_and_not_with_no_color() -> None:
    coloured = run_process("search", "tiani", str(COLLECTION), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[1;33mTiani\x1b[0m" in coloured.stdout.decode()
    plain = run_process("search", "tiani", str(COLLECTION), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in plain.stdout.decode()


def test_limit_and_every_hit() -> None:
    assert len(hits("france", "--limit", "1")) == 1
    assert len(hits("france", "--limit", "0")) == 3


def test_reader_leaving_early_is_not_an_error(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    # more output than a pipe holds, so that brief is still writing when the reader leaves
    brief = "schema_version: '1.0'\nid: b-{n}\ntitle: Sahel brief {n}\ndate: 2024-01-01\nlanguage: en\n"
    brief += "summary: " + "a long summary about the sahel " * 20 + "\n"
    for n in range(400):
        (tmp_path / f"b{n}.yaml").write_text(brief.format(n=n), encoding="utf-8")
    exe = Path(sys.executable).with_name("brief")
    command = f"'{exe}' search sahel '{tmp_path}' --limit 0 --format jsonl"
    assert len(subprocess.run(command, shell=True, capture_output=True, check=True).stdout) > 200_000
    result = subprocess.run(
        f"set -o pipefail; {command} | head -c 10 >/dev/null",
        shell=True, executable="/bin/bash", capture_output=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, b"")


def test_actor_descriptions_are_searched(collection_copy: Path) -> None:
    brief = collection_copy / "mali-2021.yaml"
    text = brief.read_text(encoding="utf-8")
    described = "  - {id: france, name: France, kind: state, country: FR, description: Barkhanesque partner}"
    brief.write_text(text.replace("  - {id: france, name: France, kind: state, country: FR}", described), "utf-8")
    result = run("search", "barkhanesque", str(collection_copy), "--format", "ids")
    assert result.stdout.split() == ["mali-wagner-2021"]


@pytest.mark.parametrize("columns", [80, 120])
def test_the_table_fits_the_terminal_with_title_and_snippet(columns: int) -> None:
    result = run_process("search", "wagner", str(ROOT / "examples"), env={"COLUMNS": str(columns)})
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 10 and all(len(line) <= columns for line in lines)
    assert lines[0].split()[-2:] == ["title", "snippet"]
    assert any("…" in line for line in lines[2:])  # shortened to fit
    if columns >= 100:
        assert "date" in lines[0]


def test_scores_are_relative_and_snippets_come_from_prose() -> None:
    result = run("search", "wagner", str(ROOT / "examples"), "--format", "json", "--limit", "0")
    records = json.loads(result.stdout)["briefs"]
    scores = [record["score"] for record in records]
    assert scores[0] == 100 and scores == sorted(scores, reverse=True) and all(0 < s <= 100 for s in scores)
    assert all(record["bm25"] > 0 for record in records)
    for record in records:  # a brief that says "Wagner" in its prose is quoted from its prose, not its actor list
        prose = [field for field in ("summary", "judgments", "body") if field in record["fields"]]
        if prose:
            assert "Wagner Group PMC Wagner" not in record["snippet"]


@pytest.mark.parametrize(
    "query",
    ["wagner", "maiga", "wagnr", '"choguel maiga"', '"defends maiga"', "tiani OR bamako", "france -barkhane",
     "confed*", "title:tiani", "body:tiani", "france nation:ML", "france actor:france stance:opposes",
     "france date:2021..2022 -tag:draft", "ecowas lang:fr", "nation:ML", "-wagner", "wagner nation:ZA"],
)  # fmt: skip
def test_search_any_is_whether_search_finds_anything(query: str) -> None:
    """`brief search -q` asks search_any, which stops at the first hit instead of ranking them all: it must say
    exactly whether the full search finds something, with filters or without."""
    from brief.collection.config import collection
    from brief.collection.index import open_index
    from brief.query.filters import Filters
    from brief.query.language import parse_search
    from brief.query.search import search_any, search_ids

    index = open_index(collection([str(COLLECTION)]))
    db = index.connection()
    parsed = parse_search(query)
    for filters in (Filters(), Filters(nations=["NE"]), Filters(tags=["no-such-tag"])):
        assert search_any(db, parsed, filters) == bool(search_ids(db, parsed, filters, None)), filters
    code = run_process("search", "-q", "--", query, str(COLLECTION)).returncode
    assert code == (0 if search_ids(db, parsed, Filters(), None) else 1)
    index.close()
