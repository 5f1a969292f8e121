"""Briefs as CSV for spreadsheets and pandas: one row per brief (its metadata, lists joined with "; "), or tidy
tables of one row per position, actor, relation, key judgment or source, each row naming its brief and marking.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
formula, and brief text is untrusted: such cells get a leading apostrophe, which spreadsheets show as text.
Control characters are written as visible escapes (`\\x1b`), as everywhere brief text may reach a terminal."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from brief.base.fields import display, mappings, number, text, texts
from brief.base.text import neutralise
from brief.base.vocabulary import LIKELIHOOD

Row = dict[str, Any]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell's text: lists joined, booleans as true/false, control characters escaped, formulas made inert.
    Numbers stay numbers (a negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        value = "; ".join(display(item) for item in value)
    cell = neutralise(display(value))
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _brief_rows(brief: dict[str, Any]) -> Iterator[Row]:
    yield {
        "id": brief.get("id"), "date": brief.get("date"), "updated": brief.get("updated"), "title": brief.get("title"),
        "language": brief.get("language"), "original_language": brief.get("original_language"),
        "tlp": brief.get("tlp"), "authors": texts(brief.get("authors")), "domains": texts(brief.get("domains")),
        "regions": texts(brief.get("regions")), "nations": texts(brief.get("nations")),
        "tags": texts(brief.get("tags")), "summary": brief.get("summary"),
        "actors": len(mappings(brief.get("actors"))), "positions": len(mappings(brief.get("positions"))),
        "sources": len(mappings(brief.get("sources"))),
    }  # fmt: skip


def _actor_names(brief: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: display(a.get("name")) for a in mappings(brief.get("actors")) if text(a.get("id"))}


def _position_rows(brief: dict[str, Any]) -> Iterator[Row]:
    actors = _actor_names(brief)
    issues = {i["id"]: display(i.get("statement")) for i in mappings(brief.get("issues")) if text(i.get("id"))}
    for position in mappings(brief.get("positions")):
        actor, issue = position.get("actor"), position.get("issue")
        yield {
            "brief": brief.get("id"), "tlp": brief.get("tlp"), "date": brief.get("date"),
            "actor": actor, "actor_name": actors.get(actor) if isinstance(actor, str) else None,
            "issue": issue, "issue_statement": issues.get(issue) if isinstance(issue, str) else None,
            "stance": position.get("stance"), "basis": position.get("basis"),
            "confidence": position.get("confidence"), "salience": number(position.get("salience")),
            "power": number(position.get("power")), "rationale": texts(position.get("rationale")),
            "change": position.get("change"), "sources": texts(position.get("sources")),
            "as_of": position.get("as_of"),
        }  # fmt: skip


def _actor_rows(brief: dict[str, Any]) -> Iterator[Row]:
    for actor in mappings(brief.get("actors")):
        affiliations = []
        for affiliation in mappings(actor.get("affiliations")):
            role, status = display(affiliation.get("role")), display(affiliation.get("status"))
            detail = ", ".join(part for part in (role, status) if part)
            affiliations.append(
                f"{display(affiliation.get('actor'))} ({detail})" if detail else display(affiliation.get("actor"))
            )
        yield {
            "brief": brief.get("id"), "tlp": brief.get("tlp"), "id": actor.get("id"), "name": actor.get("name"),
            "kind": actor.get("kind"), "country": actor.get("country"), "aliases": texts(actor.get("aliases")),
            "description": actor.get("description"), "affiliations": affiliations,
        }  # fmt: skip


def _relation_rows(brief: dict[str, Any]) -> Iterator[Row]:
    actors = _actor_names(brief)
    for relation in mappings(brief.get("relations")):
        given = relation.get("actors")
        ends: list[Any] = given if isinstance(given, list) else []
        a, b = [*ends, None, None][:2]
        yield {
            "brief": brief.get("id"), "tlp": brief.get("tlp"), "actor_a": a,
            "actor_a_name": actors.get(a) if isinstance(a, str) else None, "actor_b": b,
            "actor_b_name": actors.get(b) if isinstance(b, str) else None, "kind": relation.get("kind"),
            "trend": relation.get("trend"), "factors": texts(relation.get("factors")),
            "sources": texts(relation.get("sources")), "as_of": relation.get("as_of"),
        }  # fmt: skip


def _judgment_rows(brief: dict[str, Any]) -> Iterator[Row]:
    for number_, judgment in enumerate(mappings(brief.get("key_judgments")), 1):
        likelihood = judgment.get("likelihood")
        band = LIKELIHOOD.get(likelihood) if isinstance(likelihood, str) else None
        yield {
            "brief": brief.get("id"), "tlp": brief.get("tlp"), "number": number_,
            "statement": judgment.get("statement"), "likelihood": likelihood,
            "probability": band[1] if band else None, "confidence": judgment.get("confidence"),
            "sources": texts(judgment.get("sources")),
        }  # fmt: skip


def _source_rows(brief: dict[str, Any]) -> Iterator[Row]:
    for source in mappings(brief.get("sources")):
        yield {
            "brief": brief.get("id"), "tlp": brief.get("tlp"), "id": source.get("id"), "title": source.get("title"),
            "publisher": source.get("publisher"), "url": source.get("url"), "date": source.get("date"),
            "reliability": source.get("reliability"), "credibility": source.get("credibility"),
        }  # fmt: skip


BRIEF_COLUMNS = ("id", "date", "updated", "title", "language", "original_language", "tlp", "authors", "domains",
                 "regions", "nations", "tags", "summary", "actors", "positions", "sources")  # fmt: skip
POSITION_COLUMNS = ("brief", "tlp", "date", "actor", "actor_name", "issue", "issue_statement", "stance", "basis",
                    "confidence", "salience", "power", "rationale", "change", "sources", "as_of")  # fmt: skip
ACTOR_COLUMNS = ("brief", "tlp", "id", "name", "kind", "country", "aliases", "description", "affiliations")
RELATION_COLUMNS = ("brief", "tlp", "actor_a", "actor_a_name", "actor_b", "actor_b_name", "kind", "trend", "factors",
                    "sources", "as_of")  # fmt: skip
JUDGMENT_COLUMNS = ("brief", "tlp", "number", "statement", "likelihood", "probability", "confidence", "sources")
SOURCE_COLUMNS = ("brief", "tlp", "id", "title", "publisher", "url", "date", "reliability", "credibility")

# table name -> (columns, the rows of one brief); `briefs` is the default
TABLES: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], Iterator[Row]]]] = {
    "briefs": (BRIEF_COLUMNS, _brief_rows),
    "positions": (POSITION_COLUMNS, _position_rows),
    "actors": (ACTOR_COLUMNS, _actor_rows),
    "relations": (RELATION_COLUMNS, _relation_rows),
    "judgments": (JUDGMENT_COLUMNS, _judgment_rows),
    "sources": (SOURCE_COLUMNS, _source_rows),
}


def write_csv(briefs: Iterable[dict[str, Any]], out: TextIO, table: str = "briefs") -> None:
    """The table, a header then one row per item, written brief by brief."""
    columns, rows = TABLES[table]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for brief in briefs:
        for row in rows(brief):
            writer.writerow([safe_cell(row.get(column)) for column in columns])
