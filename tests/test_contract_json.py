"""Every JSON output of every command is documented by a JSON Schema in schemas/output/ and carries a `version`:
real outputs (tests/data/contract/json-outputs.txt), validated with the reference implementation, jsonschema."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest

from brief.cli.reference import commands
from conftest import DATA, ROOT, run_process
from contract import fill, make_workspace, read_cases
from pgserver import pg_server  # noqa: F401  (the PostgreSQL server some lines ask for)

SCHEMAS = ROOT / "schemas" / "output"
CASES = read_cases(DATA / "contract" / "json-outputs.txt")
JSON_FORMATS = ("json", "jsonl", "ndjson")
CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # what a terminal acts on: C0 (but the line feed), DEL, C1
NOT_OUTPUTS = {("new", "json"): "the format of the brief file it writes (a brief), not of what it prints"}


def _format(args: list[str]) -> str | None:
    for position, arg in enumerate(args):
        if arg == "--format" and position + 1 < len(args):
            return args[position + 1]
        if arg.startswith("--format="):
            return arg.partition("=")[2]
    return None


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def closed(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to others (unless it says otherwise): an
    output field the schema does not document fails the test, though the published schema lets readers of an
    older version accept fields added since."""
    if isinstance(schema, dict):
        schema = {key: closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    return schema


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("workspace"))


@pytest.mark.parametrize(("target", "args"), CASES, ids=[" ".join(args) for _, args in CASES])
def test_output_matches_its_schema(target: str, args: list[str], workspace: Path,
                                   request: pytest.FixtureRequest) -> None:  # fmt: skip
    name, _, pointer = target.partition("#")
    schema = closed(_schema(name))
    stdin = (DATA / "valid" / "minimal.yaml").read_bytes()
    result = run_process(*fill(args, request, workspace), cwd=workspace, input=stdin)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("utf-8")
    raw = CONTROLS.search(text)
    assert raw is None, f"a raw control character in the output: {raw.group()!r}"  # JSON escapes, never raw
    if pointer:  # one item per line
        assert pointer.startswith("/$defs/")
        item = {"$defs": schema["$defs"], "$ref": f"#{pointer}"}
        lines = text.splitlines()
        assert lines, "no line to check"
        for line in lines:
            jsonschema.validate(json.loads(line), item, cls=jsonschema.Draft202012Validator)
        return
    document = json.loads(text)
    assert isinstance(document, dict) and next(iter(document)) == "version"  # first, where a reader looks
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda path: path.name)
def test_each_schema_is_valid_documented_and_used(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    assert schema["properties"]["version"]["const"] >= 1
    assert "version" in schema["required"]
    name = path.name.removesuffix(".schema.json")
    assert any(target.partition("#")[0] == name for target, _ in CASES), f"no output is checked against {path.name}"


def test_every_json_output_of_every_command_is_checked() -> None:
    """A new command, or a new json format, fails here until a line of json-outputs.txt checks it."""
    expected = set()
    for name, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Option) and "--format" in param.opts and isinstance(param.type, click.Choice):
                expected |= {(name, str(choice)) for choice in param.type.choices if choice in JSON_FORMATS}
    checked = {(args[0], _format(args)) for _, args in CASES}
    assert expected - checked - set(NOT_OUTPUTS) == set()
    assert {("validate", "json"), ("list", "jsonl"), ("export", "ndjson")} <= expected  # the test sees them


def test_closing_a_schema_catches_an_undocumented_field() -> None:
    schema = closed(_schema("list"))
    document = {"version": 1, "briefs": [], "surprise": True}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    assert closed(copy.deepcopy(schema)) == schema
