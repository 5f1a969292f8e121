"""One synced brief as the rows of the PostgreSQL tables (remote/schema.py): from its data (what `brief show
--format json` prints, but for the order of its keys, with its TLP marking) and the full-text columns of the local
index. The values are those remote/binary.py writes in binary COPY: the jsonb and the two tsvectors already in
their binary form."""

from __future__ import annotations

from datetime import date
from typing import Any

from brief.base.fields import mappings, number, text, texts
from brief.base.text import compact_json, fold
from brief.collection.tables import FTS_COLUMNS
from brief.query.pg_text import SCOPE_CLASS, SEARCH_CLASS
from brief.remote.binary import tsvector, weights_of, words

# table -> its columns, in COPY order (`brief` is the brief's key, given by the sync)
COLUMNS: dict[str, tuple[str, ...]] = {
    "briefs": ("key", "collection", "path", "hash", "id", "title", "date", "updated", "language", "original_language",
               "summary", "tlp", "nations", "regions", "domains", "tags", "authors", "tags_fold", "authors_fold",
               "data", "search", "scopes", "rich_terms"),
    "actors": ("brief", "ordinal", "actor_id", "name", "kind", "country", "description", "id_fold", "name_fold"),
    "actor_aliases": ("brief", "actor_id", "alias", "fold"),
    "actor_affiliations": ("brief", "actor_id", "affiliate", "role", "status"),
    "issues": ("brief", "ordinal", "issue_id", "statement", "description"),
    "positions": ("brief", "ordinal", "actor_id", "issue_id", "stance", "basis", "confidence", "salience", "power",
                  "rationale", "change", "sources", "as_of", "as_of_precision"),
    "relations": ("brief", "ordinal", "actor_a", "actor_b", "kind", "trend", "factors", "sources", "as_of",
                  "as_of_precision"),
    "judgments": ("brief", "ordinal", "statement", "likelihood", "confidence", "sources"),
    "figures": ("brief", "ordinal", "label", "value", "unit", "date", "date_precision", "status", "sources"),
    "sources": ("brief", "ordinal", "source_id", "title", "publisher", "url", "date", "reliability", "credibility"),
}  # fmt: skip
# table -> the kind of each of its columns, in COPY order (remote/binary.py encode: q bigint, i integer, h smallint,
# f double precision, d date, t text, a text[], b binary already: jsonb, tsvector); tests/test_sync_binary.py checks
# them against the database's own column types
KINDS: dict[str, str] = {
    "briefs": "qittttddttttaaaaaaabbba", "actors": "qittttttt", "actor_aliases": "qttt", "actor_affiliations": "qtttt",
    "issues": "qittt", "positions": "qitttttffatadt", "relations": "qittttaadt", "judgments": "qittta",
    "figures": "qitftdtta", "sources": "qittttdth",
}  # fmt: skip
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
    for ordinal, actor in enumerate(mappings(data.get("actors"))):
        actor_id, name = text(actor.get("id")), text(actor.get("name"))
        if actor_id is None or name is None:
            continue
        rows["actors"].append((key, ordinal, actor_id, name, text(actor.get("kind")), text(actor.get("country")),
                               text(actor.get("description")), fold(actor_id), fold(name)))  # fmt: skip
        for alias in texts(actor.get("aliases")):
            rows["actor_aliases"].append((key, actor_id, alias, fold(alias)))
        for link in mappings(actor.get("affiliations")):
            if text(link.get("actor")):
                rows["actor_affiliations"].append(
                    (key, actor_id, link["actor"], text(link.get("role")), text(link.get("status")))
                )
    for ordinal, issue in enumerate(mappings(data.get("issues"))):
        if text(issue.get("id")):
            rows["issues"].append(
                (key, ordinal, issue["id"], text(issue.get("statement")) or "", text(issue.get("description")))
            )
    for ordinal, position in enumerate(mappings(data.get("positions"))):
        if not (text(position.get("actor")) and text(position.get("issue"))):
            continue
        rows["positions"].append((
            key, ordinal, position["actor"], position["issue"], text(position.get("stance")),
            text(position.get("basis")), text(position.get("confidence")), number(position.get("salience")),
            number(position.get("power")), texts(position.get("rationale")), text(position.get("change")),
            texts(position.get("sources")), *_partial(position.get("as_of")),
        ))  # fmt: skip
    for ordinal, relation in enumerate(mappings(data.get("relations"))):
        ends = texts(relation.get("actors"))
        if len(ends) != 2:
            continue
        rows["relations"].append((
            key, ordinal, ends[0], ends[1], text(relation.get("kind")), text(relation.get("trend")),
            texts(relation.get("factors")), texts(relation.get("sources")), *_partial(relation.get("as_of")),
        ))  # fmt: skip
    for ordinal, judgment in enumerate(mappings(data.get("key_judgments"))):
        if text(judgment.get("statement")):
            rows["judgments"].append((
                key, ordinal, judgment["statement"], text(judgment.get("likelihood")), text(judgment.get("confidence")),
                texts(judgment.get("sources")),
            ))  # fmt: skip
    for ordinal, figure in enumerate(mappings(data.get("figures"))):
        value = number(figure.get("value"))
        if text(figure.get("label")) and value is not None:
            rows["figures"].append((
                key, ordinal, figure["label"], value, text(figure.get("unit")), *_partial(figure.get("date")),
                text(figure.get("status")), texts(figure.get("sources")),
            ))  # fmt: skip
    for ordinal, source in enumerate(mappings(data.get("sources"))):
        if not text(source.get("id")):
            continue
        credibility = source.get("credibility")
        rows["sources"].append((
            key, ordinal, source["id"], text(source.get("title")), text(source.get("publisher")),
            text(source.get("url")), _date(source.get("date")), text(source.get("reliability")),
            credibility if isinstance(credibility, int) and not isinstance(credibility, bool) else None,
        ))  # fmt: skip


def empty_rows() -> Rows:
    return {table: [] for table in COLUMNS}
