"""One synced brief as the rows of the PostgreSQL tables (remote/schema.py): from its data (what `brief show
--format json` prints, but for the order of its keys, with its TLP marking) and the full-text columns of the local
index. The values are those remote/binary.py writes in binary COPY: the jsonb and the two tsvectors already in
their binary form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import itemgetter
from typing import Any

from brief.base.fields import mappings, number, text, texts
from brief.base.text import compact_json, fold
from brief.collection.tables import FTS_COLUMNS
from brief.query.pg_text import SCOPE_CLASS, SEARCH_CLASS
from brief.remote.binary import tsvector, weights_of, words
from brief.remote.native import native as _native

_SEARCH = weights_of(SEARCH_CLASS, FTS_COLUMNS)
_SCOPES = weights_of(SCOPE_CLASS, FTS_COLUMNS)
JSONB_VERSION = b"\x01"  # jsonb's binary form: a version byte, then the JSON text

Rows = dict[str, list[tuple[Any, ...]]]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _partial(value: Any) -> tuple[date | None, str | None]:
    """A YYYY, YYYY-MM or YYYY-MM-DD date as its first day and its precision."""
    if not isinstance(value, str):
        return None, None
    parts = value.split("-")
    precision = {1: "year", 2: "month", 3: "day"}.get(len(parts))
    try:
        numbers = [int(p) for p in parts]
        return date(numbers[0], *[*numbers[1:], 1, 1][:2]), precision
    except (ValueError, TypeError):
        return None, None


# How each table but brief.briefs gets its rows from a brief: one declaration, from which COLUMNS and KINDS below are
# made, read by child_rows_python here and by brief.remote._binary rows in C (tests/test_sync_binary.py holds the two
# to each other). Per table: the brief's list of mappings its rows come from (`items`); a list inside each item
# (`inner`: ("texts" or "mappings", its field)) each of whose values makes a row, when there is one; what a row
# requires (REQUIRE: of its item, then of its inner value); and its columns, each (name, SOURCE, field), in COPY
# order. A row's values come from its inner value when it has one, else from its item.
REQUIRE = ("text", "number", "pair")  # a non-empty text; a number (never a bool); a list of exactly two texts
# source -> the kind of its column(s) (remote/binary.py encode: q bigint, i integer, h smallint, f double precision,
# d date, t text, a text[], b binary already: jsonb, tsvector)
SOURCES = {
    "key": "q",  # the brief's key
    "ordinal": "i",  # the item's place among the mappings of its list (those a requirement skips count too)
    "text": "t",  # base/fields.py text
    "text or empty": "t",  # the same, "" for none
    "texts": "a",  # base/fields.py texts
    "number": "f",  # base/fields.py number
    "integer": "h",  # an int, never a bool
    "fold": "t",  # base/text.py fold of the text
    "date": "d",  # a YYYY-MM-DD date (_date)
    "partial": "dt",  # a YYYY[-MM[-DD]] date: its first day, and its precision in column NAME_precision (_partial)
    "first": "t",  # the first of two texts (a relation's actors)
    "second": "t",  # the second
    "outer": "t",  # the item's text, under an inner value
    "value": "t",  # the inner value itself (a text)
    "fold value": "t",  # its fold
}
Needs = tuple[tuple[str, str], ...]
Child = tuple[str, "tuple[str, str] | None", Needs, Needs, tuple[tuple[str, str, str], ...]]
CHILDREN: dict[str, Child] = {
    # table: (items, inner, the item requires, the inner value requires, columns)
    "actors": ("actors", None, (("text", "id"), ("text", "name")), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("actor_id", "text", "id"), ("name", "text", "name"),
        ("kind", "text", "kind"), ("country", "text", "country"), ("description", "text", "description"),
        ("id_fold", "fold", "id"), ("name_fold", "fold", "name"))),
    "actor_aliases": ("actors", ("texts", "aliases"), (("text", "id"), ("text", "name")), (), (
        ("brief", "key", ""), ("actor_id", "outer", "id"), ("alias", "value", ""), ("fold", "fold value", ""))),
    "actor_affiliations": ("actors", ("mappings", "affiliations"), (("text", "id"), ("text", "name")),
                           (("text", "actor"),), (
        ("brief", "key", ""), ("actor_id", "outer", "id"), ("affiliate", "text", "actor"), ("role", "text", "role"),
        ("status", "text", "status"))),
    "issues": ("issues", None, (("text", "id"),), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("issue_id", "text", "id"),
        ("statement", "text or empty", "statement"), ("description", "text", "description"))),
    "positions": ("positions", None, (("text", "actor"), ("text", "issue")), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("actor_id", "text", "actor"), ("issue_id", "text", "issue"),
        ("stance", "text", "stance"), ("basis", "text", "basis"), ("confidence", "text", "confidence"),
        ("salience", "number", "salience"), ("power", "number", "power"), ("rationale", "texts", "rationale"),
        ("change", "text", "change"), ("sources", "texts", "sources"), ("as_of", "partial", "as_of"))),
    "relations": ("relations", None, (("pair", "actors"),), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("actor_a", "first", "actors"),
        ("actor_b", "second", "actors"), ("kind", "text", "kind"), ("trend", "text", "trend"),
        ("factors", "texts", "factors"), ("sources", "texts", "sources"), ("as_of", "partial", "as_of"))),
    "judgments": ("key_judgments", None, (("text", "statement"),), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("statement", "text", "statement"),
        ("likelihood", "text", "likelihood"), ("confidence", "text", "confidence"), ("sources", "texts", "sources"))),
    "figures": ("figures", None, (("text", "label"), ("number", "value")), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("label", "text", "label"), ("value", "number", "value"),
        ("unit", "text", "unit"), ("date", "partial", "date"), ("status", "text", "status"),
        ("sources", "texts", "sources"))),
    "sources": ("sources", None, (("text", "id"),), (), (
        ("brief", "key", ""), ("ordinal", "ordinal", ""), ("source_id", "text", "id"), ("title", "text", "title"),
        ("publisher", "text", "publisher"), ("url", "text", "url"), ("date", "date", "date"),
        ("reliability", "text", "reliability"), ("credibility", "integer", "credibility"))),
}  # fmt: skip

# table -> its columns, in COPY order (brief.briefs's made by brief_rows below, with its `key` given by the sync)
COLUMNS: dict[str, tuple[str, ...]] = {
    "briefs": ("key", "collection", "path", "hash", "id", "title", "date", "updated", "language", "original_language",
               "summary", "tlp", "nations", "regions", "domains", "tags", "authors", "tags_fold", "authors_fold",
               "data", "search", "scopes", "rich_terms"),
    **{table: tuple(n for name, source, _ in columns for n in (name, f"{name}_precision")[:len(SOURCES[source])])
       for table, (*_, columns) in CHILDREN.items()},
}  # fmt: skip
# table -> the kind of each of its columns, in COPY order (SOURCES); tests/test_sync_binary.py checks them against the
# database's own column types
KINDS: dict[str, str] = {
    "briefs": "qittttddttttaaaaaaabbba",
    **{table: "".join(SOURCES[source] for _, source, _ in columns) for table, (*_, columns) in CHILDREN.items()},
}

def brief_rows(key: int, collection: int, path: str, digest: str, data: dict[str, Any], texts_: tuple[str, ...],
               rows: Rows, document: bytes | None = None) -> None:  # fmt: skip
    """Append the rows of one valid brief to `rows` (table -> rows). `document`, when given, is the data's compact
    JSON (base/text.py compact_json) already made: the jsonb column's text."""
    fields = [words(column) for column in texts_]  # in FTS_COLUMNS order
    (search, rich), (scopes, _) = tsvector(fields, _SEARCH), tsvector(fields, _SCOPES)
    tags, authors = texts(data.get("tags")), texts(data.get("authors"))
    rows["briefs"].append((
        key, collection, path, digest, text(data.get("id")), text(data.get("title")), _date(data.get("date")),
        _date(data.get("updated")), text(data.get("language")), text(data.get("original_language")),
        text(data.get("summary")) or "", text(data.get("tlp")), texts(data.get("nations")), texts(data.get("regions")),
        texts(data.get("domains")), tags, authors, [fold(t) for t in tags], [fold(a) for a in authors],
        JSONB_VERSION + (compact_json(data) if document is None else document), search, scopes, rich,
    ))  # fmt: skip
    child_rows(data, key, rows)


def _required(item: dict[str, Any], needs: tuple[tuple[str, str], ...]) -> bool:
    for kind, field in needs:
        value = item.get(field)
        if kind == "text":
            if text(value) is None:
                return False
        elif kind == "number":
            if number(value) is None:
                return False
        elif len(texts(value)) != 2:  # pair
            return False
    return True


def _values(source: str, field: str, key: int, ordinal: int, item: dict[str, Any], value: Any) -> tuple[Any, ...]:
    """The column values of one (SOURCE, field) for a row: `item` its list's mapping, `value` its inner value."""
    subject = value if isinstance(value, dict) else item
    found = subject.get(field) if field else None
    if source == "key":
        return (key,)
    if source == "ordinal":
        return (ordinal,)
    if source in ("text", "outer"):
        return (text(item.get(field) if source == "outer" else found),)
    if source == "text or empty":
        return (text(found) or "",)
    if source == "texts":
        return (texts(found),)
    if source == "number":
        return (number(found),)
    if source == "integer":
        return (found if isinstance(found, int) and not isinstance(found, bool) else None,)
    if source == "fold":
        return (fold(found) if isinstance(found, str) and found else None,)
    if source == "date":
        return (_date(found),)
    if source == "partial":
        return _partial(found)
    if source in ("first", "second"):
        pair = texts(found)[:2]
        return (pair[source == "second"] if len(pair) > (source == "second") else None,)
    if source == "value":
        return (text(value),)
    return (fold(value) if text(value) else None,)  # fold value


def child_rows_python(data: dict[str, Any], key: int, rows: Rows) -> None:
    """Append the rows of every table in CHILDREN that `data` makes to `rows`."""
    for table, (items, inner, needs, inner_needs, columns) in CHILDREN.items():
        found = rows[table]
        for ordinal, item in enumerate(mappings(data.get(items))):
            if not _required(item, needs):
                continue
            if inner is None:
                values: list[Any] = [None]
            else:
                kind, field = inner
                values = texts(item.get(field)) if kind == "texts" else mappings(item.get(field))
            for value in values:
                if isinstance(value, dict) and not _required(value, inner_needs):
                    continue
                found.append(tuple(v for _, source, field in columns
                                   for v in _values(source, field, key, ordinal, item, value)))  # fmt: skip


# an actor's labels, (actor id, fold, label), from its row and its aliases' (brief.actor_labels, remote/sync.py)
ACTOR_LABEL = itemgetter(*(COLUMNS["actors"].index(c) for c in ("actor_id", "name_fold", "name")))
ALIAS_LABEL = itemgetter(*(COLUMNS["actor_aliases"].index(c) for c in ("actor_id", "fold", "alias")))


def empty_rows() -> Rows:
    return {table: [] for table in COLUMNS}


# CHILDREN as brief.remote._binary rows reads it: codes for names (places in REQUIRE and SOURCES), the inner value's
# kind as 0 (none), 1 (texts) or 2 (mappings)
_SOURCE_CODES = tuple(SOURCES)
_SPEC = tuple(
    (table, items, 0 if inner is None else 1 + ("texts", "mappings").index(inner[0]), "" if inner is None else inner[1],
     tuple((REQUIRE.index(kind), field) for kind, field in needs),
     tuple((REQUIRE.index(kind), field) for kind, field in inner_needs),
     tuple((_SOURCE_CODES.index(source), field) for _, source, field in columns))
    for table, (items, inner, needs, inner_needs, columns) in CHILDREN.items()
)  # fmt: skip
CACHED = 4096  # texts whose fold, date or partial date the C code remembers (each cache emptied when full)
_HELPERS: tuple[Any, ...] = (fold, _date, _partial, {}, {}, {}, CACHED)
_child_rows_native: Callable[..., None] | None = _native("rows")


def child_rows_native(data: dict[str, Any], key: int, rows: Rows) -> None:
    """child_rows_python in C (brief.remote._binary rows), when it is built."""
    assert _child_rows_native is not None
    _child_rows_native(data, key, rows, _SPEC, _HELPERS)


child_rows = child_rows_native if _child_rows_native is not None else child_rows_python
