"""What every command shares on its output: --color auto|always|never and NO_COLOR for every command that can
colour (found by running every command line of tests/data/contract/exit-codes.txt with colour forced), and -q/-v
where a command has them."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from brief.cli.app import cli
from brief.cli.commands import COMMANDS
from brief.cli.reference import commands
from brief.render.terminal import choose_colour
from conftest import DATA, run_process
from contract import make_workspace, read_cases

CASES = [(int(code), args) for code, args in read_cases(DATA / "contract" / "exit-codes.txt")]
ESC = "\x1b["


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path)


def _output(args: list[str], workspace: Path, **env: str) -> str:
    """Standard output and error of `brief ARGS` run in-process in `workspace`."""
    before = os.getcwd()
    os.chdir(workspace)
    try:
        result = CliRunner().invoke(cli, args, env={"NO_COLOR": None, "FORCE_COLOR": None, **env}, input="")
    finally:
        os.chdir(before)
        choose_colour("auto")  # a command without --color leaves what the one before chose
    return result.stdout + result.stderr


def _has_colour_option(name: str) -> bool:
    return any(isinstance(p, click.Option) and "--color" in p.opts for p in commands()[name].params)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_that_colours_has_color_and_honours_it(name: str, workspace: Path) -> None:
    """Every command line of the exit-code cases, with colour forced: a command whose output is coloured must
    take --color (a new command fails here until it does), `--color never` must remove every colour, and
    `--color always` must colour even with NO_COLOR set."""
    coloured = []
    for _, args in (case for case in CASES if case[1][:1] == [name]):
        if ESC in _output(args, workspace, FORCE_COLOR="1"):
            coloured.append(args)
    if not coloured:
        return
    assert _has_colour_option(name), f"brief {name} colours its output: give it --color (cli/options.py)"
    for args in coloured:
        assert ESC not in _output([*args, "--color", "never"], workspace, FORCE_COLOR="1"), args
        assert ESC in _output([*args, "--color", "always"], workspace, NO_COLOR="1"), args
        assert ESC not in _output(args, workspace, NO_COLOR="1", FORCE_COLOR="1"), args  # NO_COLOR wins


def test_the_commands_known_to_colour_are_found() -> None:
    """The test above sees colour where there is some (it would pass vacuously otherwise)."""
    for name in ("validate", "search", "summary", "show", "new", "import"):
        assert _has_colour_option(name), name


@pytest.mark.parametrize("args", [["validate", "invalid/references.yaml"], ["summary"],
                                  ["show", "mali-wagner-2021", "--no-pager"]])  # fmt: skip
def test_colour_follows_the_environment_when_auto(args: list[str], workspace: Path) -> None:
    assert ESC in _output(args, workspace, FORCE_COLOR="1")
    assert ESC not in _output(args, workspace)  # not a terminal
    assert ESC in _output([*args, "--color", "auto"], workspace, FORCE_COLOR="1")


def test_search_colour_on_the_quick_path_and_through_click(workspace: Path) -> None:
    for quick in ("1", "0"):
        always = run_process("search", "wagner", "--color", "always", cwd=workspace, env={"BRIEF_QUICK": quick})
        assert ESC.encode() in always.stdout
        never = run_process("search", "wagner", "--color=never", cwd=workspace,
                            env={"BRIEF_QUICK": quick, "FORCE_COLOR": "1", "NO_COLOR": ""})  # fmt: skip
        assert never.returncode == 0 and ESC.encode() not in never.stdout
    bad = run_process("search", "wagner", "--color", "sometimes", cwd=workspace)
    assert bad.returncode == 2 and b"sometimes" in bad.stderr


def test_search_quiet_says_nothing_and_exits_as_grep_q(workspace: Path) -> None:
    hit = run_process("search", "wagner", "-q", cwd=workspace)
    assert (hit.returncode, hit.stdout, hit.stderr) == (0, b"", b"")
    miss = run_process("search", "zzzzqqqx", "--quiet", cwd=workspace)
    assert (miss.returncode, miss.stdout, miss.stderr) == (1, b"", b"")
    narrowed = run_process("search", "wagner", "-q", "--nation", "ZA", cwd=workspace)
    assert (narrowed.returncode, narrowed.stdout) == (1, b"")
    bad = run_process("search", "OR", "-q", cwd=workspace)
    assert bad.returncode == 2 and bad.stderr  # errors are still said


def test_index_quiet_builds_and_says_nothing(workspace: Path) -> None:
    result = run_process("index", "-q", cwd=workspace)
    assert (result.returncode, result.stdout) == (0, b"")
    where = run_process("index", "--where", cwd=workspace).stdout.decode().strip()
    assert Path(where).is_file()


def test_validate_verbose_names_each_valid_file(workspace: Path) -> None:
    result = run_process("validate", "-v", "examples/2021-09-mali-wagner.md", "invalid/references.yaml", cwd=workspace)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1
    assert lines[0] == "examples/2021-09-mali-wagner.md: valid"
    assert lines[1].startswith("invalid/references.yaml:5:10: ")
    assert lines[-1] == "Checked 2 files: 1 invalid, 9 errors."
    quiet = run_process("validate", "-q", "-v", "invalid/references.yaml", cwd=workspace)
    assert (quiet.returncode, quiet.stdout) == (1, b"")  # quiet wins


def test_one_declaration_of_color_for_click_and_the_quick_path() -> None:
    from brief.cli.declarations import COLOR, SEARCH

    assert COLOR in SEARCH.options
    clicked = next(p for p in commands()["show"].params if "--color" in getattr(p, "opts", ()))
    searched = next(p for p in commands()["search"].params if "--color" in getattr(p, "opts", ()))
    for param in (clicked, searched):
        assert isinstance(param, click.Option) and isinstance(param.type, click.Choice)
        assert (tuple(param.opts), tuple(param.type.choices), param.default, param.help) == (
            COLOR.flags, COLOR.check, COLOR.default, COLOR.help
        )
