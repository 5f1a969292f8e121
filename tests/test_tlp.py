"""Handling markings: the `tlp` field (TLP 2.0), the collection's default, and what list, search, show and
summary make of them. The rule that withholds briefs from exports is tested here too, for every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brief.base.fields import tlp
from brief.base.vocabulary import TLP_LEVELS, TLP_RANK
from conftest import run

# the marking each brief of tests/data/collection is given below; None: none of its own
OWN = {
    "mali-wagner-2021": "red",
    "france-withdrawal-2022": "amber+strict",
    "niger-coup-2023": "green",
    "broken-brief": None,
    "aes-confederation-2024": None,
}
FILES = {
    "mali-wagner-2021": "mali-2021.yaml",
    "france-withdrawal-2022": "draft-2022.yaml",
    "niger-coup-2023": "niger-2023.md",
}


EXTRA = """\
relations:
  - {actors: [mali-government, france], kind: tension, sources: [src]}
key_judgments:
  - {statement: Paris will not change course., likelihood: likely, confidence: moderate, sources: [src]}
sources:
  - {id: src, title: A source, reliability: B, credibility: 2}
"""


def mark(folder: Path, default: str | None = "amber") -> Path:
    """Give the briefs of a copy of tests/data/collection their markings, and the collection a default."""
    for ident, name in FILES.items():
        path = folder / name
        text = path.read_text(encoding="utf-8").replace(f"id: {ident}\n", f"id: {ident}\ntlp: {OWN[ident]}\n", 1)
        if name.endswith(".yaml"):  # something for every table of an export (before the body, if any)
            head, body, tail = text.partition("body: |")
            path.write_text(head + EXTRA + body + tail, encoding="utf-8")
        else:
            path.write_text(text, encoding="utf-8")
    config = folder / "brief.toml"
    config.write_text(f'tlp = "{default}"\n' if default else "", encoding="utf-8")
    return folder


@pytest.fixture
def marked(collection_copy: Path) -> Path:
    return mark(collection_copy)


def ids(folder: Path, *args: str, command: str = "list") -> list[str]:
    result = run("-C", str(folder), command, *args, "--format", "ids")
    assert result.exit_code in (0, 1), result.output
    return result.output.split()


def test_the_vocabulary_orders_the_labels_from_least_to_most_restricted() -> None:
    assert list(TLP_LEVELS) == ["clear", "green", "amber", "amber+strict", "red"]
    assert TLP_LEVELS["amber+strict"] == "TLP:AMBER+STRICT"
    assert sorted(TLP_LEVELS, key=TLP_RANK.__getitem__) == list(TLP_LEVELS)


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        (None, None, None),
        (None, "amber", "amber"),
        ("green", "amber", "green"),
        ("AMBER+STRICT", None, "amber+strict"),
        ("TLP:RED", None, "red"),
        ("yellow", None, "red"),  # a marking that cannot be read never lets a brief out
        (3, "clear", "red"),
    ],
)
def test_reading_a_marking(value: object, default: str | None, expected: str | None) -> None:
    assert tlp(value, default) == expected


def test_the_schema_accepts_the_five_labels_only(tmp_path: Path) -> None:
    brief = 'schema_version: "1.0"\nid: a\ntitle: A\ndate: 2024-01-01\nlanguage: en\ntlp: {}\n'
    (tmp_path / "good.yaml").write_text(brief.format("amber+strict"), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(brief.format("ambre"), encoding="utf-8")
    assert run("validate", str(tmp_path / "good.yaml")).exit_code == 0
    result = run("validate", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 1
    assert "$.tlp: 'ambre' is not allowed; did you mean 'amber'? [schema-enum]" in result.output


def test_list_filters_on_the_marking_or_the_default(marked: Path) -> None:
    assert ids(marked, "--tlp", "red") == ["mali-wagner-2021"]
    assert ids(marked, "--tlp", "amber") == ["broken-brief", "aes-confederation-2024"]  # the default
    assert ids(marked, "--tlp", "green", "--tlp", "amber+strict") == ["france-withdrawal-2022", "niger-coup-2023"]
    assert ids(marked, "--tlp", "clear") == []


def test_list_json_gives_each_brief_its_marking(marked: Path) -> None:
    records = json.loads(run("-C", str(marked), "list", "--format", "json").output)["briefs"]
    assert {record["id"]: record["tlp"] for record in records} == {ident: own or "amber" for ident, own in OWN.items()}


def test_search_language_knows_tlp(marked: Path) -> None:
    assert ids(marked, "tlp:amber", command="search") == ["broken-brief", "aes-confederation-2024"]
    assert ids(marked, "barkhane -tlp:red", command="search") == ["france-withdrawal-2022"]
    assert ids(marked, "tlp:amber+strict", command="search") == ["france-withdrawal-2022"]
    assert ids(marked, "tlp:TLP:GREEN", command="search") == ["niger-coup-2023"]


def test_unknown_markings_are_usage_errors(marked: Path) -> None:
    result = run("-C", str(marked), "search", "tlp:ambre")
    assert result.exit_code == 2
    assert "unknown TLP marking 'ambre'; did you mean 'amber'?" in result.output
    assert run("-C", str(marked), "list", "--tlp", "yellow").exit_code == 2


def test_the_configured_default_is_checked(collection_copy: Path) -> None:
    (collection_copy / "brief.toml").write_text('tlp = "orange"\n', encoding="utf-8")
    result = run("-C", str(collection_copy), "list")
    assert result.exit_code == 2
    assert "'tlp' must be one of clear, green, amber, amber+strict, red, not 'orange'" in result.output


def test_a_changed_default_applies_at_once_without_a_rebuild(marked: Path) -> None:
    assert ids(marked, "--tlp", "amber") == ["broken-brief", "aes-confederation-2024"]
    (marked / "brief.toml").write_text('tlp = "green"\n', encoding="utf-8")
    result = run("-C", str(marked), "list", "--tlp", "green", "--format", "ids")
    assert result.output.split() == ["broken-brief", "niger-coup-2023", "aes-confederation-2024"]
    assert "rebuilding" not in result.output
    (marked / "brief.toml").write_text("", encoding="utf-8")  # no default: unmarked
    assert ids(marked, "--tlp", "green") == ["niger-coup-2023"]


def test_show_puts_the_banner_first_in_text_and_markdown(marked: Path) -> None:
    text = run("-C", str(marked), "show", "mali-wagner-2021", "--no-pager").output
    assert text.startswith("TLP:RED\n\nMali courts Wagner\n")
    only = run("-C", str(marked), "show", "mali-wagner-2021", "--section", "sources", "--no-pager").output
    assert only.startswith("TLP:RED\n\nSOURCES\n")
    markdown = run("-C", str(marked), "show", "niger-coup-2023", "--format", "markdown").output
    assert markdown.startswith("**TLP:GREEN**\n\n# Coup in Niamey\n")


def test_show_applies_the_default_to_a_brief_without_a_marking(marked: Path) -> None:
    text = run("-C", str(marked), "show", "aes-confederation-2024", "--no-pager").output
    assert text.startswith("TLP:AMBER\n\n")
    data = json.loads(run("-C", str(marked), "show", "aes-confederation-2024", "--format", "json").output)["brief"]
    assert data["tlp"] == "amber"
    assert list(data).index("tlp") == list(data).index("tags") + 1  # in schema order
    yaml_text = run("-C", str(marked), "show", "aes-confederation-2024", "--format", "yaml").output
    assert "\ntlp: amber\n" in yaml_text


def test_an_unmarked_brief_has_no_banner(collection_copy: Path) -> None:
    text = run("-C", str(collection_copy), "show", "mali-wagner-2021", "--no-pager").output
    assert text.startswith("Mali courts Wagner\n")
    assert "tlp" not in json.loads(
        run("-C", str(collection_copy), "show", "mali-wagner-2021", "--format", "json").output
    )["brief"]


def test_summary_counts_briefs_by_marking(marked: Path) -> None:
    text = run("-C", str(marked), "summary").output
    assert "\nTLP          green 1 · amber 2 · amber+strict 1 · red 1\n" in text
    counts = json.loads(run("-C", str(marked), "summary", "--format", "json").output)["counts"]
    assert counts["tlp"] == [
        {"value": "green", "briefs": 1}, {"value": "amber", "briefs": 2},
        {"value": "amber+strict", "briefs": 1}, {"value": "red", "briefs": 1},
    ]  # fmt: skip
    markdown = run("-C", str(marked), "summary", "--format", "markdown").output
    assert "| TLP | green 1 · amber 2 · amber+strict 1 · red 1 |" in markdown


def test_summary_without_markings_has_no_tlp_line(collection_copy: Path) -> None:
    assert "\nTLP " not in run("-C", str(collection_copy), "summary").output
    counts = json.loads(run("-C", str(collection_copy), "summary", "--format", "json").output)["counts"]
    assert counts["tlp"] == [{"value": None, "briefs": 5}]


def test_summary_names_unmarked_briefs_beside_marked_ones(collection_copy: Path) -> None:
    mark(collection_copy, default=None)
    text = run("-C", str(collection_copy), "summary").output
    assert "\nTLP          green 1 · amber+strict 1 · red 1 · unmarked 2\n" in text


# -- the rule that withholds briefs from exports -------------------------------------------------------------------

ABOVE_AMBER = {"mali-wagner-2021": "Mali courts Wagner", "france-withdrawal-2022": "France leaves Mali"}
FORMATS = [
    ["--format", "json"],
    ["--format", "ndjson"],
    ["--bulk", "briefs"],
    ["--format", "stix"],
    *(["--format", "csv", "--table", table] for table in ("briefs", "positions", "actors", "relations", "judgments",
                                                           "sources")),
]  # fmt: skip


def decoded(output: object) -> str:
    """A process's output as text (conftest.run_process captures bytes)."""
    return output.decode() if isinstance(output, bytes) else str(output)


def export(folder: Path, *args: str) -> tuple[int, str, str]:
    from conftest import run_process

    result = run_process("-C", str(folder), "export", *args)
    return result.returncode, decoded(result.stdout), decoded(result.stderr)


@pytest.mark.parametrize("args", FORMATS, ids=lambda args: " ".join(args))
def test_briefs_above_the_limit_are_withheld_from_every_format_and_counted(marked: Path, args: list[str]) -> None:
    code, out, err = export(marked, *args)
    assert code == 1  # broken.yaml: invalid, left out
    assert (
        "brief: withheld 2 briefs marked above TLP:AMBER: 1 TLP:AMBER+STRICT, 1 TLP:RED (--max-tlp red exports them)"
        in err
    )
    for ident, title in ABOVE_AMBER.items():
        assert ident not in out and title not in out
    if args[-1] not in ("relations", "judgments", "sources"):  # (only the briefs withheld have some)
        assert "niger-coup-2023" in out or "Coup in Niamey" in out
    if args[1] == "stix":
        assert "TLP:RED" not in out and "TLP:AMBER+STRICT" not in out
        assert "TLP:AMBER" in out and "TLP:GREEN" in out


@pytest.mark.parametrize("args", FORMATS, ids=lambda args: " ".join(args))
def test_a_limit_asked_for_by_name_exports_them(marked: Path, args: list[str]) -> None:
    _, out, err = export(marked, *args, "--max-tlp", "red")
    assert "withheld" not in err
    for ident, title in ABOVE_AMBER.items():
        assert ident in out or title in out


def test_the_limit_can_be_lowered(marked: Path) -> None:
    _, out, err = export(marked, "--format", "ndjson", "--max-tlp", "green")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["niger-coup-2023"]
    assert "withheld 4 briefs marked above TLP:GREEN: 2 TLP:AMBER, 1 TLP:AMBER+STRICT, 1 TLP:RED" in err
    _, out, err = export(marked, "--format", "ndjson", "--max-tlp", "amber+strict")
    assert "withheld 1 brief marked above TLP:AMBER+STRICT: 1 TLP:RED (--max-tlp red exports them)" in err
    assert "france-withdrawal-2022" in out


def test_exports_carry_each_briefs_marking(marked: Path) -> None:
    _, out, _ = export(marked, "--format", "ndjson", "--max-tlp", "red", "--include-invalid")
    assert {json.loads(line)["id"]: json.loads(line)["tlp"] for line in out.splitlines()} == {
        ident: own or "amber" for ident, own in OWN.items()
    }
    _, out, _ = export(marked, "--format", "stix", "--max-tlp", "red")
    bundle = json.loads(out)
    from brief.export.stix import TLP_MARKINGS

    reports = {obj["name"]: obj["object_marking_refs"] for obj in bundle["objects"] if obj["type"] == "report"}
    assert reports["Mali courts Wagner"] == [TLP_MARKINGS["red"]]
    assert reports["Coup in Niamey"] == [TLP_MARKINGS["green"]]
    assert reports["The AES-confederation is born"] == [TLP_MARKINGS["amber"]]
    definitions = [obj["name"] for obj in bundle["objects"] if obj["type"] == "marking-definition"]
    assert definitions == ["TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
    assert all("object_marking_refs" in obj for obj in bundle["objects"] if obj["type"] not in (
        "marking-definition", "extension-definition") and obj.get("name") != "brief")  # fmt: skip


def test_the_file_decides_when_it_changed_after_the_index(marked: Path) -> None:
    """Read with --no-refresh, the index still says amber; the file, read to be exported, says red."""
    assert export(marked, "--format", "ndjson")[0] == 1  # builds the index
    path = marked / "sub" / "aes-2024.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"id": ', '"tlp": "red", "id": ', 1), encoding="utf-8")
    _, out, err = export(marked, "--format", "ndjson", "--no-refresh")
    assert "aes-confederation-2024" not in out
    assert "withheld 3 briefs marked above TLP:AMBER: 1 TLP:AMBER+STRICT, 2 TLP:RED" in err


def test_unmarked_briefs_are_exported_and_said_to_be(collection_copy: Path) -> None:
    mark(collection_copy, default=None)
    _, out, err = export(collection_copy, "--format", "ndjson")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["niger-coup-2023", "aes-confederation-2024"]
    assert "brief: notice: 1 brief exported without a TLP marking" in err
    assert "tlp" not in json.loads(out.splitlines()[1])
