"""brief as a library (docs/api.md), without the command line: the example runs and is typed, and each function
gives what its command gives."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import brief
import brief.api
from conftest import COLLECTION, DATA, ROOT

DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"


def example() -> str:
    block = DOC[DOC.index("<!-- api-example:start") : DOC.index("<!-- api-example:end -->")]
    return block[block.index("```python\n") + len("```python\n") : block.rindex("```")]


def test_the_documented_example_runs_without_the_command_line(tmp_path: Path) -> None:
    probe = example() + (
        "\nimport sys\n"
        "print('LOADED=' + ','.join(sorted(m for m in sys.modules if m.startswith('brief.cli') or m == 'click')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "mali-wagner-2021 2021-09-28 ['Malian transitional government', 'Choguel Maïga', 'Sadio Camara']"
    assert "tests/data/invalid/references.yaml:17:28: no issue with id 'partnershp'; did you mean 'partnership'? " \
           "[unresolved-reference]" in lines  # fmt: skip
    assert "not a query: 'yesterday' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD" in lines
    assert lines[-1] == "LOADED="  # neither click nor any of brief's command-line modules


def test_the_documented_example_is_typed(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(example(), encoding="utf-8")
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(mypy), "--strict", "--no-incremental", str(script)], cwd=ROOT, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_every_name_is_the_api_s_and_documented() -> None:
    for name in brief.__all__:
        assert hasattr(brief, name), name
        if name != "__version__":
            assert getattr(brief, name) is getattr(brief.api, name)
            assert f"`brief.{name}(" in DOC or f"`{name}`" in DOC, f"document {name} in docs/api.md"
    assert set(brief.__all__) - {"__version__"} == set(brief.api.__all__)
    assert set(brief.__all__) <= set(dir(brief))
    with pytest.raises(AttributeError):
        _ = brief.no_such_thing  # type: ignore[attr-defined]


# -- one file --------------------------------------------------------------------------------------------------------


def test_check_reports_every_problem_with_its_position() -> None:
    assert brief.check(EXAMPLES / "2021-09-mali-wagner.md").valid
    result = brief.check(DATA / "invalid" / "references.yaml")
    assert not result.valid and len(result.diagnostics) == 9
    first = result.diagnostics[0]
    assert (first.line, first.column, first.path, first.rule) == (5, 10, "$.updated", "date-order")
    binary = brief.check(str(DATA / "invalid" / "binary.yaml"))
    assert [d.rule for d in binary.diagnostics] == ["binary-file"]


def test_load_gives_the_normalised_brief_show_prints() -> None:
    data, result = brief.load(COLLECTION / "niger-2023.md")
    assert result.valid and data is not None
    assert list(data)[:3] == ["schema_version", "id", "title"]  # the schema's order
    assert data["body"].startswith("Le général Tiani")  # the .md body as a field
    assert data["nations"] == ["NE"]
    assert brief.load(DATA / "invalid" / "yaml-syntax.yaml")[0] is None


def test_a_team_schema_applies(tmp_path: Path) -> None:
    import json

    strict = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    strict["required"] = [*strict["required"], "tlp"]
    schema = tmp_path / "team.json"
    schema.write_text(json.dumps(strict), encoding="utf-8")
    result = brief.check(EXAMPLES / "2021-09-mali-wagner.md", schema=schema)
    assert [d.rule for d in result.diagnostics] == ["schema-required"]


def test_validate_checks_folders_in_order_across_files(tmp_path: Path) -> None:
    shutil.copy(COLLECTION / "mali-2021.yaml", tmp_path / "a.yaml")
    shutil.copy(COLLECTION / "mali-2021.yaml", tmp_path / "b.yaml")
    results = list(brief.validate([tmp_path], jobs=1))
    assert [Path(r.file).name for r in results] == ["a.yaml", "b.yaml"]
    assert [d.rule for d in results[1].diagnostics] == ["duplicate-brief-id"]
    with pytest.raises(brief.ConfigError):
        list(brief.validate([tmp_path / "missing"]))
    assert isinstance(brief.ConfigError("x"), brief.BriefError)


# -- a collection -----------------------------------------------------------------------------------------------------


@pytest.fixture
def index(collection_copy: Path) -> Iterator[brief.Index]:
    opened = brief.open_collection([collection_copy])
    yield opened
    opened.close()


def test_list_and_filters(index: brief.Index) -> None:
    records = brief.list_briefs(index, sort="id")
    assert [r["id"] for r in records] == ["aes-confederation-2024", "broken-brief", "france-withdrawal-2022",
                                          "mali-wagner-2021", "niger-coup-2023"]  # fmt: skip
    assert not any(key.startswith("_") for record in records for key in record)
    assert Path(records[0]["path"]).is_absolute()
    niger = brief.filters(nations=["Niger"], langs=["fr"])
    assert [r["id"] for r in brief.list_briefs(index, niger)] == ["niger-coup-2023"]
    assert [r["id"] for r in brief.list_briefs(index, brief.filters(invalid=True))] == ["broken-brief"]
    with pytest.raises(brief.QueryError):
        brief.filters(nations=["Atlantis"])


def test_search_ranks_and_highlights(index: brief.Index) -> None:
    hits = brief.search(index, "tiani")
    assert [h["id"] for h in hits] == ["niger-coup-2023"]
    assert hits[0]["score"] == 100 and hits[0]["fields"] == ["body"]
    assert hits[0]["highlights"] == ["Tiani"] and "\ue000" not in hits[0]["snippet"]
    assert brief.search(index, "maiga", brief.filters(nations=["NE"])) == []
    assert len(brief.search(index, "wagner", limit=None)) >= len(brief.search(index, "wagner", limit=1)) == 1
    with pytest.raises(brief.QueryError):
        brief.search(index, "OR")


def test_an_index_is_as_fresh_as_when_opened_or_refreshed(index: brief.Index, collection_copy: Path) -> None:
    (collection_copy / "niger-2023.md").unlink()
    assert [h["id"] for h in brief.search(index, "tiani")] == ["niger-coup-2023"]  # as it was when opened
    assert index.refresh().removed == 1
    assert brief.search(index, "tiani") == []
    reopened = brief.open_collection([collection_copy])
    assert brief.search(reopened, "tiani") == []
    reopened.close()


def test_summarise_as_the_summary_json(index: brief.Index) -> None:
    overview = brief.summarise(index, top=2, by="nation")
    assert overview["briefs"] == 5 and overview["invalid"] == 1
    assert len(overview["actors"]) == 2
    assert {group["key"] for group in overview["groups"]} >= {"ML", "NE"}
    assert brief.summarise(index, query="tiani")["briefs"] == 1


def test_resolve_names_a_brief_by_file_id_or_prefix(collection_copy: Path) -> None:
    by_id = brief.resolve("niger-coup", [collection_copy])
    assert Path(by_id.path).name == "niger-2023.md" and by_id.data is not None and by_id.result.valid
    assert brief.resolve(str(collection_copy / "mali-2021.yaml")).data is not None
    with pytest.raises(brief.RefError) as raised:
        brief.resolve("niger-cuop-2023", [collection_copy])
    assert raised.value.candidates == ["niger-coup-2023"]


def test_signatures_are_typed() -> None:
    for name in ("check", "load", "validate", "open_collection", "filters", "list_briefs", "search", "summarise",
                 "resolve"):  # fmt: skip
        function = getattr(brief.api, name)
        assert "return" in function.__annotations__, name
        assert all(re.match(r"[\w\[\]|., ]+$", str(kind)) for kind in function.__annotations__.values()), name
