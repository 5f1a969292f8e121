"""Metadata filters (shared by list, search, summary, compare): checking what users typed, and the SQL that
applies them. Every value is a bound parameter: nothing typed by a user reaches SQL unquoted.
"""

from __future__ import annotations

import re
from functools import cache

from brief.base.errors import BriefError
from brief.base.text import did_you_mean, fold
from brief.base.vocabulary import STANCE_GROUPS, TLP_LEVELS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def effective_tlp(alias: str = "b") -> str:
    """SQL for a brief's TLP marking: its own, else the collection's default (kept in meta by the index)."""
    return f"coalesce({alias}.tlp, (SELECT nullif(value, '') FROM meta WHERE key = 'tlp_default'))"


class QueryError(BriefError):
    """A query or filter that cannot be understood: one line explaining why (exit code 2 in the CLI)."""


# Plain classes, not dataclasses, here and in the other modules every list or search imports: the dataclasses
# module imports inspect, which every start would pay for (tests/test_quick.py keeps it out).
class Filters:
    """Metadata filters: OR within a field, AND across fields."""

    FIELDS = ("nations", "regions", "domains", "tags", "actors", "issues", "langs", "authors", "stances", "ids",
              "tlps", "since", "until", "where", "invalid")  # fmt: skip
    __slots__ = FIELDS

    def __init__(
        self, nations: list[str] | None = None, regions: list[str] | None = None, domains: list[str] | None = None,
        tags: list[str] | None = None, actors: list[str] | None = None, issues: list[str] | None = None,
        langs: list[str] | None = None, authors: list[str] | None = None, stances: list[str] | None = None,
        ids: list[str] | None = None, since: str | None = None, until: str | None = None,
        where: list[tuple[str, str]] | None = None, invalid: bool = False, tlps: list[str] | None = None,
    ) -> None:  # fmt: skip
        self.nations = nations or []
        self.regions = regions or []
        self.domains = domains or []
        self.tags = tags or []
        self.actors = actors or []
        self.issues = issues or []
        self.langs = langs or []
        self.authors = authors or []
        self.stances = stances or []
        self.ids = ids or []
        self.tlps = tlps or []  # TLP markings (the brief's own, else the collection's default)
        self.since = since
        self.until = until
        self.where = where or []
        self.invalid = invalid

    def copy(self) -> Filters:
        """A copy whose lists can be changed without changing these."""
        out = Filters()
        for name in self.FIELDS:
            value = getattr(self, name)
            setattr(out, name, list(value) if isinstance(value, list) else value)
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filters) and all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)

    def __repr__(self) -> str:
        return f"Filters({', '.join(f'{f}={getattr(self, f)!r}' for f in self.FIELDS if getattr(self, f))})"

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.FIELDS)


def merge_filters(into: Filters, other: Filters) -> None:
    for name in into.FIELDS:
        value = getattr(other, name)
        if isinstance(value, list):
            getattr(into, name).extend(value)
        elif value:
            setattr(into, name, value)


@cache
def _vocabularies(schema_path: str | None) -> dict[str, Any]:
    from brief.format.schema import load_schema

    schema = load_schema(schema_path)
    props = schema.get("properties", {})
    defs = schema.get("$defs", {})

    def enum(node: dict[str, Any]) -> list[str]:
        return list(node.get("items", {}).get("enum", []))

    return {
        "regions": enum(props.get("regions", {})),
        "domains": enum(props.get("domains", {})),
        "langs": list(defs.get("language", {}).get("enum", [])),
        "stances": list(defs.get("position", {}).get("properties", {}).get("stance", {}).get("enum", [])),
        "schema": schema,
    }


def _expand_date(value: str, upper: bool) -> str:
    if not _PARTIAL_DATE.match(value):
        raise QueryError(f"'{value}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    if not upper:
        return value
    # an upper bound covers the whole year or month it names
    return value + {4: "-12-31", 7: "-31", 10: ""}[len(value)]


def check_filters(filters: Filters, schema_path: str | None = None) -> Filters:
    """Check and canonicalise user-typed values (nation names to codes, enums with did-you-mean)."""
    from brief.base.countries import suggest, to_code

    vocab = _vocabularies(schema_path)
    out = filters.copy()
    nations = []
    for value in filters.nations:
        code = to_code(value)
        if code is None:
            close = suggest(value)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise QueryError(f"unknown nation '{value}'{hint}")
        nations.append(code)
    out.nations = nations
    for name in ("regions", "domains", "langs"):
        values = []
        for value in getattr(filters, name):
            canonical = value.strip().lower()
            if canonical not in vocab[name]:
                raise QueryError(f"unknown {name[:-1]} '{value}'{did_you_mean(canonical, vocab[name])}")
            values.append(canonical)
        setattr(out, name, values)
    stances: list[str] = []
    for value in filters.stances:
        canonical = value.strip().lower()
        if canonical in STANCE_GROUPS:
            stances += STANCE_GROUPS[canonical]
        elif canonical in vocab["stances"]:
            stances.append(canonical)
        else:
            raise QueryError(f"unknown stance '{value}'{did_you_mean(canonical, [*vocab['stances'], *STANCE_GROUPS])}")
    out.stances = stances
    tlps = []
    for value in filters.tlps:
        canonical = value.strip().lower().removeprefix("tlp:").strip()
        if canonical not in TLP_LEVELS:
            raise QueryError(f"unknown TLP marking '{value}'{did_you_mean(canonical, list(TLP_LEVELS))}")
        tlps.append(canonical)
    out.tlps = tlps
    out.since = _expand_date(filters.since, upper=False) if filters.since else None
    out.until = _expand_date(filters.until, upper=True) if filters.until else None
    for path, _ in filters.where:
        _check_where_field(path, vocab["schema"])
    return out


def _check_where_field(path: str, schema: dict[str, Any]) -> None:
    """A --where field must be one the schema defines: `original_language`, `actors.kind`, `sources.publisher`."""
    node: dict[str, Any] = schema
    defs = schema.get("$defs", {})
    for part in path.split("."):
        while True:
            if "$ref" in node:
                node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
            elif node.get("type") == "array" or "items" in node:
                node = node.get("items", {})
            else:
                break
        props = node.get("properties", {})
        if part not in props:
            raise QueryError(f"--where: no field '{path}' in the schema{did_you_mean(part, sorted(props))}")
        node = props[part]


def _where_match(data: Any, path: str, value: str) -> int:
    """Does any value at the dotted `path` of a brief's parsed JSON equal `value` (folded)?"""
    current: list[Any] = [data]
    for part in path.split("."):
        following: list[Any] = []
        for item in current:
            items = item if isinstance(item, list) else [item]
            following += [element[part] for element in items if isinstance(element, dict) and part in element]
        current = following
    wanted = fold(value)
    for item in current:
        for leaf in item if isinstance(item, list) else [item]:
            text = ("true" if leaf else "false") if isinstance(leaf, bool) else str(leaf)
            if fold(text) == wanted:
                return 1
    return 0


def register_functions(db: sqlite3.Connection) -> None:
    # json and sqlite3 only here and in the index's modules: `search --db` and `list --db` never load them
    from json import loads

    def where(data: str | None, path: str, value: str) -> int:
        """SQLite function brief_where(json, path, value): _where_match on the brief's JSON."""
        return 0 if data is None else _where_match(loads(data), path, value)

    db.create_function("brief_where", 3, where, deterministic=True)


# the actor forms going by one of some folded names; the keys of issues named in any case
_FORMS = "SELECT form FROM form_names WHERE fold IN ({})"
_ISSUES = "SELECT key FROM issue_keys WHERE lower(issue_id) IN ({})"


def filter_sql(filters: Filters, alias: str = "b") -> tuple[str, list[Any]]:
    """A WHERE clause (without the keyword; "1" when empty) and its parameters, for filters checked by check_filters."""
    clauses: list[str] = []
    params: list[Any] = []

    def values_in(field_name: str, values: list[str], folded: bool = True, like: bool = False) -> None:
        if not values:
            return
        # the values' keys first (a few hundred distinct values), then the briefs holding them
        if like:
            ors = " OR ".join("fold LIKE ?" for _ in values)
            keys = f"SELECT key FROM value_keys WHERE field = ? AND ({ors})"
            params.extend([field_name, *(f"%{fold(v)}%" for v in values)])
        else:
            marks = ", ".join("?" * len(values))
            keys = f"SELECT key FROM value_keys WHERE field = ? AND {'fold' if folded else 'value'} IN ({marks})"
            params.extend([field_name, *(fold(v) if folded else v for v in values)])
        clauses.append(f"{alias}.rowid IN (SELECT brief FROM value_rows WHERE value IN ({keys}))")

    values_in("nations", filters.nations, folded=False)
    values_in("regions", filters.regions)
    values_in("domains", filters.domains)
    values_in("tags", filters.tags)
    values_in("authors", filters.authors, like=True)
    if filters.langs:
        clauses.append(f"{alias}.language IN ({', '.join('?' * len(filters.langs))})")
        params.extend(filters.langs)
    if filters.tlps:
        clauses.append(f"{effective_tlp(alias)} IN ({', '.join('?' * len(filters.tlps))})")
        params.extend(filters.tlps)
    if filters.ids:
        clauses.append(f"lower({alias}.id) IN ({', '.join('?' * len(filters.ids))})")
        params.extend(v.lower() for v in filters.ids)
    if filters.stances:
        # a stance filter applies to the same position row as the actor and issue filters, if any
        sql = "SELECT p.brief FROM position_rows p"
        conditions = [f"p.stance IN ({', '.join('?' * len(filters.stances))})"]
        stance_params: list[Any] = list(filters.stances)
        if filters.actors:
            sql += " JOIN actor_rows r ON r.brief = p.brief AND r.actor = p.actor"
            conditions.append(f"r.form IN ({_FORMS.format(', '.join('?' * len(filters.actors)))})")
            stance_params += [fold(v) for v in filters.actors]
        if filters.issues:
            conditions.append(f"p.issue IN ({_ISSUES.format(', '.join('?' * len(filters.issues)))})")
            stance_params += [v.lower() for v in filters.issues]
        clauses.append(f"{alias}.rowid IN ({sql} WHERE {' AND '.join(conditions)})")
        params.extend(stance_params)
    else:
        if filters.actors:
            forms = _FORMS.format(", ".join("?" * len(filters.actors)))
            clauses.append(f"{alias}.rowid IN (SELECT brief FROM actor_rows WHERE form IN ({forms}))")
            params.extend(fold(v) for v in filters.actors)
        if filters.issues:
            issues = _ISSUES.format(", ".join("?" * len(filters.issues)))
            clauses.append(f"{alias}.rowid IN (SELECT brief FROM issue_rows WHERE issue IN ({issues}))")
            params.extend(v.lower() for v in filters.issues)
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(filters.until)
    for path, value in filters.where:
        clauses.append(f"brief_where((SELECT brief_json(data) FROM brief_data d WHERE d.rowid = {alias}.rowid), ?, ?)")
        params.extend([path, value])
    if filters.invalid:
        clauses.append(f"{alias}.valid = 0")
    return (" AND ".join(clauses) or "1"), params


def combined_where(filters: Filters, excludes: list[Filters]) -> tuple[str, list[Any]]:
    sql, params = filter_sql(filters)
    for exclude in excludes:
        extra, extra_params = filter_sql(exclude)
        sql += f" AND NOT ({extra})"
        params += extra_params
    return sql, params
