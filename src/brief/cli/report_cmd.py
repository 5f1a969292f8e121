"""`brief report`: the briefs selected as one self-contained HTML page (or its content as JSON)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from brief.base.vocabulary import TLP_LEVELS
from brief.cli.common import say
from brief.cli.completion import completer
from brief.cli.options import filter_options, handle_errors, max_tlp_option

FORMATS = ("html", "json")  # kept here so that `brief report --help` imports nothing of the report
DEFAULT_TOP = 30  # as render/report's DEFAULT_TOP (tests/test_report.py checks they agree)


@click.command()
@click.argument("arguments", nargs=-1, metavar="[REF|PATH|QUERY]...", shell_complete=completer("brief"))
@click.option("-q", "--query", "query_text", metavar="QUERY", help="Search terms, as in brief search.")
@filter_options
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically); else standard output.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True,
              help="html (the page) or json (its content, for other tools).")  # fmt: skip
@click.option("--title", default="Briefing report", show_default=True, help="The title on the cover.")
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True, metavar="N",
              help="Draw the N actors in most briefs (and the 2N edges most briefs give).")  # fmt: skip
@max_tlp_option("Leave out briefs marked above this TLP level.")
@click.option("--include-invalid", is_flag=True, help="Report invalid briefs too, as written.")
@click.option("--no-refresh", is_flag=True, help="Use the index as it is, without checking the files.")
@handle_errors
def report(arguments: tuple[str, ...], query_text: str | None, output: str | None, fmt: str, title: str, top: int,
           max_tlp: str, include_invalid: bool, no_refresh: bool, **options: Any) -> None:  # fmt: skip
    """Write the briefs selected as one HTML page that works offline.

    Arguments, in any order: files or folders (the collection), brief ids,
    and search terms; the list filters (--nation, --since, …) and --max-tlp
    select as in brief export. `brief report examples/ -o report.html`

    \b
    The page holds a cover, the actor graph (drawn by Graphviz's dot when
    installed), the stances over time of issues followed across briefs,
    and for each brief its BLUF, key judgments, positions matrix,
    stakeholder maps and sources. No script, font or image: nothing is
    fetched, which its Content-Security-Policy enforces.

    \b
    Exit codes: 0 written; 1 some selected brief is invalid or unreadable
    (the others are reported); 2 usage error.
    """
    from brief.cli.selecting import usage

    if output is not None and output != "-":
        if not os.path.isdir(os.path.dirname(os.path.abspath(output))):
            usage(f"cannot write {output}: no such folder")
    elif fmt == "html" and sys.stdout.isatty():
        usage("the report is an HTML page: give -o FILE.html (or redirect standard output)")
    from brief.cli.selecting import pick, records, report_left_out

    picked = pick(arguments, query_text, options, max_tlp, include_invalid, no_refresh)
    from brief.render.report import build, render_html

    made = build(picked.briefs, records(picked.briefs), title=title, generated=_generated(),
                 described=picked.described, counts=_counts(picked), top=top, draw=fmt == "html")  # fmt: skip
    if made.graph.missing and fmt == "html" and made.graph.actors:
        say(f"brief: notice: no actor graph in the report: {made.graph.missing}")
    if fmt == "json":
        from brief.render.report.data import to_json

        text = to_json(made)
    else:
        text = render_html(made)
    from brief.export.output import output as open_output

    with open_output(output) as out:
        out.write(text)
    code = report_left_out(picked, max_tlp, "reported")
    if output is not None and output != "-":
        size = len(text.encode("utf-8"))
        say(f"brief: wrote {output}: {_briefs(len(picked.briefs))}, {size / 1e6:.1f} MB" if size >= 100_000 else
            f"brief: wrote {output}: {_briefs(len(picked.briefs))}, {size / 1e3:.0f} kB")  # fmt: skip
    sys.exit(code)


def _briefs(count: int) -> str:
    return f"{count} brief{'s' if count != 1 else ''}"


def _generated() -> str:
    """When the report was made, in UTC; SOURCE_DATE_EPOCH (reproducible builds) sets it."""
    import datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch.isdigit()
              else datetime.datetime.now(datetime.UTC))  # fmt: skip
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _counts(picked: Any) -> list[str]:
    exported = picked.exported
    lines = [_briefs(len(picked.briefs)) + " in this report"]
    if exported.withheld_count:
        levels = ", ".join(f"{count} {TLP_LEVELS[level]}" for level, count in exported.withheld.items())
        lines.append(f"{_briefs(exported.withheld_count)} withheld by their marking: {levels}")
    if exported.invalid:
        verb = "included as written" if exported.include_invalid else "left out"
        lines.append(f"{_briefs(len(exported.invalid))} with validation errors {verb}")
    if exported.unreadable:
        lines.append(f"{len(exported.unreadable)} unreadable file(s) left out")
    if exported.unmarked:
        lines.append(f"{_briefs(exported.unmarked)} without a TLP marking")
    return lines
