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
