"""The README documents every command, exit code, rule code and field (as sqlite-utils' test_docs does)."""

from __future__ import annotations

import json
import re

import pytest

from brief.cli.commands import COMMANDS
from brief.format.rules import RULES
from brief.format.schema_docs import field_table
from conftest import DATA, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_a_section(command: str) -> None:
    assert re.search(rf"^## `brief {command}\b", README, re.MULTILINE)


def test_field_table_matches_the_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    start = README.index("<!-- field-table:start")
    start = README.index("\n", start) + 1
    end = README.index("<!-- field-table:end -->")
    assert README[start:end] == field_table(schema)


def test_every_rule_code_is_documented() -> None:
    for rule in RULES:
        assert f"| `{rule}` |" in README, rule
    seen = set()
    for expected in (DATA / "expected").iterdir():
        seen |= set(re.findall(r"\[([a-z0-9-]+)\]$", expected.read_text(encoding="utf-8"), re.MULTILINE))
    for rule in seen:
        documented = f"`{rule}`" in README or (rule.startswith("schema-") and "schema-<keyword>" in README)
        assert documented, rule


def test_exit_codes_are_documented() -> None:
    section = README[README.index("### Exit codes") :]
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in section


def test_readme_quickstart_commands_are_the_ci_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest"
    assert test_command in ci
    assert test_command.replace(" -q", "") in README
    assert "brief validate examples/" in README
