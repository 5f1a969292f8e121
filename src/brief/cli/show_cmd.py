"""`brief show REF`: one brief, readably for a terminal, or as Markdown, JSON or YAML."""

from __future__ import annotations

import os
import shlex
import sys

import click

from brief.base.text import neutralise
from brief.cli.colour import colour_option
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from brief.cli.completion import completer

# Kept here rather than imported from brief.render.show so that `brief show --help` imports nothing but click;
# tests/test_show.py checks that both lists agree.
SECTIONS = ("metadata", "summary", "judgments", "actors", "positions", "relations", "figures", "sources", "body")
FORMATS = ("text", "markdown", "json", "yaml")
MAX_WIDTH = 100  # prose wider than this is hard to read, however wide the terminal


@click.command()
@click.argument("ref", shell_complete=completer("brief"))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text to read; markdown to paste into a report; json or yaml for the normalised data.",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(SECTIONS),
    help="Show only this part (repeatable); parts keep their usual order.",
)
@click.option("--no-pager", is_flag=True, help="Never page the output, even on a terminal.")
@colour_option
def show(ref: str, output_format: str, sections: tuple[str, ...], no_pager: bool) -> None:
    """Show the brief REF: a brief file, or a brief id or unique id prefix.

    The text view lists the metadata, the bottom line, key judgments, actors, a grid of positions,
    relations, figures, graded sources and the body. On a terminal it is coloured (unless NO_COLOR is
    set) and paged; piped, it is plain text.

    \b
    Exit codes: 0 shown (an invalid brief is shown too, with a warning);
    1 the brief cannot be read; 2 usage error, or REF names no brief.
    """
    from brief.base.errors import BriefError
    from brief.collection.config import collection
    from brief.collection.refs import RefError, load_ref

    try:
        resolved = load_ref(ref)
        default_tlp = collection().tlp  # the marking of briefs that carry none (brief.toml's `tlp`)
    except RefError as exc:
        click.echo(f"brief: error: {neutralise(exc.message)}", err=True)
        if exc.candidates:
            click.echo(f"did you mean: {neutralise(', '.join(exc.candidates))}?", err=True)
        sys.exit(EXIT_USAGE)
    except BriefError as exc:  # e.g. an unusable schema or index: configuration, not the brief
        click.echo(f"brief: error: {neutralise(str(exc))}", err=True)
        sys.exit(EXIT_USAGE)

    if resolved.data is None:
        from brief.render.reporters import TextReporter

        TextReporter(sys.stderr).result(resolved.result)
        sys.exit(EXIT_PROBLEMS)
    if default_tlp and "tlp" not in resolved.data:  # shown as marked: the banner, and the field in json and yaml
        resolved.data["tlp"] = default_tlp
    errors = len(resolved.result.diagnostics)
    if errors:
        name = neutralise(resolved.path)
        plural = "s" if errors != 1 else ""
        click.echo(
            f"brief: warning: {name} has {errors} validation error{plural} (run brief validate {shlex.quote(name)})",
            err=True,
        )

    from brief.render.show import render
    from brief.render.terminal import use_colour

    terminal = sys.stdout.isatty()
    colour = output_format == "text" and use_colour(sys.stdout)
    text = render(resolved.data, output_format, sections or None, _width(), colour)
    if terminal and not no_pager:
        # like git: less quits by itself when the text fits on one screen, and keeps colours
        os.environ.setdefault("LESS", "-FRX")
        click.echo_via_pager(text.removesuffix("\n"), color=colour)  # it adds the final newline itself
        return
    _write(text, colour)


def _width() -> int:
    """The terminal's width (COLUMNS first; 80 when piped), within bounds that keep prose readable."""
    from brief.render.terminal import terminal_width

    return max(40, min(MAX_WIDTH, terminal_width(sys.stdout) or 80))


def _write(text: str, colour: bool) -> None:
    try:
        click.echo(text, nl=False, color=colour)
        sys.stdout.flush()  # (click.echo flushes too) a closed pipe must show here, not as noise at exit
    except BrokenPipeError:
        # `brief show X | head`: the reader left, which is not an error (click alone would exit 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
