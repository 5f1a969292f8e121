"""The JSON Schema Test Suite (draft 2020-12), vendored at a fixed commit, through the engine of `--schema`:
every group compiles and every case agrees, except those listed with a reason in json-schema-exceptions.json;
and `brief validate --schema` gives the same verdict on each object instance, seen as written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from brief.base.errors import ConfigError

sys.path.insert(0, str(Path(__file__).resolve().parent / "suites"))
import json_schema_suite  # tests/suites/json_schema_suite.py

GROUPS = json_schema_suite.groups()
EXCEPTIONS = json_schema_suite.exceptions()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("schemas")


def test_the_suite_is_complete() -> None:
    assert len(GROUPS) == 461
    assert sum(len(group.tests) for group in GROUPS) == 2225


def test_every_exception_names_a_real_group_or_case() -> None:
    idents = {group.ident for group in GROUPS}
    cases = {f"{group.ident}/{index}" for group in GROUPS for index in range(len(group.tests))}
    assert set(EXCEPTIONS["groups"]) <= idents
    assert set(EXCEPTIONS["cases"]) <= cases
    assert all(entry["reason"] for kind in ("groups", "cases") for entry in EXCEPTIONS[kind].values())


@pytest.mark.parametrize("group", GROUPS, ids=[group.ident for group in GROUPS])
def test_group_agrees_with_the_suite(group: json_schema_suite.Group, folder: Path) -> None:
    from brief.format.checker import Checker

    if group.ident in EXCEPTIONS["groups"]:
        with pytest.raises(ConfigError) as refused:
            json_schema_suite.compile_group(group, folder)
        assert "\n" not in str(refused.value)
        return
    schema = json_schema_suite.compile_group(group, folder)
    assert not schema.is_brief  # a foreign schema: no format rules, no rewriting of country names
    checker = Checker(schema.name)
    for index, test in enumerate(group.tests):
        ident = f"{group.ident}/{index}"
        agrees = schema.validator.is_valid(test["data"]) == test["valid"]
        assert agrees != (ident in EXCEPTIONS["cases"]), f"{ident}: {group.description}: {test['description']}"
        if isinstance(test["data"], dict) and agrees:
            assert _brief_verdict(checker, test["data"]) == test["valid"], ident


def _brief_verdict(checker: Any, data: dict[str, Any]) -> bool:
    """What `brief validate --schema` says of the instance written as a .json file."""
    _, result = checker.load_bytes(json.dumps(data).encode("utf-8"), "case.json", "json")
    for diagnostic in result.diagnostics:
        assert "\n" not in diagnostic.message and diagnostic.line >= 1
    return not result.diagnostics
