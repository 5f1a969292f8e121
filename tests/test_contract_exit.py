"""The exit codes of every command, as README's table says (declared in brief/cli/reference.py), tried through the
real command line: one line of tests/data/contract/exit-codes.txt per case."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brief.cli.commands import COMMANDS
from brief.cli.reference import EXIT_CODES
from conftest import DATA, run_process
from contract import fill, make_workspace, read_cases
from pgserver import pg_server  # noqa: F401  (the PostgreSQL server some lines ask for)

CASES = [(int(code), args) for code, args in read_cases(DATA / "contract" / "exit-codes.txt")]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder to run commands in, with the files the cases name (commands that write, write here)."""
    return make_workspace(tmp_path)


@pytest.mark.parametrize(("code", "args"), CASES, ids=[" ".join(args) or "(nothing)" for _, args in CASES])
def test_exit_code(code: int, args: list[str], workspace: Path, request: pytest.FixtureRequest) -> None:
    result = run_process(*fill(args, request, workspace), cwd=workspace, input=b"")
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, f"brief {shlex.join(args)}: {result.returncode}, not {code}\n{stderr}"
    assert "Traceback" not in stderr
    if code == 2 and args:
        assert stderr.strip(), "a usage error is explained on standard error"


def test_every_command_and_code_is_declared_and_tried() -> None:
    """A new command fails here until its exit codes are declared (and so in the README) and tried."""
    assert set(EXIT_CODES) == set(COMMANDS)
    tried = {(args[0], code) for code, args in CASES if args and args[0] in COMMANDS}
    declared = {(name, code) for name, codes in EXIT_CODES.items() for code in codes}
    assert declared - tried == set(), "add a line to tests/data/contract/exit-codes.txt for each"
    assert tried - declared == set(), "a code a command ends with must be declared in EXIT_CODES"


def test_an_interrupted_command_ends_with_130(workspace: Path) -> None:
    """Ctrl-C is neither success nor "problems found" (click alone would exit 1): 130, as shells report SIGINT."""
    exe = Path(sys.executable).with_name("brief")
    # Ctrl-C reaches a command a terminal runs in the foreground, with SIGINT's default action; a test run started
    # in the background by a shell (`.ci/run &`) would hand its children SIGINT ignored, which Python respects
    process = subprocess.Popen(
        [str(exe), "validate", "-"], cwd=workspace, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, preexec_fn=_default_sigint if os.name == "posix" else None,
    )  # fmt: skip
    _wait_for_stdin_read(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr


def _wait_for_stdin_read(pid: int) -> None:
    """Until the process blocks reading standard input (a signal sent while Python is still starting, which a
    loaded machine can stretch past any fixed sleep, would test the interpreter rather than brief): where Linux
    shows the system call a process waits in (read is 0 on x86-64, 63 on arm64, fd 0 its first argument), else a
    second's sleep."""
    where = Path(f"/proc/{pid}/syscall")
    if not where.exists():
        time.sleep(1.0)
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fields = where.read_text().split()
        except OSError:  # not allowed to look, or gone: then a sleep, as elsewhere
            time.sleep(1.0)
            return
        if len(fields) > 1 and fields[0] in ("0", "63") and int(fields[1], 16) == 0:
            return
        time.sleep(0.02)
    raise AssertionError("brief validate - never read its standard input")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
