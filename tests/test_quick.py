"""The quick path (cli/quick.py) parses `brief list` and `brief search` without click: it must know exactly
click's options, produce exactly click's arguments, decline everything else, and print the same output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from brief.cli import quick
from brief.cli.app import cli
from brief.cli.list_cmd import list_
from brief.cli.main import main
from brief.cli.options import PartialDate, TableFormat, WhereType
from brief.cli.search_cmd import search
from conftest import COLLECTION, run, run_process

CLICK_COMMANDS: dict[str, click.Command] = {"search": search, "list": list_}


def _check_of(param: click.Option) -> Any:
    kind = param.type
    if isinstance(kind, click.Choice):
        return tuple(kind.choices)
    if isinstance(kind, click.IntRange):
        assert kind.max is None and not kind.min_open
        return f"int>={kind.min}"
    if isinstance(kind, PartialDate):
        return "date"
    if isinstance(kind, WhereType):
        return "where"
    assert kind in (click.STRING, click.BOOL), f"the quick path does not know {kind!r}"
    return None


@pytest.fixture(autouse=True)
def quick_path_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the quick path: on, whatever the environment running them says."""
    monkeypatch.delenv("BRIEF_QUICK", raising=False)


@pytest.mark.parametrize("name", sorted(CLICK_COMMANDS))
def test_the_quick_path_knows_every_option_click_has(name: str) -> None:
    expected: dict[str, tuple[str, str, Any]] = {}
    for param in CLICK_COMMANDS[name].params:
        if not isinstance(param, click.Option) or isinstance(param.type, TableFormat):
            continue
        kind = "flag" if param.is_flag else "multiple" if param.multiple else "value"
        for option in [*param.opts, *param.secondary_opts]:
            expected[option] = (param.name or "", kind, None if param.is_flag else _check_of(param))
    known = {flag: (option.dest, option.kind, option.check) for flag, option in quick.FLAGS[name].items()}
    assert known == expected
    declined = {o for p in CLICK_COMMANDS[name].params if isinstance(p.type, TableFormat) for o in p.opts}
    declared = {flag for option in quick.COMMANDS[name].options for flag in option.flags}
    assert declined == declared - set(quick.FLAGS[name])
    arguments = [p.name for p in CLICK_COMMANDS[name].params if isinstance(p, click.Argument)]
    assert arguments == [*quick.COMMANDS[name].arguments, "paths"]


def _click_params(name: str, args: list[str]) -> dict[str, Any]:
    with CLICK_COMMANDS[name].make_context(name, list(args)) as context:
        return dict(context.params)


ACCEPTED = [
    ["search", "wagner"],
    ["search", "wagner", str(COLLECTION)],
    ["search", "choguel maiga", "--nation", "ML", "--nation", "niger", "--region", "sahel", "--tag", "x"],
    ["search", "wagner", "--limit", "0", "--sort", "date", "-r", "--format", "json", "--no-refresh"],
    ["search", "wagner", "--limit=5", "--format=jsonl", "--reverse", "--invalid"],
    ["search", "wagner", "--since", "2021", "--until", "2022-06", "--where", "actors.kind=party"],
    ["search", "wagner", "--where", "language = fr", "--where=tags=x=y", "--actor", "Maïga", "--issue", "i"],
    ["search", "wagner", "--lang", "fr", "--author", "Anne", "--domain", "defence-security", "--limit", "1_0"],
    ["search", "wagner", "--sort", "id", "--sort", "title"],  # the last one counts, as in click
    ["search", "AES-confederation", "--format", "ids", str(COLLECTION), str(COLLECTION / "mali-2021.yaml")],
    ["list"],
    ["list", str(COLLECTION), "--count"],
    ["list", "--sort", "title", "-r", "--limit", "3", "--format", "csv", "--nation", "Côte d’Ivoire"],
    ["list", "--invalid", "--no-refresh", "--format=markdown", "--since=2021-09-28"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=[" ".join(a)[:60] for a in ACCEPTED])
def test_the_quick_path_parses_as_click_does(args: list[str]) -> None:
    parsed = quick.parse(quick.COMMANDS[args[0]], args[1:])
    assert parsed is not None
    assert parsed == _click_params(args[0], args[1:])


DECLINED = [
    ["search", "wagner", "--help"],
    ["search", "-h"],
    ["search"],  # no QUERY: click's error message
    ["search", "--", "-tag:draft"],
    ["search", "wagner", "--tablefmt", "grid"],
    ["search", "wagner", "--limit", "-1"],
    ["search", "wagner", "--limit", "many"],
    ["search", "wagner", "--limit"],
    ["search", "wagner", "--sort", "relevance"],
    ["search", "wagner", "--since", "21"],
    ["search", "wagner", "--where", "no equals sign"],
    ["search", "wagner", "--bogus"],
    ["search", "wagner", "-rx"],
    ["search", "wagner", "--no-refresh=yes"],
    ["search", "wagner", "--nation", "-r"],
    ["list", "--limit", "0"],
    ["list", "--count=1"],
    ["validate", "examples"],
    ["--version"],
]


@pytest.mark.parametrize("args", DECLINED, ids=[" ".join(a)[:60] for a in DECLINED])
def test_the_quick_path_declines_what_click_should_handle(args: list[str]) -> None:
    assert quick.run_quick(args) is False


def test_a_missing_path_is_left_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert quick.run_quick(["-C", str(COLLECTION), "search", "wagner", "nowhere"]) is False
    assert Path.cwd() == tmp_path  # back where it started, for click to report the path
    result = run_process("search", "wagner", "nowhere", cwd=tmp_path)
    assert result.returncode == 2 and b"nowhere" in result.stderr and b"does not exist" in result.stderr


def test_quick_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEF_QUICK", "0")
    assert quick.run_quick(["search", "wagner", str(COLLECTION)]) is False


SAME_OUTPUT = [
    ["search", "wagner", str(COLLECTION)],
    ["search", "maiga", str(COLLECTION), "--format", "json"],
    ["search", "wagner nation:ML", str(COLLECTION), "--format", "csv", "--sort", "date"],
    ["search", "nothing-like-this", str(COLLECTION)],
    ["search", '"unbalanced', str(COLLECTION)],
    ["search", "wagner", str(COLLECTION), "--where", "nonsense.field=1"],
    ["list", str(COLLECTION)],
    ["list", str(COLLECTION), "--format", "jsonl", "--nation", "mali"],
    ["list", str(COLLECTION), "--count", "--invalid"],
    ["list", str(COLLECTION), "--nation", "atlantis"],
]


def _click_must_not_parse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the quick path declined, and click parsed the command line")


@pytest.mark.parametrize("args", SAME_OUTPUT, ids=[" ".join(a)[:60] for a in SAME_OUTPUT])
def test_the_quick_path_prints_what_click_prints(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(*args)  # the index is built by the first one, so both below answer from the same fresh index
    expected = run(*args)
    capsys.readouterr()
    monkeypatch.setattr(cli, "main", _click_must_not_parse)  # what follows is the quick path's output
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert (code, out) == (expected.exit_code, expected.stdout)
    assert err == expected.stderr


# what the quick path never imports: click above all, and what click or a general-purpose module would bring
STAY_OUT = {"click", "tabulate", "inspect", "dataclasses", "yaml", "jsonschema", "jsonschema_rs", "multiprocessing",
            "typing", "tomllib", "pathlib", "hashlib"}  # fmt: skip
REAL = [
    ["search", "wagner", str(COLLECTION), "--format", "ids"],
    ["list", str(COLLECTION), "--sort", "title", "--format", "ids"],
]


def _run_traced(args: list[str], quick_path: bool) -> tuple[str, set[str]]:
    """The real `brief` command's output, and the top-level packages it imported (from Python's import trace)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "BRIEF_QUICK": "1" if quick_path else "0"}
    brief = str(Path(sys.executable).with_name("brief"))
    result = subprocess.run([brief, *args], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    return result.stdout, {line.rpartition("|")[2].strip().partition(".")[0] for line in lines[1:]}


@pytest.mark.parametrize("args", REAL, ids=[a[0] for a in REAL])
def test_the_real_command_takes_the_quick_path_without_importing_click(args: list[str]) -> None:
    # built (a build imports the loader), and this repository's brief.toml remembered (no TOML parser after)
    assert run_process("index", str(COLLECTION)).returncode == 0
    quick_output, quick_imports = _run_traced(args, quick_path=True)
    click_output, click_imports = _run_traced(args, quick_path=False)
    assert quick_output == click_output and "mali-wagner-2021" in quick_output
    assert "click" in click_imports  # the trace does show click when click parses: this test can fail
    assert quick_imports & STAY_OUT == set()


def test_global_directory_option(tmp_path: Path) -> None:
    quick_result = run_process("-C", str(COLLECTION.parent), "list", "collection", "--format", "ids", cwd=tmp_path)
    slow_result = run_process(
        "-C", str(COLLECTION.parent), "list", "collection", "--format", "ids", cwd=tmp_path, env={"BRIEF_QUICK": "0"}
    )
    assert quick_result.returncode == slow_result.returncode == 0
    assert quick_result.stdout == slow_result.stdout and b"mali-wagner-2021" in quick_result.stdout
    assert os.getcwd() != str(COLLECTION.parent)
