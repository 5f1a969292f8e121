"""`brief graph`: the actor network of the briefs selected, as Mermaid, Graphviz DOT or JSON, or drawn by
Graphviz's `dot` to an SVG or PNG file."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from brief.cli.common import say
from brief.cli.completion import completer
from brief.cli.options import filter_options, handle_errors, max_tlp_option

# Kept here so that `brief graph --help` imports nothing of the drawing itself; tests/test_graph_cli.py checks them.
FORMATS = ("mermaid", "dot", "json")
RENDER_SUFFIXES = (".svg", ".png")


@click.command()
@click.argument("arguments", nargs=-1, metavar="[REF|PATH|QUERY]...", shell_complete=completer("brief"))
@click.option("-q", "--query", "query_text", metavar="QUERY", help="Search terms, as in brief search.")
@filter_options
@click.option("--positions", is_flag=True, help="Issues as nodes too, with the actors' stances as edges.")
@click.option("--top", type=click.IntRange(min=0), default=0, metavar="N",
              help="Only the N actors in most briefs, and the edges among them (0: all).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mermaid", show_default=True,
              help="mermaid (Markdown, GitHub), dot (Graphviz) or json (nodes and edges).")  # fmt: skip
@click.option("--render", metavar="FILE.svg|FILE.png", help="Draw the graph with Graphviz's dot into FILE.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@max_tlp_option("Leave out briefs marked above this TLP level.")
@click.option("--include-invalid", is_flag=True, help="Draw invalid briefs too, as written.")
@click.option("--no-refresh", is_flag=True, help="Use the index as it is, without checking the files.")
@handle_errors
def graph(arguments: tuple[str, ...], query_text: str | None, positions: bool, top: int, fmt: str,
          render: str | None, output: str | None, max_tlp: str, include_invalid: bool, no_refresh: bool,
          **options: Any) -> None:  # fmt: skip
    """Draw who is allied with whom: actors and their relations, across briefs.

    Arguments, in any order: files or folders (the collection), brief ids,
    and search terms (`brief graph mali-wagner-2021`, `brief graph examples/
    'wagner nation:ML'`). The list filters (--nation, --since, …) apply.

    \b
    Actors are matched across briefs by id, then by name or alias; an edge
    shows the latest brief's word, marked "(was …)" where briefs disagree.
    Deteriorating relations are drawn wide.

    \b
    Exit codes: 0 drawn; 1 some selected brief is invalid or unreadable
    (the others are drawn); 2 usage error, or Graphviz missing for --render.
    """
    from brief.cli.selecting import usage

    if render is not None:
        if not render.lower().endswith(RENDER_SUFFIXES):
            usage(f"--render {render!r}: give a file ending in .svg or .png")
        if output is not None:
            usage("--render writes the picture to its file: leave out -o")
        _check_folder(render)
    if output is not None and output != "-":
        _check_folder(output)
    if render is not None:
        from brief.render.graph import dot_program

        dot_program()  # missing: say how to install it before any work

    from brief.cli.selecting import pick, records, report_left_out

    picked = pick(arguments, query_text, options, max_tlp, include_invalid, no_refresh)
    from brief.analysis.network import build_network
    from brief.render.graph import highest_marking, to_dot, to_json, to_mermaid

    network = build_network(records(picked.briefs), positions=positions).core(top)
    marking = highest_marking([brief.get("tlp") for brief in picked.briefs])
    if render is not None:
        from brief.export.output import output as open_output
        from brief.render.graph import run_dot

        picture = run_dot(to_dot(network, marking), render.rsplit(".", 1)[-1].lower())
        with open_output(render) as out:
            out.flush()
            out.buffer.write(picture)
        code = report_left_out(picked, max_tlp, "drawn")
        say(f"brief: drew {_counted(network)} to {render}")
        sys.exit(code)
    writer = {"mermaid": to_mermaid, "dot": to_dot, "json": to_json}[fmt]
    text = writer(network, marking)
    from brief.export.output import output as open_output

    with open_output(output) as out:
        out.write(text)
    code = report_left_out(picked, max_tlp, "drawn")
    if network.left_out:
        say(f"brief: drew the {len(network.actors())} actors in most briefs; {network.left_out} more left out (--top)")
    if output is not None and output != "-":
        say(f"brief: wrote {_counted(network)} to {output}")
    sys.exit(code)


def _check_folder(path: str) -> None:
    from brief.cli.selecting import usage

    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        usage(f"cannot write {path}: no such folder")


def _counted(network: Any) -> str:
    actors, edges = len(network.actors()), len(network.edges)
    return f"{actors} actor{'s' if actors != 1 else ''} and {edges} edge{'s' if edges != 1 else ''}"
