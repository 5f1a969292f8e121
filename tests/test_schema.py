"""The bundled schema: valid 2020-12, documented, vocabularies as enums, formats enforced, ISO lists current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pycountry
import pytest

from brief.base.vocabulary import SCHEMA_ENUMS
from brief.format.checker import Checker
from brief.format.schema import bundled_schema_path
from conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))


def walk(node: Any, path: str = "#") -> Any:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def test_schema_passes_the_2020_12_metaschema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"]
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_property_has_a_description() -> None:
    missing = [
        f"{path}/properties/{name}"
        for path, node in walk(SCHEMA)
        for name, sub in (node.get("properties") or {}).items()
        if isinstance(node.get("properties"), dict) and "description" not in sub
    ]
    assert missing == []


def test_schema_version_field_exists() -> None:
    assert "schema_version" in SCHEMA["required"]


def test_country_and_language_enums_match_iso_lists() -> None:
    assert SCHEMA["$defs"]["country"]["enum"] == sorted(c.alpha_2 for c in pycountry.countries)
    languages = sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    assert SCHEMA["$defs"]["language"]["enum"] == languages


FORMAT_SAMPLES = {"date": ("2021-09-20", "2021-02-30"), "uri": ("https://example.org/a", "not a uri")}


def test_every_format_used_is_enforced() -> None:
    used = {node["format"] for _, node in walk(SCHEMA) if isinstance(node.get("format"), str)}
    assert used <= set(FORMAT_SAMPLES), f"add samples for {used - set(FORMAT_SAMPLES)}"
    for fmt in used:
        good, bad = FORMAT_SAMPLES[fmt]
        # the same options brief compiles its schema with (brief.schema.CompiledSchema)
        validator = jsonschema_rs.validator_for(
            {"type": "string", "format": fmt}, validate_formats=True, ignore_unknown_formats=False
        )
        assert validator.is_valid(good), fmt
        assert not validator.is_valid(bad), fmt


@pytest.mark.parametrize("field", ["date", "updated"])
def test_invalid_dates_are_rejected_by_the_bundled_validator(field: str) -> None:
    brief = {"schema_version": "1.0", "id": "x", "title": "t", "date": "2021-01-01", "language": "en"}
    brief[field] = "2021-02-30"
    assert not Checker().schema.validator.is_valid(brief)


def test_bundled_schema_is_the_repository_schema() -> None:
    assert json.loads(Path(bundled_schema_path()).read_text(encoding="utf-8")) == SCHEMA


def test_stance_vocabularies_in_the_code_follow_the_schema() -> None:
    from brief.base.vocabulary import STANCE_GROUPS, STANCES, SUPPORTING

    stances = SCHEMA["$defs"]["position"]["properties"]["stance"]["enum"]
    assert list(STANCES) == stances
    assert set(STANCE_GROUPS["support"]) == set(SUPPORTING)
    assert set(STANCE_GROUPS["support"]) | set(STANCE_GROUPS["oppose"]) == set(stances) - {"neutral", "unknown"}


@pytest.mark.parametrize("location", sorted(SCHEMA_ENUMS))
def test_every_vocabulary_lists_the_schema_enum_in_order(location: str) -> None:
    node = SCHEMA
    for part in location.split("/"):
        node = node[part]
    assert list(SCHEMA_ENUMS[location]) == node["enum"]


def test_shipped_names_match_pycountry() -> None:
    from brief.base.names import NAMES_FILE, build

    assert json.loads(NAMES_FILE.read_text(encoding="utf-8")) == build(), "regenerate: python -m brief.names"


# --- `--schema`: brief schemas and foreign ones ---------------------------------------------------------------

BUNDLED_ID = SCHEMA["$id"]
BRIEF = (
    'schema_version: "1.0"\nid: b\ntitle: Title\ndate: 2021-09-20\nupdated: 2021-09-01\nlanguage: en\n'
    "nations: [France]\npositions: [{actor: nobody, issue: none, stance: supports}]\n"
)
FORMAT_RULES = {"date-order", "unresolved-reference"}


def check_with(tmp_path: Path, schema: Any, text: str = BRIEF, name: str = "user.json") -> list[tuple[str, str]]:
    path = tmp_path / name
    path.write_text(json.dumps(schema), encoding="utf-8")
    _, result = Checker(str(path)).load_bytes(text.encode(), "b.yaml", "yaml")
    return [(d.rule, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(
    "schema",
    [
        {"$id": BUNDLED_ID, "type": "object"},  # the bundled schema, edited: it keeps its $id
        {"$ref": BUNDLED_ID},
        {"allOf": [{"$ref": BUNDLED_ID + "#"}], "required": ["summary"]},
    ],
    ids=["same-id", "ref", "allOf"],
)
def test_schemas_that_extend_the_bundled_one_keep_the_format_rules(tmp_path: Path, schema: Any) -> None:
    from brief.format.schema import extends_bundled

    assert extends_bundled(schema, BUNDLED_ID)
    rules = {rule for rule, _ in check_with(tmp_path, schema)}
    assert rules >= FORMAT_RULES


def test_extending_through_allof_applies_both_schemas_offline(tmp_path: Path) -> None:
    schema = {"allOf": [{"$ref": BUNDLED_ID}], "required": ["summary"]}
    found = check_with(tmp_path, schema, BRIEF.replace("stance: supports", "stance: opose"))
    assert ("schema-required", "missing required field 'summary'") in found
    assert any(rule == "schema-enum" for rule, _ in found)  # the bundled schema's enum, from its $id
    assert not any("country" in message for _, message in found)  # France still normalised to FR


@pytest.mark.parametrize("schema", [{}, True, {"type": "object"}, {"$ref": "#/$defs/x", "$defs": {"x": {}}}])
def test_a_foreign_schema_gets_no_format_rules(tmp_path: Path, schema: Any) -> None:
    assert check_with(tmp_path, schema) == []


def test_a_foreign_schema_sees_the_data_as_written(tmp_path: Path) -> None:
    schema = {"properties": {"nations": {"items": {"const": "France"}}}}
    assert check_with(tmp_path, schema) == []


def test_the_false_schema_refuses_everything_in_one_line(tmp_path: Path) -> None:
    assert check_with(tmp_path, False) == [
        ("schema-false-schema", "not allowed here (the schema is false at this place)")
    ]


def test_a_pattern_the_engine_accepts_is_not_refused_by_the_metaschema_check(tmp_path: Path) -> None:
    schema = {"properties": {"title": {"pattern": "^\\p{Letter}+$"}}}
    assert check_with(tmp_path, schema) == []
    found = check_with(tmp_path, schema, BRIEF.replace("title: Title", "title: Two words"))
    assert [rule for rule, _ in found] == ["schema-pattern"]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"$ref": "https://example.org/s.json"}, "$ref to https://example.org/s.json refused: brief never uses"),
        ({"$schema": "https://example.org/meta"}, "$schema https://example.org/meta is not a JSON Schema draft"),
        ({"$ref": "../outside.json"}, "refused: it is outside"),
        ({"type": 12}, "not a valid JSON Schema (type)"),
        ({"pattern": "("}, "cannot use schema"),
        ({"format": "no-such-format"}, "cannot use schema: Unknown format"),
    ],
)
def test_unusable_schemas_are_refused_in_one_line(tmp_path: Path, schema: Any, message: str) -> None:
    from brief.base.errors import ConfigError

    (tmp_path / "outside.json").write_text('{"type": "string"}', encoding="utf-8")
    (tmp_path / "team").mkdir()
    with pytest.raises(ConfigError) as refused:
        check_with(tmp_path, schema, name="team/user.json")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_file_refs_in_the_schemas_folder_are_read(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "title.json").write_text('{"maxLength": 3}', encoding="utf-8")
    found = check_with(tmp_path, {"properties": {"title": {"$ref": "parts/title.json"}}})
    assert [rule for rule, _ in found] == ["schema-max-length"]


def test_file_refs_outside_are_read_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "common.json").write_text('{"maxLength": 3}', encoding="utf-8")
    monkeypatch.setenv("BRIEF_SCHEMA_REFS_UNDER", str(tmp_path))
    found = check_with(tmp_path, {"properties": {"title": {"$ref": "../common.json"}}}, name="team/user.json")
    assert [rule for rule, _ in found] == ["schema-max-length"]
