"""The command reference, generated from the commands themselves: docs/commands.md (every command's usage,
description, arguments, options with their values and defaults, and exit codes) and the README's table of exit
codes. `python -m brief.cli.reference` rewrites both; tests/test_docs.py fails when either is stale, when a
command has no exit codes declared here, or when a command or option has no help text.

Run only to write the documentation: nothing in a command's path imports this module."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

from brief.cli.commands import COMMANDS

# What each exit code of each command means, declared once: the README's table and docs/commands.md are made from
# it, and tests/test_contract_exit.py runs at least one command line per command and code through the real CLI.
# Every command: 2 for an unknown option or a bad option value (click's usage errors), 130 when interrupted.
EXIT_CODES: dict[str, dict[int, str]] = {
    "validate": {
        0: "every brief is valid",
        1: "some brief is invalid or unreadable (the other files are still checked)",
        2: "a path that does not exist, an unusable `--schema` or configuration",
    },
    "list": {
        0: "listed, even when nothing matches (an empty table or list; `--count` prints 0)",
        2: "a bad filter (an unknown nation, a malformed date or `--where`), a path that does not exist",
    },
    "search": {
        0: "at least one brief matches",
        1: "no brief matches (the nearest known names are suggested on standard error)",
        2: "a malformed query, a bad filter, a path that does not exist",
    },
    "index": {
        0: "the index was rebuilt (or, with `--where`, its path printed)",
        2: "a path that does not exist, an unusable configuration",
    },
    "summary": {
        0: "summarised, even when nothing matches",
        1: "the one `REF` given cannot be read",
        2: "a `REF` that names no brief, a malformed query, a bad filter",
    },
    "show": {
        0: "shown (an invalid brief too, with a warning)",
        1: "the brief cannot be read",
        2: "a `REF` that names no brief, or several",
    },
    "compare": {
        0: "compared (invalid briefs as written, with a warning)",
        1: "an `--issue` or `--actor` that no brief compared holds, or a `REF` that cannot be read",
        2: "a `REF` naming no brief, several briefs without `--issue`, `--long` without one issue, too many columns",
    },
    "new": {
        0: "written, and valid",
        1: "not written (the file exists), or written but invalid (a team's template or schema)",
        2: "a value that names nothing, no `--title` off a terminal, `--edit` without an editor",
    },
    "import": {
        0: "every article imported",
        1: "some article could not be imported, or its draft is invalid (the others are imported)",
        2: "`-o FILE.md` with several articles, a bad `--date`, a `--collection` that does not exist",
    },
    "export": {
        0: "exported (briefs withheld by their marking are not an error)",
        1: "some selected brief is invalid or unreadable (the others are exported)",
        2: "a malformed query, `--table` without CSV, a path or output folder that does not exist",
    },
    "graph": {
        0: "drawn (briefs withheld by their marking are not an error)",
        1: "some selected brief is invalid or unreadable (the others are drawn)",
        2: "an unknown format, a `--render` file that is not .svg or .png, a malformed query, a path that does not "
        "exist, Graphviz missing for `--render`",
    },
    "report": {
        0: "written",
        1: "some selected brief is invalid or unreadable (the others are in the report)",
        2: "a malformed query, a path or output folder that does not exist, HTML to a terminal",
    },
    "sync": {
        0: "synced",
        1: "synced, but some briefs are invalid and were left out",
        2: "a database that cannot be reached or refuses, or holds a newer schema than this brief knows; a path that "
        "does not exist",
    },
}
CODES = (0, 1, 2)

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
REFERENCE = ROOT / "docs" / "commands.md"
TABLE_START = "<!-- exit-codes:start (python -m brief.cli.reference writes this table) -->"
TABLE_END = "<!-- exit-codes:end -->"
WIDTH = 100  # help text is laid out for this width, whatever the terminal


def commands() -> dict[str, click.Command]:
    """Every command `brief --help` lists, by name, in its order."""
    from brief.cli.app import cli

    context = click.Context(cli, info_name="brief", **cli.context_settings)
    found = {}
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None, name
        found[name] = command
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def exit_code_table() -> str:
    """The README's table: a row per command, a column per exit code."""
    lines = ["| command | 0 | 1 | 2 |", "|---|---|---|---|"]
    for name in sorted(COMMANDS):
        codes = EXIT_CODES.get(name, {})
        cells = [_cell(codes[code]) if code in codes else "—" for code in CODES]
        lines.append(f"| [`brief {name}`](docs/commands.md#brief-{name}) | {' | '.join(cells)} |")
    lines.append("| every command | | | an unknown command or option, a bad option value, a missing argument |")
    return "\n".join(lines) + "\n"


def readme_with_table(readme: str) -> str:
    start = readme.index(TABLE_START) + len(TABLE_START) + 1
    end = readme.index(TABLE_END)
    return readme[:start] + exit_code_table() + readme[end:]


# -- docs/commands.md -----------------------------------------------------------------------------------------------


def _description(help_text: str) -> str:
    """A command's help as Markdown: click's `\\b` blocks (kept as written) become preformatted blocks."""
    out = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(help_text)):
        if paragraph.startswith("\b"):
            out.append("```text\n" + paragraph.removeprefix("\b").strip("\n") + "\n```")
        else:
            out.append(" ".join(paragraph.split()))
    return "\n\n".join(out)


def _value(param: click.Parameter, context: click.Context) -> str:
    """What an option takes: its choices, a range, or its metavar; empty for a flag."""
    if isinstance(param, click.Option) and param.is_flag:
        return ""
    kind = param.type
    if isinstance(kind, click.Choice):
        return " \\| ".join(f"`{choice}`" for choice in kind.choices)
    if isinstance(kind, click.IntRange):
        return f"integer ≥ {kind.min}" if kind.min is not None else "integer"
    metavar = param.metavar or kind.name.upper()
    return f"`{metavar}`"


def _default(param: click.Option) -> str:
    if param.is_flag or param.multiple or param.default is None or not param.show_default:
        return ""
    default = param.default() if callable(param.default) else param.default
    return f"`{default}`"


def _flags(param: click.Option) -> str:
    flags = ", ".join(f"`{flag}`" for flag in param.opts)
    if param.secondary_opts:
        flags += " / " + ", ".join(f"`{flag}`" for flag in param.secondary_opts)
    repeatable = param.multiple and "repeatable" not in (param.help or "")
    return flags + (" (repeatable)" if repeatable else "")


def _help(param: click.Option) -> str:
    return _cell(" ".join((param.help or "").split()))


def command_reference(name: str, command: click.Command) -> str:
    from brief.cli.app import cli

    parent = click.Context(cli, info_name="brief", **cli.context_settings)  # -h, --help, as `brief` has them
    context = click.Context(command, parent=parent, info_name=name, max_content_width=WIDTH, terminal_width=WIDTH)
    usage = " ".join(command.collect_usage_pieces(context))
    lines = [f"## brief {name}", "", "```text", f"brief {name} {usage}".rstrip(), "```", ""]
    lines += [_description(command.help or ""), ""]
    options = [param for param in command.get_params(context) if isinstance(param, click.Option)]
    lines += ["| option | value | default | meaning |", "|---|---|---|---|"]
    for param in options:
        lines.append(f"| {_flags(param)} | {_value(param, context)} | {_default(param)} | {_help(param)} |")
    codes = EXIT_CODES.get(name, {})
    lines += ["", "Exit codes:", ""]
    usage = "an unknown option, a bad option value or a missing argument"
    lines += [f"- {code}: {meaning}" + (f"; {usage}" if code == 2 else "") for code, meaning in sorted(codes.items())]
    return "\n".join(lines) + "\n"


def reference() -> str:
    from brief.cli.app import cli

    found = commands()
    head = [
        "# Command reference",
        "",
        "<!-- Generated from the commands by `python -m brief.cli.reference`; tests/test_docs.py fails when it is "
        "stale. Do not edit by hand. -->",
        "",
        _description(cli.help or ""),
        "",
        "Options of `brief` itself, before the command: `-C DIR` runs as if started in `DIR`; `-V`, `--version` "
        "prints the version; `-h`, `--help` prints help (every command takes `-h`, `--help` too).",
        "",
        "Commands: " + ", ".join(f"[`{name}`](#brief-{name})" for name in found) + ".",
        "",
        "Exit code 130: interrupted (Ctrl-C). A reader that goes away (`brief … | head`) ends the command quietly, "
        "with exit code 0.",
        "",
    ]
    return "\n".join([*head, ""]) + "\n".join(command_reference(name, command) for name, command in found.items())


def main(argv: list[str] | None = None) -> int:
    """Write docs/commands.md and the README's exit-code table; with --check, only say whether they are stale."""
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    if not (ROOT / "pyproject.toml").is_file() or not README.is_file():
        print("brief.cli.reference writes the documentation of a source checkout: run it from one", file=sys.stderr)
        return 2
    stale = []
    for path, text in ((REFERENCE, reference()), (README, readme_with_table(README.read_text(encoding="utf-8")))):
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {'stale' if check else 'written'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
