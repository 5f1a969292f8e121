"""`brief new`: scaffold a brief from a few fields (asked for on a terminal), write it, optionally edit it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from brief.cli.colour import colour_option
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, handle_errors, say
from brief.cli.completion import completer

if TYPE_CHECKING:
    from brief.authoring.scaffold import NewBrief
    from brief.collection.config import Collection

T = TypeVar("T")

FORMATS = ("md", "yaml", "json")


@click.command()
@click.option("-o", "--output", metavar="FILE", help="Write here [default: the collection's first folder, as ID.md].")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="md (default), yaml or json.")
@click.option("--title", help="The title (asked for on a terminal when missing).")
@click.option("--date", help="Publication date, YYYY-MM-DD [default: today].")
@click.option(
    "--nation", "nations", multiple=True, metavar="NATION", help="ISO code, English or French name (repeatable).",
    shell_complete=completer("nation"),
)
@click.option(
    "--region", "regions", multiple=True, metavar="REGION", help="west-africa, or 'Afrique de l'Ouest' (repeatable).",
    shell_complete=completer("region"),
)
@click.option(
    "--domain", "domains", multiple=True, metavar="DOMAIN", help="defence-security, or 'Défense' (repeatable).",
    shell_complete=completer("domain"),
)
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A keyword (repeatable).",
              shell_complete=completer("tag"))  # fmt: skip
@click.option("--author", "authors", multiple=True, metavar="NAME", help="An author (repeatable).")
@click.option("--lang", "language", metavar="CODE", help="ISO 639-1 code or language name [default: en].")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.option("--edit", is_flag=True, help="Open it in $VISUAL or $EDITOR, and check it when the editor closes.")
@colour_option
@handle_errors
def new(
    output: str | None, fmt: str | None, title: str | None, date: str | None, nations: tuple[str, ...],
    regions: tuple[str, ...], domains: tuple[str, ...], tags: tuple[str, ...], authors: tuple[str, ...],
    language: str | None, force: bool, edit: bool,
) -> None:  # fmt: skip
    """Scaffold a new brief, with guidance for the sections to fill next, and print where it was written.

    The id comes from the title (accents folded, a few words) and the date, written as the collection's ids
    are, and is made unique in the collection. On a terminal, what is missing is asked for (the title at
    least); elsewhere nothing is asked, and --title is required. A template named in the collection's
    configuration (template = "…" in brief.toml) replaces the built-in one.

    \b
    Exit codes: 0 written (and valid); 1 not written (the file exists), or written but
    invalid (a team template, or errors left after --edit); 2 usage error.
    """
    from brief.authoring import scaffold
    from brief.authoring.places import first_folder, shown
    from brief.authoring.writing import FileExists, write_new
    from brief.base.errors import BriefError
    from brief.collection.config import collection

    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    editor = _editor() if edit else None
    if edit and editor is None:
        raise BriefError("--edit needs an editor: set VISUAL or EDITOR")
    if output is not None:
        by_extension = scaffold.format_of_path(output)
        if by_extension is None:
            raise BriefError(f"{output}: a brief file ends in .md, .yaml, .yml or .json")
        if fmt is not None and fmt != by_extension:
            raise BriefError(f"--format {fmt} does not match the file name {output}")
        fmt = by_extension
    coll = collection(())
    template = scaffold.template_for(fmt, coll.template)

    if title is None and not interactive:
        raise BriefError("--title is required when not on a terminal (nothing is asked for)")
    brief = scaffold.NewBrief(
        title=_ask("Title", scaffold.check_title) if title is None else scaffold.check_title(title),
        date=scaffold.check_date(date) if date else scaffold.today(),
        language=_language(language or "en", coll.schema),
    )
    brief.domains = _values("domains", domains, interactive)
    brief.regions = _values("regions", regions, interactive)
    brief.nations = _values("nations", nations, interactive)
    brief.tags = scaffold.check_values("tags", list(tags))
    brief.authors = [" ".join(author.split()) for author in authors if author.strip()]

    folder = None if output else first_folder(coll.paths)
    extension = {"md": ".md", "yaml": ".yaml", "json": ".json"}[template.format]
    brief_id = _new_id(coll, brief, folder)
    path = output or os.path.join(folder or ".", brief_id + extension)
    text = scaffold.render(brief, brief_id, template)
    try:
        write_new(path, text, force)
    except FileExists:
        say(f"brief: error: {shown(path)} exists; not overwritten (--force replaces it)")
        sys.exit(EXIT_PROBLEMS)
    except OSError as exc:
        raise BriefError(f"{shown(path)}: cannot write: {exc.strerror or exc}") from None
    click.echo(shown(path))
    valid = _report(path, coll.schema)
    if editor is not None:
        valid = _edit_until_valid(editor, path, coll.schema, interactive)
    sys.exit(EXIT_OK if valid else EXIT_PROBLEMS)


def _editor() -> list[str] | None:
    """$VISUAL, then $EDITOR, as a command line (it may carry arguments: `code --wait`)."""
    import shlex

    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                return [value]
    return None


PROMPTS = {
    "domains": "Domains (e.g. defence-security, Diplomatie), comma-separated, Enter for none",
    "regions": "Regions (e.g. sahel, Afrique de l'Ouest), comma-separated, Enter for none",
    "nations": "Nations (ISO codes or names), comma-separated, Enter for none",
}


def _values(name: str, given: tuple[str, ...], interactive: bool) -> list[str]:
    """The values of a list field: as given, else asked for on a terminal, else none."""
    from brief.authoring.scaffold import check_values

    if given or not interactive:
        return check_values(name, list(given))

    def check(typed: str) -> list[str]:
        return check_values(name, [typed] if typed.strip() else [])

    return _ask(PROMPTS[name], check, allow_empty=True)


def _ask(prompt: str, check: Callable[[str], T], allow_empty: bool = False) -> T:
    """Ask until the answer passes `check` (which raises BriefError with the reason)."""
    from brief.base.errors import BriefError

    while True:
        typed: str = click.prompt(prompt, default="" if allow_empty else None, show_default=False)
        try:
            return check(typed)
        except BriefError as exc:
            click.echo(f"  {exc}", err=True)


def _language(value: str, schema: str | None) -> str:
    from brief.authoring.scaffold import check_language
    from brief.format.schema import compiled

    return check_language(value, compiled(schema).language_codes)


def _new_id(coll: Collection, brief: NewBrief, folder: str | None) -> str:
    """An id for the brief, free in the collection (its index, refreshed first) and in `folder`."""
    from brief.authoring.places import FreeIds
    from brief.authoring.scaffold import new_id
    from brief.collection.index import open_index

    index = open_index(coll, refresh=True, notify=lambda message: say(f"brief: notice: {message}"))
    try:
        free = FreeIds(index.connection(), folder)
        return new_id(brief, free.style, free.taken)
    finally:
        index.close()


def _report(path: str, schema: str | None) -> bool:
    """Check the file; print its problems (file:line:col) on stderr; True when it is valid."""
    from brief.authoring.places import shown
    from brief.format.checker import Checker
    from brief.render.reporters import TextReporter

    result = Checker(schema).check_path(path, shown(path))
    if result.diagnostics:
        TextReporter(sys.stderr).result(result)
        return False
    return True


def _edit_until_valid(editor: list[str], path: str, schema: str | None, interactive: bool) -> bool:
    """Open the editor; when it closes, check the file; on a terminal, offer to reopen it while it is invalid."""
    import subprocess

    from brief.authoring.places import shown

    while True:
        try:
            status = subprocess.call([*editor, path])
        except OSError as exc:
            say(f"brief: error: cannot run the editor {editor[0]!r}: {exc.strerror or exc}")
            sys.exit(EXIT_USAGE)
        if status != 0:
            say(f"brief: the editor exited with status {status}; {shown(path)} is kept as it is")
            return _report(path, schema)
        if _report(path, schema):
            return True
        if not interactive or not click.confirm("Reopen it in the editor?", default=True, err=True):
            say(f"brief: {shown(path)} is kept with these errors (brief validate {shown(path)} checks it again)")
            return False
