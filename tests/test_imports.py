"""Start-up budget: `brief --help` and `--version` must not import the heavy modules (brief runs thousands
of times in CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from brief.cli.commands import COMMANDS  # the registry only: nothing heavy, not even click

HEAVY = ("jsonschema", "jsonschema_rs", "yaml", "tabulate", "sqlite3", "pycountry", "multiprocessing", "markdown_it",
         "psycopg")

PROBE = """
import sys
from brief.cli.main import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
print('HEAVY=' + ','.join(heavy))
"""


def test_import_brief_is_free() -> None:
    """Every command imports the package, and a script that only wants brief.__version__ should not pay for the
    API: `import brief` loads no module of brief's but itself, and nothing heavy."""
    code = "import sys; import brief; print(sorted(m for m in sys.modules if m.startswith('brief')), brief.__version__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["['brief']", "0.1.0"]


@pytest.mark.parametrize("args", [["--help"], ["--version"], *([name, "--help"] for name in sorted(COMMANDS))])
def test_light_commands_import_no_heavy_module(args: list[str]) -> None:
    code = PROBE.format(args=args, heavy=set(HEAVY))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "HEAVY="
