"""`brief list`: filters on every metadata field, sorting, counting, output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COLLECTION, run


def ids(*args: str) -> list[str]:
    result = run("list", str(COLLECTION), "--format", "ids", *args)
    assert result.exit_code == 0, result.output
    return result.output.split()


def test_default_table_lists_every_brief_by_date_with_invalid_marked(
    monkeypatch: pytest.MonkeyPatch, collection_copy: Path
) -> None:
    monkeypatch.chdir(collection_copy)  # no configuration above a temporary folder: the current folder is used
    result = run("list")
    assert result.output == (
        "id                      date        title                          nations     status\n"
        "----------------------  ----------  -----------------------------  ----------  ---------\n"
        "mali-wagner-2021        2021-09-28  Mali courts Wagner             ML, FR\n"
        "france-withdrawal-2022  2022-02-17  France leaves Mali             ML, FR\n"
        "broken-brief            2022-05-01  A brief with an error                      ✗ 1 error\n"
        "niger-coup-2023         2023-08-02  Coup in Niamey                 NE\n"
        "aes-confederation-2024  2024-07-08  The AES-confederation is born  ML, BF, NE\n"
    )


@pytest.mark.parametrize("value", ["ML", "ml", "Mali", "MALI", "mali"])
def test_nation_by_code_or_name(value: str) -> None:
    assert ids("--nation", value) == ["mali-wagner-2021", "france-withdrawal-2022", "aes-confederation-2024"]


@pytest.mark.parametrize("value", ["NE", "Niger", "niger"])
def test_nation_in_english_or_french(value: str) -> None:
    assert ids("--nation", value) == ["niger-coup-2023", "aes-confederation-2024"]


def test_french_name_with_accents() -> None:
    assert ids("--nation", "Burkina Faso") == ids("--nation", "bf") == ["aes-confederation-2024"]


def test_repeated_options_or_within_and_across_fields() -> None:
    assert ids("--nation", "FR", "--nation", "NE") == [
        "mali-wagner-2021", "france-withdrawal-2022", "niger-coup-2023", "aes-confederation-2024"
    ]  # fmt: skip
    assert ids("--nation", "FR", "--nation", "NE", "--tag", "ecowas") == ["niger-coup-2023", "aes-confederation-2024"]


def test_each_metadata_filter() -> None:
    assert ids("--region", "west-africa") == ["mali-wagner-2021"]
    assert ids("--domain", "DIPLOMACY") == ["aes-confederation-2024"]
    assert ids("--tag", "barkhane") == ["mali-wagner-2021", "france-withdrawal-2022"]
    assert ids("--lang", "fr") == ["niger-coup-2023"]
    assert ids("--issue", "mali-wagner-partnership") == ["mali-wagner-2021", "france-withdrawal-2022"]
    assert ids("--author", "traore") == ["mali-wagner-2021", "aes-confederation-2024"]
    assert ids("--since", "2023") == ["niger-coup-2023", "aes-confederation-2024"]
    assert ids("--until", "2022") == ["mali-wagner-2021", "france-withdrawal-2022", "broken-brief"]
    assert ids("--since", "2022-02", "--until", "2022-02") == ["france-withdrawal-2022"]


@pytest.mark.parametrize("value", ["choguel-maiga", "Choguel Maïga", "choguel maiga", "CHOGUEL KOKALLA MAIGA"])
def test_actor_by_id_name_or_alias_accent_insensitive(value: str) -> None:
    assert ids("--actor", value) == ["mali-wagner-2021"]


def test_actor_alias_across_briefs() -> None:
    assert ids("--actor", "cedeao") == ["niger-coup-2023"]
    assert ids("--actor", "ecowas") == ["niger-coup-2023", "aes-confederation-2024"]


def test_where_any_schema_field() -> None:
    assert ids("--where", "original_language=fr") == ["mali-wagner-2021"]
    assert ids("--where", "actors.kind=coalition") == ["aes-confederation-2024"]
    assert ids("--where", "positions.basis=inferred") == ["niger-coup-2023"]


def test_invalid_only() -> None:
    assert ids("--invalid") == ["broken-brief"]


def test_sort_reverse_limit_count() -> None:
    assert ids("--sort", "title", "--limit", "2") == ["broken-brief", "niger-coup-2023"]
    assert ids("--sort", "id", "-r", "--limit", "1") == ["niger-coup-2023"]
    assert run("list", str(COLLECTION), "--count", "--nation", "ML").output == "3\n"


def test_json_has_the_documented_fields() -> None:
    result = run("list", str(COLLECTION), "--format", "json", "--nation", "NE", "--lang", "fr")
    document = json.loads(result.output)
    assert list(document) == ["version", "briefs"] and document["version"] == 1
    (record,) = document["briefs"]
    assert record["id"] == "niger-coup-2023"
    assert record["path"].endswith("niger-2023.md")
    assert (record["title"], record["date"], record["nations"], record["valid"]) == (
        "Coup in Niamey", "2023-08-02", ["NE"], True
    )  # fmt: skip


def test_jsonl_csv_markdown_and_tablefmt() -> None:
    jsonl = run("list", str(COLLECTION), "--format", "jsonl", "--tag", "barkhane").output.splitlines()
    assert [json.loads(line)["id"] for line in jsonl] == ["mali-wagner-2021", "france-withdrawal-2022"]
    csv = run("list", str(COLLECTION), "--format", "csv", "--tag", "barkhane").output.splitlines()
    assert csv[0] == "id,date,title,nations,status,path"
    assert csv[1].startswith('mali-wagner-2021,2021-09-28,Mali courts Wagner,"ML, FR",,')
    markdown = run("list", str(COLLECTION), "--format", "markdown", "--tag", "draft").output.splitlines()
    assert markdown[0].startswith("| id ")
    grid = run("list", str(COLLECTION), "--tablefmt", "grid", "--tag", "draft").output
    assert grid.startswith("+---")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nation", "Narnia"], "brief: error: unknown nation 'Narnia'"),
        (["--region", "sahl"], "brief: error: unknown region 'sahl'; did you mean 'sahel'?"),
        (
            ["--where", "actors.knd=state"],
            "brief: error: --where: no field 'actors.knd' in the schema; did you mean 'kind'?",
        ),
    ],
)
def test_bad_filter_values_are_usage_errors(args: list[str], message: str) -> None:
    from conftest import run_process

    result = run_process("list", str(COLLECTION), *args)
    assert result.returncode == 2
    assert result.stderr.decode().startswith(message)
    assert b"Traceback" not in result.stderr


def test_bad_option_types_are_usage_errors() -> None:
    from conftest import run_process

    for args in (["--since", "last year"], ["--where", "no-equals"], ["--tablefmt", "nope"]):
        result = run_process("list", str(COLLECTION), *args)
        assert result.returncode == 2, args
        assert b"Traceback" not in result.stderr


def test_collection_from_brief_toml_and_dash_c(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "deep" / "er").mkdir(parents=True)
    (project / "brief.toml").write_text(f'paths = ["{COLLECTION}"]\n', encoding="utf-8")
    result = run("-C", str(project / "deep" / "er"), "list", "--format", "ids", "--tag", "draft")
    assert result.output == "france-withdrawal-2022\n"


def test_collection_from_pyproject_tool_brief(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.brief]\npaths = ["{COLLECTION / "sub"}"]\n', encoding="utf-8")
    assert run("-C", str(tmp_path), "list", "--format", "ids").output == "aes-confederation-2024\n"


def test_this_repository_points_at_its_examples() -> None:
    from conftest import ROOT

    result = run("-C", str(ROOT), "list", "--format", "ids", "--limit", "1", "--sort", "date")
    assert result.output == "mali-wagner-2021\n"


def test_bad_configuration_is_a_usage_error(tmp_path: Path) -> None:
    from conftest import run_process

    (tmp_path / "brief.toml").write_text("paths = [\n", encoding="utf-8")
    result = run_process("-C", str(tmp_path), "list")
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"brief: error: {tmp_path}/brief.toml: cannot read configuration")
