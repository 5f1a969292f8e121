"""Checks the schema cannot express, each with a stable rule code.

They run on any data, valid against the schema or not, so every type is checked before use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from brief.base.text import did_you_mean
from brief.format.locate import PathSegment

# rule code -> what it checks (the README's rule table is checked against this)
RULES = {
    "duplicate-id": "an actor, issue or source id is used twice in one brief",
    "unresolved-reference": "a position, affiliation, relation or citation names an id the brief does not define",
    "self-reference": "an affiliation or relation links an actor to itself",
    "duplicate-position": "one actor has two positions on the same issue",
    "date-order": "`updated` is before `date`",
    "duplicate-brief-id": "two files checked together have the same brief id",
}


@dataclass(frozen=True, slots=True)
class Problem:
    path: tuple[PathSegment, ...]
    rule: str
    message: str


def _items(data: dict[str, Any], field: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(field)
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def check(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    defined: dict[str, set[str]] = {"actors": set(), "issues": set(), "sources": set()}
    first_use: dict[str, tuple[PathSegment, ...]] = {}
    for field in defined:
        for index, item in _items(data, field):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            path = (field, index, "id")
            if ident in first_use:
                other = first_use[ident]
                problems.append(
                    Problem(path, "duplicate-id", f"id '{ident}' is already used by {other[0]}[{other[1]}]")
                )
            else:
                first_use[ident] = path
            defined[field].add(ident)

    def ref(path: tuple[PathSegment, ...], value: Any, field: str, what: str) -> None:
        if isinstance(value, str) and value not in defined[field]:
            hint = did_you_mean(value, sorted(defined[field]))
            problems.append(Problem(path, "unresolved-reference", f"no {what} with id '{value}'{hint}"))

    def cited(base: tuple[PathSegment, ...], item: dict[str, Any]) -> None:
        sources = item.get("sources")
        if isinstance(sources, list):
            for index, source in enumerate(sources):
                ref((*base, "sources", index), source, "sources", "source")

    for index, actor in _items(data, "actors"):
        for aff_index, affiliation in _items(actor, "affiliations"):
            link: tuple[PathSegment, ...] = ("actors", index, "affiliations", aff_index, "actor")
            target = affiliation.get("actor")
            if target is not None and target == actor.get("id"):
                problems.append(Problem(link, "self-reference", f"actor '{target}' is affiliated to itself"))
            else:
                ref(link, target, "actors", "actor")

    seen_pairs: dict[tuple[str, str], int] = {}
    for index, position in _items(data, "positions"):
        ref(("positions", index, "actor"), position.get("actor"), "actors", "actor")
        ref(("positions", index, "issue"), position.get("issue"), "issues", "issue")
        cited(("positions", index), position)
        pair = (position.get("actor"), position.get("issue"))
        if all(isinstance(part, str) for part in pair):
            if pair in seen_pairs:
                problems.append(
                    Problem(
                        ("positions", index),
                        "duplicate-position",
                        f"actor '{pair[0]}' already has a position on issue '{pair[1]}' "
                        f"(positions[{seen_pairs[pair]}]); keep one",
                    )
                )
            else:
                seen_pairs[pair] = index  # type: ignore[index]

    for index, relation in _items(data, "relations"):
        ends = relation.get("actors")
        if isinstance(ends, list):
            for end_index, end in enumerate(ends):
                ref(("relations", index, "actors", end_index), end, "actors", "actor")
            if len(ends) == 2 and isinstance(ends[0], str) and ends[0] == ends[1]:
                problems.append(
                    Problem(("relations", index, "actors"), "self-reference", f"relation links '{ends[0]}' to itself")
                )
        cited(("relations", index), relation)

    for field in ("key_judgments", "figures"):
        for index, item in _items(data, field):
            cited((field, index), item)

    date, updated = data.get("date"), data.get("updated")
    # ISO dates compare correctly as text; malformed ones are the schema's to report
    if isinstance(date, str) and isinstance(updated, str) and len(date) == len(updated) == 10 and updated < date:
        problems.append(Problem(("updated",), "date-order", f"updated {updated} is before the brief's date {date}"))
    return problems
