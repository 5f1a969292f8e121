"""One brief as a Markdown document to paste into a report: headings, lists and GitHub pipe tables.

Brief text is escaped (brief.render.escape) so that no emphasis, link, table cell or HTML can come of it; the
body keeps its own Markdown, with raw HTML made inert and its headings nested under the document's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from brief.base.fields import as_list, display, displays, mappings
from brief.base.vocabulary import LIKELIHOOD, TRENDS
from brief.render.escape import md_escape, md_paragraph, md_table, md_url
from brief.render.markdown import code_spans
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
    figure_number,
    grade,
    kind_heading,
    languages,
    marking,
    nation,
    sentence,
    words,
)


def _metadata(brief: Brief) -> list[str]:
    title = md_escape(display(brief.get("title"))) or "(untitled)"
    date = md_escape(display(brief.get("date")))
    if brief.get("updated"):
        date = f"{date} (updated {md_escape(display(brief.get('updated')))})".strip()
    fields = [
        ("ID", md_escape(display(brief.get("id")))),
        ("Date", date),
        ("Language", md_escape(languages(brief))),
        ("Authors", md_escape(", ".join(displays(brief.get("authors"))))),
        ("Domains", md_escape(", ".join(displays(brief.get("domains"))))),
        ("Regions", md_escape(", ".join(displays(brief.get("regions"))))),
        ("Nations", md_escape(", ".join(nation(n) for n in as_list(brief.get("nations")) if display(n)))),
        ("Tags", md_escape(", ".join(displays(brief.get("tags"))))),
    ]
    lines = [f"# {title}", ""]
    lines += [f"- **{label}:** {value}" for label, value in fields if value]
    return lines


def _summary(brief: Brief) -> list[str]:
    return [md_paragraph(display(brief.get("summary")))] if brief.get("summary") else []


def _judgments(brief: Brief) -> list[str]:
    names = Names(brief)
    lines = []
    for number, judgment in enumerate(mappings(brief.get("key_judgments")), 1):
        line = f"{number}. {md_paragraph(sentence(display(judgment.get('statement'))))}"
        likelihood, confidence = judgment.get("likelihood"), judgment.get("confidence")
        estimate = []
        if likelihood is not None:
            phrase, odds = LIKELIHOOD.get(likelihood, ("", "")) if isinstance(likelihood, str) else ("", "")
            phrase = phrase or words(likelihood)
            estimate.append(f"**{md_escape(phrase)}**" + (f" ({odds})" if odds else ""))
        if confidence is not None:
            estimate.append(md_escape(f"{words(confidence)} confidence"))
        cited = names.cited(judgment.get("sources"), ("(", ")"))
        tail = ", ".join(estimate) + (f"; sources: {md_escape(cited)}" if cited else "")
        if tail:
            line += f" — {tail.removeprefix('; ')}."
        lines.append(line)
    return lines


def _actors(brief: Brief) -> list[str]:
    names = Names(brief)
    lines: list[str] = []
    for kind, actors in actor_groups(brief):
        if lines:
            lines.append("")
        lines += [f"### {md_escape(kind_heading(kind))}", ""]
        for actor in actors:
            line = f"- **{md_escape(display(actor.get('name')) or display(actor.get('id')) or '(unnamed)')}**"
            held = affiliations(actor, names)
            if held:
                line += f" — {md_escape(held)}"
            details = [sentence(display(actor.get("description")))]
            details += [sentence(fact[0].upper() + fact[1:]) for fact in actor_facts(actor) if fact]
            details = [detail for detail in details if detail]
            if details:
                line += (". " if held else " — ") + md_escape(" ".join(details))
            lines.append(line)
    return lines


def _positions(brief: Brief) -> list[str]:
    grid = Grid(brief, Names(brief))
    if not grid.issues and not grid.actors:
        return []
    lines: list[str] = []
    if grid.actors:
        rows = [[md_escape(cell) for cell in row] for row in grid.rows()]
        headers = ["Actor"] + [str(n) for n in range(1, len(grid.issues) + 1)]
        lines += [*md_table(headers, rows, ["left"] + ["center"] * len(grid.issues)), ""]
    lines += [f"{n}. {md_paragraph(grid.statement(issue))}" for n, issue in enumerate(grid.issues, 1)]
    legend = grid.legend()
    if legend:
        lines += ["", f"Key: {md_escape(legend)}."]
    return lines


def _relations(brief: Brief) -> list[str]:
    names = Names(brief)
    rows = []
    for relation in mappings(brief.get("relations")):
        pair = " – ".join(names.actor(a) for a in as_list(relation.get("actors")) if a is not None)
        trend = relation.get("trend")
        rows.append(
            [
                md_escape(pair),
                md_escape(words(relation.get("kind"))),
                md_escape(TRENDS.get(trend, words(trend)) if isinstance(trend, str) else display(trend)),
                md_escape(display(relation.get("as_of"))),
                md_escape("; ".join(displays(relation.get("factors")))),
                md_escape(names.cited(relation.get("sources"), ("(", ")"))),
            ]
        )
    return md_table(["Actors", "Relation", "Trend", "As of", "Factors", "Sources"], rows) if rows else []


def _figures(brief: Brief) -> list[str]:
    names = Names(brief)
    rows = [
        [
            md_escape(display(figure.get("label"))),
            md_escape(figure_number(figure.get("value"))),
            md_escape(display(figure.get("unit"))),
            md_escape(display(figure.get("date"))),
            md_escape(display(figure.get("status"))),
            md_escape(names.cited(figure.get("sources"), ("(", ")"))),
        ]
        for figure in mappings(brief.get("figures"))
    ]
    align = ["left", "right", "left", "left", "left", "left"]
    return md_table(["Figure", "Value", "Unit", "Date", "Status", "Sources"], rows, align) if rows else []


def _sources(brief: Brief) -> list[str]:
    rows = []
    for source in mappings(brief.get("sources")):
        title = md_escape(display(source.get("title")))
        if source.get("url"):
            title += " " + md_url(display(source.get("url")))
        rows.append(
            [
                md_escape(grade(source)),
                title,
                md_escape(display(source.get("publisher"))),
                md_escape(display(source.get("date"))),
                md_escape(display(source.get("id"))),
            ]
        )
    return md_table(["Grade", "Source", "Publisher", "Date", "ID"], rows) if rows else []


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
# '<' opening a tag, comment or processing instruction; web and mail autolinks are let through
_HTML_OPEN = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?|ftp|mailto):[^\s<>]*>)")


def _body(brief: Brief) -> list[str]:
    """The body's own Markdown, kept, with raw HTML made inert and headings nested under the document's."""
    body = display(brief.get("body")).strip("\n")
    if not body.strip():
        return []
    out = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        line = _ATX.sub(lambda m: m.group(1) + ("#" * min(len(m.group(2)) + 2, 6)), line, count=1)
        rebuilt, last = [], 0
        for start, end, _ in code_spans(line):  # code spans show '<' literally: left alone
            rebuilt += [_HTML_OPEN.sub("&lt;", line[last:start]), line[start:end]]
            last = end
        rebuilt.append(_HTML_OPEN.sub("&lt;", line[last:]))
        out.append("".join(rebuilt))
    if fence is not None:
        out.append(fence)  # an unclosed fence would swallow whatever is pasted after the document
    return out


_SECTIONS: dict[str, Callable[[Brief], list[str]]] = {
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


def render_markdown_document(data: Brief, sections: Sequence[str] | None = None) -> str:
    """The brief as a Markdown document to paste into a report: headings, lists and GitHub pipe tables."""
    brief = clean(data)
    blocks: list[list[str]] = []
    marked = marking(brief)
    if marked:  # the handling marking comes first, whatever part is shown
        blocks.append([f"**{marked[1]}**"])
    for name in chosen(sections):
        lines = _SECTIONS[name](brief)
        if name == "metadata":
            blocks.append(lines)
        elif lines or sections:
            blocks.append([f"## {HEADINGS[name]}", ""] + (lines or ["(none)"]))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
