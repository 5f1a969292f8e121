"""`brief validate`: check brief files and report every problem with its position."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from brief.base.errors import ConfigError
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from brief.format.diagnostics import FileResult
from brief.render.reporters import REPORTERS, QuietReporter, Reporter, Summary

if TYPE_CHECKING:
    from brief.format.checker import Checker
    from brief.format.source import Kind


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
    from brief.collection.walk import iter_files
    from brief.format.batch import BriefIds, check_files
    from brief.format.checker import Checker

    reporter: Reporter = QuietReporter() if quiet else REPORTERS[output_format]()
    summary = Summary()
    ids = BriefIds()

    def emit(result: FileResult) -> None:
        ids.check(result)
        summary.add(result)
        reporter.result(result)

    try:
        from brief.collection.config import collection

        configured = collection(tuple(p for p in paths if p != "-"))
        schema_path = schema_path or configured.schema
        exclude = (*exclude, *configured.exclude)
        checker = Checker(schema_path)
        targets = list(paths) or [_shown(path) for path in configured.paths]
        files = list(iter_files([p for p in targets if p != "-"], exclude))
        if "-" in targets:
            emit(_check_stdin(checker, stdin_filename))
        for result in check_files(files, schema_path, jobs):
            emit(result)
    except ConfigError as exc:
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    reporter.finish(summary)
    sys.exit(EXIT_PROBLEMS if summary.invalid else EXIT_OK)


def _shown(path: str) -> str:
    """A configured (absolute) path as it reads best: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _check_stdin(checker: Checker, stdin_filename: str | None) -> FileResult:
    from brief.format import loading

    name = stdin_filename or "<stdin>"
    raw = sys.stdin.buffer.read(loading.MAX_BYTES + 1)
    kind = loading.kind_for(name) if stdin_filename else None
    if kind is None:
        kind = _sniff(raw)
    if len(raw) > loading.MAX_BYTES:
        from brief.format.checker import failed_result

        return failed_result(name, loading.LoadError("too-large", "input is larger than the size bound; not a brief"))
    return checker.load_bytes(raw, name, kind)[1]


def _sniff(raw: bytes) -> Kind:
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return "json"
    if raw.lstrip(b"\xef\xbb\xbf").startswith(b"---") and raw.count(b"\n---") >= 1:
        return "markdown"
    return "yaml"
