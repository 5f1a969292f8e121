"""`brief summary`: what a collection (or a filtered part of it) says, or a short summary of one brief."""

from __future__ import annotations

import json
import os
import shutil
import sys
from typing import Any

import click

from brief.base.text import neutralise
from brief.cli.main import EXIT_PROBLEMS
from brief.cli.options import filter_options, filters_from, handle_errors, load_ref_or_exit, open_collection
from brief.render.terminal import use_colour

GROUPINGS = ("nation", "region", "domain", "actor", "month")


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF|PATH]...")
@click.option("-q", "--query", "query_text", metavar="QUERY", help="Search terms, as in brief search.")
@filter_options
@click.option("--by", type=click.Choice(GROUPINGS), help="Group the brief lines by this field.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Brief lines (0: all).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Actors and issues shown.")
@click.option(
    "--changes", type=click.IntRange(min=0), default=20, show_default=True, help="Latest stance changes shown (0: all)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--no-refresh", is_flag=True, help="Use the index as it is, without checking the files.")
@handle_errors
def summary(refs: tuple[str, ...], query_text: str | None, by: str | None, limit: int, top: int, changes: int,
            fmt: str, no_refresh: bool, **options: Any) -> None:  # fmt: skip
    """Summarise the collection, or what the filters and query select.

    \b
    Counts by domain, region, nation, actor kind and language; the date range
    and a per-month histogram; the most-referenced actors; the most contested
    issues (actors on both sides); stance changes between briefs; and one line
    per brief. With one REF (a brief id or file): a short summary of that brief.
    """
    if len(refs) == 1 and not os.path.isdir(refs[0]):
        _single(refs[0], fmt)
        return
    from brief.query.language import check_search, parse_search
    from brief.query.overview import overview, select

    # a malformed query fails before the collection is even looked at
    query = parse_search(query_text) if query_text else None
    index = open_collection(refs, no_refresh)
    if query is not None:
        check_search(query, index.collection.schema)
    filters = filters_from(options, index.collection.schema)
    selection = select(index.db, filters, query)
    result = overview(index.db, selection, by=by, brief_limit=limit or None, top=top, changes=changes or None,
                    database=str(index.path))  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(neutralise(render_markdown(result)), nl=False)
    else:
        click.echo(neutralise(render_text(result, _width(), use_colour(sys.stdout))), nl=False)


def _width() -> int:
    return min(shutil.get_terminal_size((100, 24)).columns, 160) if sys.stdout.isatty() else 100


def _single(ref: str, fmt: str) -> None:
    from brief.render.show import brief_summary

    resolved = load_ref_or_exit(ref)
    if resolved.data is None:
        first = resolved.result.diagnostics[0]
        click.echo(f"brief: error: {neutralise(resolved.path)}: cannot be read: {neutralise(first.message)}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if fmt == "json":
        click.echo(json.dumps({"path": resolved.path, "summary": brief_summary(resolved.data)}, ensure_ascii=False))
    else:
        click.echo(neutralise(brief_summary(resolved.data)), nl=False)


# --- rendering ---------------------------------------------------------------------------------------------------


def _shorten(text: str | None, room: int) -> str:
    """One line of at most `room` characters; leading indentation is kept, inner white space collapsed."""
    text = text or ""
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(text.split())
    return text if len(text) <= room else text[: max(room - 1, 0)].rstrip() + "…"


def _cut(text: str, room: int) -> str:
    """Truncate an assembled line (its own spacing kept) to `room` characters."""
    return text if len(text) <= room else text[: max(room - 1, 0)].rstrip() + "…"


def _inline(items: list[dict[str, Any]], label: Any = None, limit: int = 8) -> str:
    label = label or (lambda item: str(item["value"]))
    shown = [f"{label(item)} {item['briefs']}" for item in items[:limit]]
    more = f" · … {len(items) - limit} more" if len(items) > limit else ""
    return " · ".join(shown) + more if shown else "—"


def _nation_label(item: dict[str, Any]) -> str:
    from brief.base.countries import name_of

    return f"{name_of(item['value'])} ({item['value']})"


def render_text(result: dict[str, Any], width: int = 100, colour: bool = False) -> str:
    def head(text: str) -> str:
        return click.style(text, bold=True) if colour else text

    out: list[str] = []
    dates = result["date_range"]
    span = f", {dates['first']} … {dates['last']}" if dates["first"] else ""
    invalid = f" ({result['invalid']} invalid)" if result["invalid"] else ""
    out.append(head(f"{result['briefs']} brief{'s' if result['briefs'] != 1 else ''}{span}{invalid}"))
    if not result["briefs"]:
        return "\n".join(out) + "\n"
    counts = result["counts"]
    out.append("")
    rows = [
        ("Domains", _inline(counts["domains"])),
        ("Regions", _inline(counts["regions"])),
        ("Nations", _inline(counts["nations"], _nation_label)),
        ("Actor kinds", " · ".join(f"{k['value']} {k['actors']}" for k in counts["actor_kinds"]) or "—"),
        ("Languages", _inline(counts["languages"])),
    ]
    out += [f"{name:<12} {value}" for name, value in rows]
    out += ["", head("By month")]
    peak = max((m["briefs"] for m in result["months"]), default=1)
    bar_room = max(10, min(50, width - 20))
    out += [
        f"  {m['value']}  {'█' * max(1, round(m['briefs'] / peak * bar_room))} {m['briefs']}" for m in result["months"]
    ]
    if result["actors"]:
        out += ["", head("Most-referenced actors")]
        for actor in result["actors"]:
            count = actor["brief_count"]
            lead = f"  {actor['name']} ({actor['id']}), {count} brief{'s' if count != 1 else ''}: "
            out.append(lead + _shorten(", ".join(actor["briefs"]), width - len(lead)))
    if result["contested_issues"]:
        out += ["", head("Most contested issues")]
        for issue in result["contested_issues"]:
            statement = f" — {issue['statement']}" if issue["statement"] else ""
            out.append(_shorten(f"  {issue['issue']}{statement}", width))
            out.append(_cut(f"    support: {_shorten(', '.join(issue['support']), width)}", width))
            out.append(_cut(f"    oppose:  {_shorten(', '.join(issue['oppose']), width)}", width))
    if result["stance_changes"]:
        out += ["", head(f"Stance changes ({result['stance_change_count']}, latest first)")]
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
            out += ["", head(f"{group['label']} — {group['briefs']} brief{'s' if group['briefs'] != 1 else ''}")]
            out += _lines(group["brief_list"], width)
    else:
        out += ["", head("Briefs")]
        out += _lines(result["brief_list"], width)
    return "\n".join(out) + "\n"


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


def _md(text: Any) -> str:
    from brief.render.show import md_escape

    return md_escape(str(text if text is not None else ""))


def render_markdown(result: dict[str, Any]) -> str:
    dates = result["date_range"]
    out = [f"# Summary of {result['briefs']} briefs", ""]
    if dates["first"]:
        out += [f"{dates['first']} … {dates['last']}; {result['invalid']} invalid.", ""]
    counts = result["counts"]
    out += ["## Counts", "", "| field | values |", "|---|---|"]
    for name, key, label in (("Domains", "domains", None), ("Regions", "regions", None),
                             ("Nations", "nations", _nation_label), ("Languages", "languages", None)):  # fmt: skip
        out.append(f"| {name} | {_md(_inline(counts[key], label, limit=50))} |")
    kinds = " · ".join(f"{k['value']} {k['actors']}" for k in counts["actor_kinds"])
    out += [f"| Actor kinds | {_md(kinds)} |", "", "## By month", "", "| month | briefs |", "|---|---|"]
    out += [f"| {m['value']} | {m['briefs']} |" for m in result["months"]]
    out += ["", "## Most-referenced actors", "", "| actor | briefs | in |", "|---|---|---|"]
    out += [f"| {_md(a['name'])} | {a['brief_count']} | {_md(', '.join(a['briefs']))} |" for a in result["actors"]]
    out += ["", "## Most contested issues", "", "| issue | support | oppose |", "|---|---|---|"]
    out += [
        f"| {_md(i['statement'] or i['issue'])} | {_md(', '.join(i['support']))} | {_md(', '.join(i['oppose']))} |"
        for i in result["contested_issues"]
    ]
    out += ["", "## Stance changes", ""]
    for change in result["stance_changes"]:
        before, after = change["from"], change["to"]
        why = f" — {_md(change['explanation'])}" if change["explanation"] else ""
        out.append(f"- **{_md(change['name'])}** on {_md(change['issue'])}: {before['stance']} ({before['date']}) → "
                   f"{after['stance']} ({after['date']}){why}")  # fmt: skip
    out += ["", "## Briefs", "", "| date | id | title | BLUF |", "|---|---|---|---|"]
    listing = result["brief_list"]
    out += [
        f"| {i['date']} | {_md(i['id'])} | {_md(i['title'])} | {_md(_shorten(i['summary'], 200))} |"
        for i in listing["items"]
    ]
    if listing["total"] > listing["shown"]:
        out += ["", f"… and {listing['total'] - listing['shown']} more."]
    return "\n".join(out) + "\n"
