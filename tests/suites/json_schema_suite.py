"""The JSON Schema Test Suite (draft 2020-12, with its optional tests) run through the engine of
`brief validate --schema`: each group's schema is written to a file and compiled as `--schema FILE` compiles it.

    python tests/suites/json_schema_suite.py      # prints the figures the README quotes

A group the engine refuses to compile, or a case where it disagrees with the suite, must be listed in
json-schema-exceptions.json with the reason; everything else must agree.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parent / "json-schema-test-suite" / "draft2020-12"
EXCEPTIONS = Path(__file__).resolve().parent / "json-schema-exceptions.json"


@dataclass(frozen=True)
class Group:
    ident: str  # file (relative to draft2020-12, without .json) and the group's index: "ref#3"
    description: str
    schema: Any
    tests: list[dict[str, Any]]


def groups() -> list[Group]:
    found = []
    for path in sorted(SUITE.rglob("*.json")):
        name = path.relative_to(SUITE).with_suffix("").as_posix()
        for index, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found.append(Group(f"{name}#{index}", group["description"], group["schema"], group["tests"]))
    return found


def exceptions() -> dict[str, dict[str, str]]:
    """{"groups": {ident: reason}, "cases": {ident/test index: reason}}"""
    return json.loads(EXCEPTIONS.read_text(encoding="utf-8"))


def compile_group(group: Group, folder: Path) -> Any:
    """The group's schema as `brief validate --schema FILE` compiles it; ConfigError when refused."""
    from brief.format.schema import compiled

    path = folder / (group.ident.replace("/", "-").replace("#", "-") + ".json")
    path.write_text(json.dumps(group.schema), encoding="utf-8")
    return compiled(str(path))


def run_all(folder: Path) -> tuple[dict[str, str], dict[str, bool], dict[str, bool]]:
    """(refused groups: ident -> message, case ident -> engine agrees, case ident -> expected valid)"""
    from brief.base.errors import ConfigError

    refused: dict[str, str] = {}
    agrees: dict[str, bool] = {}
    expected: dict[str, bool] = {}
    for group in groups():
        try:
            schema = compile_group(group, folder)
        except ConfigError as exc:
            refused[group.ident] = str(exc).split(": ", 1)[1]
            continue
        for index, test in enumerate(group.tests):
            ident = f"{group.ident}/{index}"
            agrees[ident] = schema.validator.is_valid(test["data"]) == test["valid"]
            expected[ident] = test["valid"]
    return refused, agrees, expected


def main() -> None:
    sys.path.insert(0, str(SUITE.parents[3] / "src"))
    with tempfile.TemporaryDirectory() as folder:
        refused, agrees, _ = run_all(Path(folder))
    all_groups = groups()
    cases = sum(len(g.tests) for g in all_groups)
    refused_cases = sum(len(g.tests) for g in all_groups if g.ident in refused)
    print(f"{len(all_groups)} groups, {cases} cases; {len(refused)} groups ({refused_cases} cases) refused at compile")
    print(f"of the {len(agrees)} cases run: {sum(agrees.values())} agree, {len(agrees) - sum(agrees.values())} differ")
    for ident, message in refused.items():
        print(f"  refused {ident}: {message}")
    for ident, ok in agrees.items():
        if not ok:
            print(f"  differs {ident}")


if __name__ == "__main__":
    main()
