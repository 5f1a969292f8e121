"""`brief validate`: check brief files and report every problem with its position."""

from __future__ import annotations

import sys

import click

from brief.base.errors import ConfigError
from brief.cli.colour import colour_option
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say
from brief.render.reporters import REPORTERS, QuietReporter, Reporter, Summary, TextReporter


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for GitHub Actions annotations.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; only the exit code tells.")
@click.option("-v", "--verbose", is_flag=True, help="Also name each valid file (--format text).")
@colour_option
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False), help="Validate against this schema instead.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [default: all cores].")
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="Name (and so format, by extension) of the brief read from '-'.",
)
def validate(
    paths: tuple[str, ...],
    output_format: str,
    quiet: bool,
    verbose: bool,
    schema_path: str | None,
    exclude: tuple[str, ...],
    jobs: int | None,
    stdin_filename: str | None,
) -> None:
    """Check brief files (YAML, Markdown front matter, JSON) against the schema and the rules.

    PATH may be files, folders (searched recursively, hidden ones skipped) or '-' for standard input.
    Without PATH, the collection's paths (brief.toml or [tool.brief]) are checked, else the current folder.
    The configuration's schema and exclusions apply unless --schema is given.

    \b
    Exit codes: 0 all valid; 1 some brief invalid or unreadable;
    2 usage or configuration error (bad option, missing path, unusable schema).
    """
    from brief.collection.validation import validate_paths

    reporter: Reporter = QuietReporter() if quiet else REPORTERS[output_format]()
    if verbose and isinstance(reporter, TextReporter):
        reporter.verbose = True
    summary = Summary()
    try:
        stdin = sys.stdin.buffer if "-" in paths else None
        for result in validate_paths(paths, schema_path, exclude, jobs, stdin, stdin_filename):
            summary.add(result)
            reporter.result(result)
    except ConfigError as exc:
        say(f"brief: error: {exc}")
        sys.exit(EXIT_USAGE)
    reporter.finish(summary)
    sys.exit(EXIT_PROBLEMS if summary.invalid else EXIT_OK)
