"""The README documents every command, exit code, rule code and field (as sqlite-utils' test_docs does)."""

from __future__ import annotations

import json
import re

import click
import pytest

from brief.cli.commands import COMMANDS
from brief.cli.reference import commands, readme_with_table, reference
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
    """One table of every command's exit codes, made from their declaration (brief/cli/reference.py)."""
    assert README.count("## Exit codes") == 1
    assert readme_with_table(README) == README, "stale: run python -m brief.cli.reference"
    for name in COMMANDS:
        assert f"| [`brief {name}`]" in README


def test_the_command_reference_is_current() -> None:
    """docs/commands.md is generated from the commands: a changed option or help text makes it stale."""
    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == reference(), "stale: run python -m brief.cli.reference"
    for name in COMMANDS:
        assert f"\n## brief {name}\n" in current


def test_the_reference_check_would_notice_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    command = commands()["list"]
    option = next(p for p in command.params if isinstance(p, click.Option) and p.name == "count")
    monkeypatch.setattr(option, "help", "Something else.")
    assert "Something else." in reference()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_has_help(name: str) -> None:
    command = commands()[name]
    assert (command.help or "").strip(), f"brief {name} has no help text"
    assert COMMANDS[name][2].strip(), f"brief {name} has no line in `brief --help`"
    options = [param for param in command.params if isinstance(param, click.Option)]
    bare = [param.opts for param in options if not (param.help or "").strip()]
    assert bare == [], f"brief {name}: options without help"


def test_the_group_options_have_help() -> None:
    from brief.cli.app import cli

    assert [param.opts for param in cli.params if isinstance(param, click.Option) and not param.help] == []


def test_readme_quickstart_commands_are_the_ci_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest"
    assert test_command in ci
    assert test_command.replace(" -q", "") in README
    assert "brief validate examples/" in README
