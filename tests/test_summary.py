"""`brief summary`: the digest of a collection or a selection of it, grouped, in text, Markdown and JSON; and the
short summary of one brief (brief.render.summary.brief_summary)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brief.format.checker import Checker
from brief.render.summary import brief_summary
from conftest import COLLECTION, DATA, ROOT, run, run_process

SEED = ROOT / "examples" / "2021-09-mali-wagner.md"


def digest(*args: str) -> dict:
    result = run("summary", str(COLLECTION), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_text_digest_of_the_collection() -> None:
    # exact output is the contract: reviewed by hand once, kept in data/summary-collection.txt
    result = run("summary", str(COLLECTION))
    assert result.stdout == (DATA / "summary-collection.txt").read_text(encoding="utf-8")


def test_json_carries_every_figure() -> None:
    result = digest()
    assert (result["briefs"], result["invalid"]) == (5, 1)
    assert result["date_range"] == {"first": "2021-09-28", "last": "2024-07-08"}
    assert result["months"][0] == {"value": "2021-09", "briefs": 1}
    assert {"value": "ML", "briefs": 3} in result["counts"]["nations"]
    assert result["counts"]["languages"][0] == {"value": "en", "briefs": 3}
    assert {"value": "state", "actors": 3, "briefs": 3} in result["counts"]["actor_kinds"]
    assert result["actors"][0] == {
        "id": "france", "name": "France", "kind": "state", "brief_count": 3,
        "briefs": ["niger-coup-2023", "france-withdrawal-2022", "mali-wagner-2021"],
    }  # fmt: skip
    assert result["contested_issues"] == [
        {
            "issue": "mali-wagner-partnership", "statement": "A Mali–Wagner security partnership",
            "support": ["Malian transitional government"], "oppose": ["France"],
        }
    ]  # fmt: skip
    assert result["stance_changes"] == [
        {
            "actor": "france", "name": "France", "issue": "mali-wagner-partnership",
            "from": {"stance": "opposes", "date": "2021-09-28", "brief": "mali-wagner-2021"},
            "to": {"stance": "strongly-opposes", "date": "2022-02-17", "brief": "france-withdrawal-2022"},
            "explanation": "Wagner deployed in December 2021",
        }
    ]  # fmt: skip
    assert result["brief_list"]["total"] == 5
    assert result["brief_list"]["items"][0]["id"] == "aes-confederation-2024"


def test_filters_and_query_terms_select_what_is_summarised() -> None:
    assert digest("--nation", "NE")["briefs"] == 2
    assert digest("--since", "2023", "--lang", "fr")["briefs"] == 1
    selected = digest("--query", "wagner -tag:draft")
    assert [item["id"] for item in selected["brief_list"]["items"]] == ["mali-wagner-2021"]
    assert selected["stance_changes"] == []


def test_group_by_each_field() -> None:
    by_nation = digest("--by", "nation")["groups"]
    assert [(g["key"], g["label"], g["briefs"]) for g in by_nation][:2] == [
        ("ML", "Mali (ML)", 3),
        ("FR", "France (FR)", 2),
    ]
    assert digest("--by", "month")["groups"][0]["key"] == "2024-07"
    assert digest("--by", "actor")["groups"][0]["key"] == "france"
    assert {g["key"] for g in digest("--by", "region")["groups"]} == {"sahel", "west-africa"}
    assert {g["key"] for g in digest("--by", "domain")["groups"]} == {
        "defence-security",
        "diplomacy",
        "politics-governance",
    }
    text = run("summary", str(COLLECTION), "--by", "nation", "--limit", "1").stdout
    assert "\nMali (ML) — 3 briefs\n  2024-07-08  aes-confederation-2024" in text
    assert "  … and 2 more (--limit 0 for all)" in text


def test_markdown_escapes_brief_text() -> None:
    text = run("summary", str(COLLECTION), "--format", "markdown").stdout
    assert text.startswith("# Summary of 5 briefs\n")
    assert "| Mali courts Wagner |" in text
    assert "## Stance changes" in text


def test_empty_selection() -> None:
    result = run("summary", str(COLLECTION), "--nation", "JP")
    assert result.stdout == "0 briefs\n"
    assert result.exit_code == 0


def test_single_brief_summary_by_id_or_path() -> None:
    by_path = run("summary", str(COLLECTION / "mali-2021.yaml"))
    assert by_path.exit_code == 0
    assert "Bamako negotiates with the Russian private military company" in by_path.stdout
    unknown = run_process("summary", "no-such-brief", cwd=COLLECTION)
    assert unknown.returncode == 2
    assert unknown.stderr.decode().startswith("brief: error: no brief file or id 'no-such-brief'")


def test_piped_into_head_ends_quietly() -> None:
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("brief")
    result = subprocess.run(
        f"'{exe}' summary '{COLLECTION}' --limit 0 | head -1", shell=True, capture_output=True, check=False
    )
    assert result.stdout.decode().startswith("5 briefs")
    assert result.stderr == b""


# -- one brief ----------------------------------------------------------------------------------------------------


def seed_data() -> dict[str, Any]:
    data, result = Checker().load_path(str(SEED))
    assert data is not None and result.valid
    return data


def minimal(**fields: Any) -> dict[str, Any]:
    brief = {
        "schema_version": "1.0",
        "id": "test-brief",
        "title": "A test brief",
        "date": "2024-01-02",
        "language": "en",
    }
    brief.update(fields)
    return brief


def test_brief_summary_of_the_seed() -> None:
    assert brief_summary(seed_data()) == (
        "The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the\n"
        "Fight Against Terrorism\n"
        "mali-wagner-2021 · 2021-09-28\n"
        "\n"
        "Mali's transitional government is forging a military partnership with the\n"
        "Russian private military company Wagner while France redeploys and reduces its\n"
        "forces in the Sahel. France opposes the initiative and is determined to prevent\n"
        "it; the Malian authorities and Russia appear implicitly to agree on it. The move\n"
        "reflects a slow but steady deterioration of Franco-Malian relations, Bamako's\n"
        "wish to secure the country more autonomously, and its use of Moscow's support as\n"
        "leverage over its Western partners.\n"
        "\n"
        "Key judgments:\n"
        "- France will keep trying to prevent the Mali–Wagner partnership from\n"
        "  materialising. (very likely, moderate confidence)\n"
        "- The Malian transitional authorities will conclude a security partnership with\n"
        "  Wagner despite French opposition. (likely, moderate confidence)\n"
        "- Relations between the Malian transitional authorities and France will continue\n"
        "  their slow but steady deterioration. (likely, moderate confidence)\n"
        "- Bamako is using the prospect of Russian support partly as leverage to obtain\n"
        "  stronger engagement from its Western partners. (likely, low confidence)\n"
        "- Strains similar to those between Mali and France will weigh on France's\n"
        "  relations with other Sahel states such as Niger. (roughly even chance, low\n"
        "  confidence)\n"
        "\n"
        "Positions:\n"
        "- A Mali–Wagner security partnership: for Malian transitional government,\n"
        "  Choguel Maïga, Sadio Camara, Russia, Wagner; against France\n"
        "- The end of Operation Barkhane and the reduction of French forces in the Sahel:\n"
        "  for France; against Malian transitional government\n"
        "- A continued French military presence in the Sahel: for France, Malian\n"
        "  transitional government (leaning)\n"
        "\n"
        "Sources: 2 (B2, C2)\n"
    )


def test_brief_summary_grading_and_sides() -> None:
    data = minimal(
        actors=[{"id": "a", "name": "Alpha", "kind": "state"}, {"id": "b", "name": "Beta", "kind": "state"}],
        issues=[{"id": "i", "statement": "An issue"}, {"id": "j", "statement": "A quiet issue"}],
        positions=[
            {"actor": "a", "issue": "i", "stance": "strongly-opposes"},
            {"actor": "b", "issue": "i", "stance": "unknown"},
        ],
        sources=[
            {"id": "s1", "title": "One", "reliability": "C", "credibility": 3},
            {"id": "s2", "title": "Two", "reliability": "A", "credibility": 2},
            {"id": "s3", "title": "Three", "reliability": "B", "credibility": 2},
            {"id": "s4", "title": "Four", "reliability": "B", "credibility": 2},
            {"id": "s5", "title": "Five"},
        ],
    )
    summary = brief_summary(data)
    assert "- An issue: against Alpha (strongly); unknown Beta\n" in summary
    assert "- A quiet issue: no positions\n" in summary
    assert summary.endswith("Sources: 5 (A2, B2 ×2, C3, ungraded)\n")
    assert brief_summary(minimal()).endswith("Sources: none\n")


def test_colour_styles_headings_after_neutralising(monkeypatch: pytest.MonkeyPatch) -> None:
    # the bold escape must reach the terminal as an escape, not neutralised into the text "\x1b[1m"
    monkeypatch.setenv("FORCE_COLOR", "1")
    text = run("summary", str(COLLECTION)).stdout
    assert text.startswith("\x1b[1m5 briefs, ")
    assert "\x1b[1mBy month\x1b[0m\n" in text
    assert "\\x1b" not in text
