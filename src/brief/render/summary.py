"""Rendering summaries: a collection's overview (brief.query.overview) as text, Markdown or JSON, and
the short summary of one brief (`brief summary REF`).

Pure functions to strings; the command (brief/cli/summary_cmd.py) chooses the width and colour and prints.
Brief text is untrusted: every renderer here neutralises it (and Markdown escapes it) before it is laid out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brief.base.fields import display, mappings
from brief.base.text import neutralise
from brief.base.vocabulary import STANCE_BY_VALUE, STANCE_GROUPS
from brief.render.escape import json_text, md_escape
from brief.render.markdown import wrap
from brief.render.show.common import Brief, Grid, Names, clean, estimate, grade, sentence
from brief.render.terminal import Style

# -- one brief ----------------------------------------------------------------------------------------------------

# how `summary` names the sides of an issue
_SIDES = (
    ("for", STANCE_GROUPS["support"]),
    ("against", STANCE_GROUPS["oppose"]),
    ("neutral", ("neutral",)),
    ("unknown", ("unknown",)),
)


def _stances_line(statement: str, positions: list[dict[str, Any]], names: Names) -> str:
    """'A Mali–Wagner security partnership: for Russia, Wagner (leaning); against France'."""
    sides = []
    for side, stances in _SIDES:
        who = []
        for position in positions:
            stance = position.get("stance")
            if isinstance(stance, str) and stance in stances:
                name = names.actor(position.get("actor"))
                strength = STANCE_BY_VALUE[stance].strength
                qualifier = {"strong": " (strongly)", "leaning": " (leaning)"}.get(strength, "")
                who.append(name + qualifier)
        if who:
            sides.append(f"{side} {', '.join(who)}")
    return f"{statement}: {'; '.join(sides) if sides else 'no positions'}"


def _grading(sources: list[dict[str, Any]]) -> str:
    """'3 (A2, B2 ×2)': the grades at a glance, best first."""
    if not sources:
        return "none"
    counts: dict[str, int] = {}
    for source in sources:
        graded = grade(source)
        key = graded if graded != "--" else "ungraded"
        counts[key] = counts.get(key, 0) + 1
    grades = sorted(counts, key=lambda g: (g == "ungraded", g))
    listed = ", ".join(g if counts[g] == 1 else f"{g} ×{counts[g]}" for g in grades)
    return f"{len(sources)} ({listed})"


def brief_summary(data: Brief, width: int = 80) -> str:
    """A short summary: title, BLUF, key judgments, who stands where (one item per issue), the sources' grades."""
    brief = clean(data)
    names = Names(brief)
    width = max(width, 20)
    title = display(brief.get("title")) or "(untitled)"
    lines = wrap(title, width, "", "")
    facts = " · ".join(display(brief.get(key)) for key in ("id", "date") if brief.get(key))
    if facts:
        lines.append(facts)
    if brief.get("summary"):
        lines += ["", *wrap(" ".join(display(brief.get("summary")).split()), width, "", "")]
    judgments = mappings(brief.get("key_judgments"))
    if judgments:
        lines += ["", "Key judgments:"]
        for judgment in judgments:
            text = " ".join(sentence(display(judgment.get("statement"))).split())
            estimated = estimate(judgment, odds=False)
            lines += wrap(f"{text} ({estimated})" if estimated else text, width, "- ", "  ")
    grid = Grid(brief, names)
    if grid.issues:
        lines += ["", "Positions:"]
        by_issue: dict[str, list[dict[str, Any]]] = {}
        for position in mappings(brief.get("positions")):
            by_issue.setdefault(display(position.get("issue")), []).append(position)
        for issue in grid.issues:
            line = _stances_line(" ".join(grid.statement(issue).split()), by_issue.get(issue, []), names)
            lines += wrap(line, width, "- ", "  ")
    lines += ["", f"Sources: {_grading(mappings(brief.get('sources')))}"]
    return "\n".join(lines) + "\n"


# the `version` of the json documents of `brief summary` (schemas/output/summary*.schema.json): raised when their
# shape changes
JSON_VERSION = 1


def brief_summary_json(path: str, data: Brief) -> str:
    """`{"version": 1, "path": …, "summary": …}` on one line (no final newline)."""
    return json_text({"version": JSON_VERSION, "path": path, "summary": brief_summary(data)}, indent=None)


# -- a collection -------------------------------------------------------------------------------------------------


def _shorten(text: str | None, room: int) -> str:
    """One line of at most `room` characters; leading indentation is kept, inner white space collapsed."""
    text = text or ""
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(text.split())
    return text if len(text) <= room else text[: max(room - 1, 0)].rstrip() + "…"


def _cut(text: str, room: int) -> str:
    """Truncate an assembled line (its own spacing kept) to `room` characters."""
    return text if len(text) <= room else text[: max(room - 1, 0)].rstrip() + "…"


def _inline(items: list[dict[str, Any]], label: Callable[[dict[str, Any]], str] | None = None, limit: int = 8) -> str:
    label = label or (lambda item: str(item["value"]))
    shown = [f"{label(item)} {item['briefs']}" for item in items[:limit]]
    more = f" · … {len(items) - limit} more" if len(items) > limit else ""
    return " · ".join(shown) + more if shown else "—"


def _nation_label(item: dict[str, Any]) -> str:
    from brief.base.countries import name_of

    return f"{name_of(item['value'])} ({item['value']})"


def _marked(counts: dict[str, Any]) -> bool:
    """Whether any brief counted carries a TLP marking (collections that do not use TLP get no TLP line)."""
    return any(item["value"] for item in counts.get("tlp", []))


def _tlp_label(item: dict[str, Any]) -> str:
    return str(item["value"] or "unmarked")


class _Head(str):
    """A heading line: neutralised, then styled, when the text is assembled."""


def render_summary_text(result: dict[str, Any], width: int = 100, colour: bool = False) -> str:
    """The overview for a terminal: counts, a histogram by month, actors, contested issues, changes, briefs."""
    out: list[str] = []
    dates = result["date_range"]
    span = f", {dates['first']} … {dates['last']}" if dates["first"] else ""
    invalid = f" ({result['invalid']} invalid)" if result["invalid"] else ""
    out.append(_Head(f"{result['briefs']} brief{'s' if result['briefs'] != 1 else ''}{span}{invalid}"))
    if result["briefs"]:
        out += _overview_lines(result, width)
    # brief text is neutralised line by line, and only then are the headings styled (a style's escape sequence
    # neutralised would show as text)
    style = Style(colour)
    return (
        "\n".join(style.bold(neutralise(line)) if isinstance(line, _Head) else neutralise(line) for line in out) + "\n"
    )


def _overview_lines(result: dict[str, Any], width: int) -> list[str]:
    counts = result["counts"]
    out: list[str] = [""]
    rows = [
        ("Domains", _inline(counts["domains"])),
        ("Regions", _inline(counts["regions"])),
        ("Nations", _inline(counts["nations"], _nation_label)),
        ("Actor kinds", " · ".join(f"{k['value']} {k['actors']}" for k in counts["actor_kinds"]) or "—"),
        ("Languages", _inline(counts["languages"])),
    ]
    if _marked(counts):
        rows.append(("TLP", _inline(counts["tlp"], _tlp_label)))
    out += [f"{name:<12} {value}" for name, value in rows]
    out += ["", _Head("By month")]
    peak = max((m["briefs"] for m in result["months"]), default=1)
    bar_room = max(10, min(50, width - 20))
    out += [
        f"  {m['value']}  {'█' * max(1, round(m['briefs'] / peak * bar_room))} {m['briefs']}" for m in result["months"]
    ]
    if result["actors"]:
        out += ["", _Head("Most-referenced actors")]
        for actor in result["actors"]:
            count = actor["brief_count"]
            lead = f"  {actor['name']} ({actor['id']}), {count} brief{'s' if count != 1 else ''}: "
            out.append(lead + _shorten(", ".join(actor["briefs"]), width - len(lead)))
    if result["contested_issues"]:
        out += ["", _Head("Most contested issues")]
        for issue in result["contested_issues"]:
            statement = f" — {issue['statement']}" if issue["statement"] else ""
            out.append(_shorten(f"  {issue['issue']}{statement}", width))
            out.append(_cut(f"    support: {_shorten(', '.join(issue['support']), width)}", width))
            out.append(_cut(f"    oppose:  {_shorten(', '.join(issue['oppose']), width)}", width))
    if result["stance_changes"]:
        out += ["", _Head(f"Stance changes ({result['stance_change_count']}, latest first)")]
        for change in result["stance_changes"]:
            before, after = change["from"], change["to"]
            out.append(_shorten(
                f"  {change['name']} on {change['issue']}: {before['stance']} ({before['date']}, {before['brief']})"
                f" → {after['stance']} ({after['date']}, {after['brief']})", width))  # fmt: skip
            if change["explanation"]:
                out.append(_shorten(f"    why: {change['explanation']}", width))
        hidden = result["stance_change_count"] - len(result["stance_changes"])
        if hidden:
            out.append(f"  … and {hidden} earlier (--changes 0 for all)")
    if "groups" in result:
        for group in result["groups"]:
            out += ["", _Head(f"{group['label']} — {group['briefs']} brief{'s' if group['briefs'] != 1 else ''}")]
            out += _lines(group["brief_list"], width)
    else:
        out += ["", _Head("Briefs")]
        out += _lines(result["brief_list"], width)
    return out


def _lines(listing: dict[str, Any], width: int) -> list[str]:
    lines = []
    for item in listing["items"]:
        mark = "" if item["valid"] else " ✗"
        lead = f"  {item['date'] or '????-??-??'}  {item['id'] or '?'}{mark}  "
        rest = _shorten(item["title"], max(20, (width - len(lead)) // 2))
        bluf = item["summary"] or ""
        line = lead + rest
        if bluf:
            line += " — " + _shorten(bluf, max(0, width - len(line) - 3))
        lines.append(_cut(line, width))
    if listing["total"] > listing["shown"]:
        lines.append(f"  … and {listing['total'] - listing['shown']} more (--limit 0 for all)")
    return lines


def _md(value: Any) -> str:
    return md_escape(str(value if value is not None else ""))


def _row(*cells: str) -> str:
    return f"| {' | '.join(cells)} |"


def render_summary_markdown(result: dict[str, Any]) -> str:
    """The overview as a Markdown document: counts, months, actors, contested issues and briefs as pipe tables."""
    dates = result["date_range"]
    out = [f"# Summary of {result['briefs']} briefs", ""]
    if dates["first"]:
        out += [f"{_md(dates['first'])} … {_md(dates['last'])}; {result['invalid']} invalid.", ""]
    counts = result["counts"]
    out += ["## Counts", "", _row("field", "values"), "|---|---|"]
    for name, key, label in (("Domains", "domains", None), ("Regions", "regions", None),
                             ("Nations", "nations", _nation_label), ("Languages", "languages", None)):  # fmt: skip
        out.append(_row(name, _md(_inline(counts[key], label, limit=50))))
    if _marked(counts):
        out.append(_row("TLP", _md(_inline(counts["tlp"], _tlp_label))))
    kinds = " · ".join(f"{k['value']} {k['actors']}" for k in counts["actor_kinds"])
    out += [_row("Actor kinds", _md(kinds)), "", "## By month", "", _row("month", "briefs"), "|---|---|"]
    out += [_row(_md(m["value"]), str(m["briefs"])) for m in result["months"]]
    out += ["", "## Most-referenced actors", "", _row("actor", "briefs", "in"), "|---|---|---|"]
    out += [_row(_md(a["name"]), str(a["brief_count"]), _md(", ".join(a["briefs"]))) for a in result["actors"]]
    out += ["", "## Most contested issues", "", _row("issue", "support", "oppose"), "|---|---|---|"]
    out += [
        _row(_md(i["statement"] or i["issue"]), _md(", ".join(i["support"])), _md(", ".join(i["oppose"])))
        for i in result["contested_issues"]
    ]
    out += ["", "## Stance changes", ""]
    for change in result["stance_changes"]:
        before, after = change["from"], change["to"]
        why = f" — {_md(change['explanation'])}" if change["explanation"] else ""
        out.append(f"- **{_md(change['name'])}** on {_md(change['issue'])}: {_md(before['stance'])} "
                   f"({_md(before['date'])}) → {_md(after['stance'])} ({_md(after['date'])}){why}")  # fmt: skip
    out += ["", "## Briefs", "", _row("date", "id", "title", "BLUF"), "|---|---|---|---|"]
    listing = result["brief_list"]
    out += [
        _row(_md(i["date"]), _md(i["id"]), _md(i["title"]), _md(_shorten(i["summary"], 200))) for i in listing["items"]
    ]
    if listing["total"] > listing["shown"]:
        out += ["", f"… and {listing['total'] - listing['shown']} more."]
    return neutralise("\n".join(out) + "\n")


def render_summary_json(result: dict[str, Any]) -> str:
    """The overview as JSON, every figure (no final newline)."""
    return json_text({"version": JSON_VERSION, **result})
