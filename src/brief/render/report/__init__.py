"""`brief report`: one HTML file that works offline and alone.

Everything is inline: the style sheet (allowed by its hash in the page's Content-Security-Policy, which forbids
every script, font, image, frame and fetch), the pictures as SVG: the actor graph laid out by Graphviz's `dot`
(render/graph.py keeps only drawing elements of what it writes), stakeholder maps and legends drawn from the
data (render/report/maps.py). The page is written by a Jinja2 template with autoescaping on, so every text from
a brief is escaped; content.py makes the text writable first (controls and the like as visible escapes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brief.render.report.content import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_TOP = 30  # actors in the report's graph (and twice as many edges): more makes a picture nobody reads


def build(briefs: Sequence[dict[str, Any]], records: Sequence[tuple[str, str, str, dict[str, Any]]], *,
          title: str, generated: str, described: list[str], counts: list[str], top: int = DEFAULT_TOP,
          draw: bool = True) -> Report:  # fmt: skip
    """The report's content: `briefs` as read (in order), `records` the same as (id, date, path, data)."""
    from brief.analysis.network import build_network
    from brief.analysis.positions import compare
    from brief.render.graph import LARGE, GraphvizError, highest_marking, inline_svg, run_dot, to_dot
    from brief.render.report.content import Cover, brief_view, clean, graph_view, legend, per_brief, timelines

    comparison = compare(records)
    index_of = {brief.path: brief.index for brief in comparison.briefs}
    seen = per_brief(comparison)
    views = [brief_view(n + 1, data, seen[index_of[record[2]]] if record[2] in index_of else None,
                        index_of.get(record[2]))
             for n, (data, record) in enumerate(zip(briefs, records, strict=True))]  # fmt: skip
    network = build_network(records)
    marking = highest_marking([brief.get("tlp") for brief in briefs])
    drawn = network.core(top, edges=2 * top)  # the edges most briefs give: a picture, the table says the rest
    svg = missing = None
    if drawn.actors():
        if draw:
            try:
                picture = run_dot(to_dot(drawn, marking, edge_labels=len(drawn.edges) <= LARGE), "svg")
                svg = inline_svg(picture, f"Actor graph of {len(drawn.actors())} actors", "actor-graph")
            except GraphvizError as exc:
                missing = str(exc)
        else:
            missing = "the graph was not drawn (--no-graph)"
    dates = sorted(record[1] for record in records if record[1])
    cover = Cover(clean(title), generated, marking, [clean(line) for line in described], counts,
                  dates[0] if dates else "", dates[-1] if dates else "")  # fmt: skip
    return Report(cover, views, graph_view(drawn, svg, missing, len(network.actors())), timelines(comparison),
                  legend())  # fmt: skip


def stylesheet() -> str:
    """The page's CSS: the file, then a rule per stance with its colours (render/palette.py)."""
    from brief.render.palette import STANCE_COLOURS, stance_colours

    rules = [f".s-{stance} {{ background-color: {fill}; color: {ink}; }}" for stance, (fill, ink, _) in
             STANCE_COLOURS.items()]  # fmt: skip
    fill, ink, _ = stance_colours("")
    rules.append(f".s-other {{ background-color: {fill}; color: {ink}; }}")
    return (TEMPLATES / "report.css").read_text(encoding="utf-8") + "\n".join(rules) + "\n"


def content_security_policy(style: str) -> str:
    """Nothing may load or run: no script, font, image, frame, form target or base; only the page's own style."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
            "script-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
            "form-action 'none'")  # fmt: skip


def render_html(report: Report) -> str:
    """The page, from templates/report.html.j2, every value escaped."""
    import jinja2
    from markupsafe import Markup

    from brief import __version__
    from brief.render.report.content import relation_legend

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda value: "" if value is None else value,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    style = stylesheet()
    template = environment.get_template("report.html.j2")
    return template.render(report=report, style=Markup(style),
                           csp=content_security_policy(style), labels=report.tlp_labels, version=__version__,
                           relation_legend=relation_legend(),
                           axes=next((m for brief in report.briefs for m in brief.maps), None)) + "\n"  # fmt: skip
