"""One brief for a terminal: metadata, then each section under a heading, wrapped to a width, optionally coloured."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from brief.base.fields import as_list, display, displays, mappings
from brief.base.vocabulary import TRENDS
from brief.render.markdown import render_markdown, wrap
from brief.render.show.common import (
    HEADINGS,
    Brief,
    Grid,
    Names,
    actor_facts,
    actor_groups,
    affiliations,
    chosen,
    clean,
    estimate,
    figure_number,
    grade,
    kind_heading,
    languages,
    marking,
    nation,
    words,
)
from brief.render.terminal import Style


def _metadata(brief: Brief, width: int, style: Style) -> list[str]:
    title = display(brief.get("title")) or "(untitled)"
    title_rows = wrap(title, width, "", "")
    lines = [style.bold(row) for row in title_rows]
    lines.append("=" * min(max(len(row) for row in title_rows), width))
    date = display(brief.get("date"))
    if brief.get("updated"):
        date = f"{date} (updated {display(brief.get('updated'))})".strip()
    fields = [
        ("id", display(brief.get("id"))),
        ("date", date),
        ("language", languages(brief)),
        ("authors", ", ".join(displays(brief.get("authors")))),
        ("domains", ", ".join(displays(brief.get("domains")))),
        ("regions", ", ".join(displays(brief.get("regions")))),
        ("nations", ", ".join(nation(n) for n in as_list(brief.get("nations")) if display(n))),
        ("tags", ", ".join(displays(brief.get("tags")))),
    ]
    label_width = max(len(label) for label, _ in fields) + 2
    lines.append("")
    for label, value in fields:
        if value:
            rows = wrap(value, width, label.ljust(label_width), " " * label_width)
            rows[0] = style.dim(label.ljust(label_width)) + rows[0][label_width:]  # styled after wrapping
            lines += rows
    return lines


def _summary(brief: Brief, width: int, style: Style) -> list[str]:
    return wrap(" ".join(display(brief.get("summary")).split()), width, "", "") if brief.get("summary") else []


def _judgments(brief: Brief, width: int, style: Style) -> list[str]:
    names = Names(brief)
    lines: list[str] = []
    judgments = mappings(brief.get("key_judgments"))
    for number, judgment in enumerate(judgments, 1):
        first = f"{number}. ".ljust(len(str(len(judgments))) + 2)
        indent = " " * len(first)
        lines += wrap(" ".join(display(judgment.get("statement")).split()), width, first, indent)
        detail = estimate(judgment)
        cited = names.cited(judgment.get("sources"))
        if cited:
            detail += f"; sources: {cited}" if detail else f"sources: {cited}"
        if detail:
            lines += [style.dim(row) if row.strip() else row for row in wrap(detail, width, indent, indent)]
    return lines


def _actors(brief: Brief, width: int, style: Style) -> list[str]:
    names = Names(brief)
    lines: list[str] = []
    for kind, actors in actor_groups(brief):
        lines.append(style.bold(kind_heading(kind)))
        for actor in actors:
            head = display(actor.get("name")) or display(actor.get("id")) or "(unnamed)"
            held = affiliations(actor, names)
            if held:
                head += f" — {held}"
            lines += wrap(head, width, "  ", "    ")
            description = " ".join(display(actor.get("description")).split())
            if description:
                lines += wrap(description, width, "    ", "    ")
            facts = "; ".join(actor_facts(actor))
            if facts:
                lines += [style.dim(row) for row in wrap(facts, width, "    ", "    ")]
    return lines


def _positions(brief: Brief, width: int, style: Style) -> list[str]:
    from tabulate import tabulate

    names = Names(brief)
    grid = Grid(brief, names)
    if not grid.issues and not grid.actors:
        return []
    lines: list[str] = []
    if grid.actors:
        rows = grid.rows(style.stance)
        # long actor names are cut so that the grid keeps to the width (tabulate puts 2 spaces between columns)
        plain = grid.rows()
        cells = sum(max(len(str(n)), *(len(row[n]) for row in plain)) + 2 for n in range(1, len(grid.issues) + 1))
        room = max(width - cells, 16)
        for row in rows:
            if len(row[0]) > room:
                row[0] = row[0][: room - 1] + "…"
        headers = ["Actor"] + [str(n) for n in range(1, len(grid.issues) + 1)]
        table = tabulate(
            rows,
            headers,
            tablefmt="simple",
            disable_numparse=True,
            colalign=("left",) + ("center",) * len(grid.issues),
        )
        lines += [row.rstrip() for row in table.splitlines()]
        lines.append("")
    number_width = len(str(len(grid.issues)))
    for number, issue in enumerate(grid.issues, 1):
        first = f"{number}".rjust(number_width) + "  "
        lines += wrap(" ".join(grid.statement(issue).split()), width, first, " " * len(first))
    legend = grid.legend()
    if legend:
        lines.append("")
        lines += [style.dim(row) for row in wrap(legend, width, "", "")]
    return lines


def _relation_head(relation: dict[str, Any], names: Names) -> str:
    pair = " – ".join(names.actor(actor) for actor in as_list(relation.get("actors")) if actor is not None)
    parts = [words(relation.get("kind"))] if relation.get("kind") else []
    trend = relation.get("trend")
    if trend:
        parts.append(TRENDS.get(trend, words(trend)) if isinstance(trend, str) else display(trend))
    head = f"{pair or '(no actors)'}: {', '.join(parts)}" if parts else pair or "(no actors)"
    if relation.get("as_of"):
        head += f" (as of {display(relation.get('as_of'))})"
    return head


def _relations(brief: Brief, width: int, style: Style) -> list[str]:
    names = Names(brief)
    lines: list[str] = []
    for relation in mappings(brief.get("relations")):
        lines += wrap(_relation_head(relation, names), width, "", "  ")
        for factor in displays(relation.get("factors")):
            lines += wrap(" ".join(factor.split()), width, "  • ", "    ")
        cited = names.cited(relation.get("sources"))
        if cited:
            lines += [style.dim(row) for row in wrap(f"sources: {cited}", width, "  ", "    ")]
    return lines


def _figure_line(figure: dict[str, Any], cited: str) -> tuple[str, str]:
    """('label', '5,100 troops (2023, projected; sources: …)')."""
    value = " ".join(part for part in (figure_number(figure.get("value")), display(figure.get("unit"))) if part)
    details = ", ".join(display(figure.get(key)) for key in ("date", "status") if display(figure.get(key)))
    if cited:
        details = f"{details}; sources: {cited}" if details else f"sources: {cited}"
    return display(figure.get("label")), value + (f" ({details})" if details else "")


def _figures(brief: Brief, width: int, style: Style) -> list[str]:
    names = Names(brief)
    lines: list[str] = []
    for figure in mappings(brief.get("figures")):
        label, value = _figure_line(figure, names.cited(figure.get("sources")))
        lines += wrap(f"{' '.join(label.split())}: {value}", width, "", "  ")
    return lines


def _sources(brief: Brief, width: int, style: Style) -> list[str]:
    lines: list[str] = []
    for source in mappings(brief.get("sources")):
        first = f"[{grade(source)}] "
        indent = " " * len(first)
        lines += wrap(" ".join(display(source.get("title")).split()) or "(untitled)", width, first, indent)
        where = ", ".join(display(source.get(key)) for key in ("publisher", "date") if source.get(key))
        facts = " · ".join(part for part in (where, display(source.get("id"))) if part)
        if facts:
            lines += [style.dim(row) for row in wrap(facts, width, indent, indent)]
        if source.get("url"):
            lines += wrap(display(source.get("url")), width, indent, indent)
    return lines


def _body(brief: Brief, width: int, style: Style) -> list[str]:
    body = display(brief.get("body"))
    if not body.strip():
        return []
    return render_markdown(body, width, style.bold if style.colour else None).split("\n")


_SECTIONS: dict[str, Callable[[Brief, int, Style], list[str]]] = {
    "metadata": _metadata,
    "summary": _summary,
    "judgments": _judgments,
    "actors": _actors,
    "positions": _positions,
    "relations": _relations,
    "figures": _figures,
    "sources": _sources,
    "body": _body,
}


def render_text(data: Brief, sections: Sequence[str] | None = None, width: int = 80, colour: bool = False) -> str:
    """The brief for a terminal: metadata, then each section under a heading, wrapped to `width`.

    Empty sections are left out, unless asked for by name (they then say "(none)"). `colour` adds ANSI styles.
    """
    brief = clean(data)
    style = Style(colour)
    width = max(width, 20)
    blocks: list[list[str]] = []
    marked = marking(brief)
    if marked:  # the handling marking comes first, whatever part is shown
        blocks.append([style.marking(marked[1], marked[0])])
    for name in chosen(sections):
        lines = _SECTIONS[name](brief, width, style)
        if name == "metadata":
            blocks.append(lines)
        elif lines or sections:
            blocks.append([style.bold(HEADINGS[name].upper())] + (lines or ["(none)"]))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
