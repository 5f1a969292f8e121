"""`brief import`: articles (plain text, Markdown, saved web pages) to draft briefs, with actors linked from the
collection; the drafts' paths on stdout, a report on stderr."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from brief.cli.colour import colour_option
from brief.cli.common import EXIT_OK, EXIT_PROBLEMS, handle_errors, say

if TYPE_CHECKING:
    from brief.authoring.importing import Importer, Options

KINDS = ("text", "markdown", "html")


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-o", "--output", metavar="FILE.md|DIR", help="A .md file (one article), a folder (created if "
              "need be), or - for stdout [default: the collection's first folder].")  # fmt: skip
@click.option("--from", "kind", type=click.Choice(KINDS), help="Read every FILE as this [default: by extension].")
@click.option("--link/--no-link", default=True, show_default=True, help="Link the actors the collection knows.")
@click.option("--collection", "collection_paths", multiple=True, metavar="PATH", type=click.Path(exists=True),
              help="Link against these briefs (repeatable) [default: the configured collection].")  # fmt: skip
@click.option("--date", help="The date of every draft, YYYY-MM-DD [default: the article's, else today].")
@click.option("--lang", "language", metavar="CODE", help="Their language [default: the article's, else guessed].")
@click.option("-q", "--quiet", is_flag=True, help="No report on stderr (errors are still said).")
@colour_option
@handle_errors
def import_(
    files: tuple[str, ...], output: str | None, kind: str | None, link: bool, collection_paths: tuple[str, ...],
    date: str | None, language: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Turn articles into draft briefs (Markdown with front matter) that validate as written.

    FILE is plain text (first line the title; then Domains:, Regions:, Nations: lines, in English or
    French; then paragraphs, with • bullets), Markdown (its front matter kept and completed) or a saved web
    page (.html: its main text extracted); '-' reads standard input. Actors of the collection named in the
    text are entered with what the collection knows of them; unknown names are listed as candidates, in a
    comment. Nothing is ever overwritten.

    \b
    Exit codes: 0 every article imported; 1 some could not be (unreadable, not UTF-8, the file
    exists); the others are still imported; 2 usage error.
    """
    from brief.authoring import importing
    from brief.authoring.places import FreeIds, first_folder
    from brief.authoring.scaffold import check_date, check_language, today
    from brief.base.errors import BriefError
    from brief.collection.config import collection
    from brief.collection.index import open_index
    from brief.format.schema import compiled

    if files.count("-") > 1:
        raise BriefError("standard input ('-') can be read only once")
    coll = collection(collection_paths)
    schema = compiled(coll.schema)
    options = importing.Options(
        link=link,
        date=check_date(date) if date else None,
        language=check_language(language, schema.language_codes) if language else None,
    )
    to_stdout, folder, single = _destination(output, files, first_folder(coll.paths))
    index = open_index(coll, refresh=True, notify=lambda message: say(f"brief: notice: {message}"))
    try:
        from brief.authoring.linking import Linker

        free = FreeIds(index.connection(), folder)
        linker = Linker(index.connection()) if link else None
        importer = importing.Importer(linker, free.taken, free.style, today(), schema.country_codes)
        failed = 0
        for name in files:
            if not _import_one(name, kind, importer, options, coll.schema, to_stdout, folder, single, quiet):
                failed += 1
    finally:
        index.close()
    if len(files) > 1 and not quiet:
        say(f"Imported {len(files) - failed} of {len(files)} articles" + (f"; {failed} failed." if failed else "."))
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _destination(
    output: str | None, files: tuple[str, ...], default_folder: str
) -> tuple[bool, str | None, str | None]:
    """(to standard output, the folder drafts go into, the one file a single draft goes to). `-o NAME.md` is a
    file (one article only); a folder, or a name without an extension, is a folder (created when needed)."""
    from brief.base.errors import BriefError

    if output == "-":
        if len(files) != 1:
            raise BriefError("-o - writes one draft to standard output: give one FILE")
        return True, None, None
    if output is None:
        return False, default_folder, None
    if os.path.isdir(output) or output.endswith((os.sep, "/")):
        return False, output, None
    extension = os.path.splitext(output)[1].lower()
    if extension == ".md":
        if len(files) > 1:
            raise BriefError(f"{output}: several articles go into a folder, not into one .md file")
        return False, None, output
    if extension:
        raise BriefError(f"{output}: a draft is Markdown; name it .md (or name a folder)")
    if os.path.exists(output):
        raise BriefError(f"{output}: not a folder")
    return False, output, None


def _import_one(
    name: str, kind: str | None, importer: Importer, options: Options, schema: str | None, to_stdout: bool,
    folder: str | None, single: str | None, quiet: bool,
) -> bool:  # fmt: skip
    """Import one article; say what happened; False if it could not be imported."""
    from brief.authoring.articles import ArticleError, read_article, read_path
    from brief.authoring.importing import report_lines
    from brief.authoring.places import shown
    from brief.authoring.writing import FileExists, write_new
    from brief.base.text import neutralise
    from brief.format.checker import Checker
    from brief.render.reporters import TextReporter

    label = "<stdin>" if name == "-" else name
    try:
        raw = sys.stdin.buffer.read() if name == "-" else read_path(name)
        article = read_article(label, raw, kind)
        draft = importer.draft(article, options)
    except ArticleError as exc:
        say(f"brief: cannot import {neutralise(label)}: {neutralise(str(exc))}")
        return False
    result = Checker(schema).load_bytes(draft.text.encode("utf-8"), label, "markdown")[1]
    if to_stdout:
        sys.stdout.write(neutralise(draft.text) if sys.stdout.isatty() else draft.text)
        sys.stdout.flush()
        target = "standard output"
    else:
        path = single or os.path.join(folder or ".", f"{draft.brief_id}.md")
        try:
            write_new(path, draft.text)
        except FileExists:
            say(f"brief: cannot import {neutralise(label)}: {shown(path)} exists; not overwritten")
            return False
        except OSError as exc:
            say(f"brief: cannot import {neutralise(label)}: cannot write {shown(path)}: {exc.strerror or exc}")
            return False
        click.echo(shown(path))
        target = shown(path)
    if not quiet:
        say(f"brief: {neutralise(label)} → {target} (id {draft.brief_id})")
        for line in report_lines(draft.report):
            say(neutralise(f"  {line}"))
    if result.diagnostics:
        TextReporter(sys.stderr).result(result)
        return False
    return True
