"""Queries over the index: metadata filters (shared by list, search, summary, compare) and the search language.

Nothing typed by a user ever reaches SQL or FTS5 syntax unquoted: filter values are bound parameters, and every
free-text term becomes a quoted FTS5 string, so hyphens, apostrophes, `AND`, stray quotes or `*` cannot cause a
syntax error.
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import cache

from brief.base.errors import BriefError
from brief.base.text import fold
from brief.base.vocabulary import STANCE_GROUPS
from brief.collection.index import FTS_COLUMNS, FTS_WEIGHTS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

# search-language field names -> filter attribute (metadata) or FTS column (text scopes)
METADATA_FIELDS = {
    "nation": "nations", "region": "regions", "domain": "domains", "tag": "tags", "actor": "actors",
    "issue": "issues", "lang": "langs", "language": "langs", "author": "authors", "stance": "stances",
    "date": "dates", "since": "since", "until": "until", "id": "ids",
}  # fmt: skip
TEXT_SCOPES = {"title": "title", "summary": "summary", "bluf": "summary", "body": "body", "judgment": "judgments",
               "judgments": "judgments", "text": None}  # fmt: skip
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class QueryError(BriefError):
    """A query or filter that cannot be understood: one line explaining why (exit code 2 in the CLI)."""


# Plain classes, not dataclasses, here and in the other modules every list or search imports: the dataclasses
# module imports inspect, several milliseconds of every start (tests/test_quick.py keeps it out).
class Filters:
    """Metadata filters: OR within a field, AND across fields."""

    FIELDS = ("nations", "regions", "domains", "tags", "actors", "issues", "langs", "authors", "stances", "ids",
              "since", "until", "where", "invalid")  # fmt: skip
    __slots__ = FIELDS

    def __init__(
        self, nations: list[str] | None = None, regions: list[str] | None = None, domains: list[str] | None = None,
        tags: list[str] | None = None, actors: list[str] | None = None, issues: list[str] | None = None,
        langs: list[str] | None = None, authors: list[str] | None = None, stances: list[str] | None = None,
        ids: list[str] | None = None, since: str | None = None, until: str | None = None,
        where: list[tuple[str, str]] | None = None, invalid: bool = False,
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


def _close(value: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _expand_date(value: str, upper: bool) -> str:
    if not _PARTIAL_DATE.match(value):
        raise QueryError(f"'{value}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    if not upper:
        return value
    # an upper bound covers the whole year or month it names
    return value + {4: "-12-31", 7: "-31", 10: ""}[len(value)]


def normalise_filters(filters: Filters, schema_path: str | None = None) -> Filters:
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
                raise QueryError(f"unknown {name[:-1]} '{value}'{_close(canonical, vocab[name])}")
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
            raise QueryError(f"unknown stance '{value}'{_close(canonical, [*vocab['stances'], *STANCE_GROUPS])}")
    out.stances = stances
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
            raise QueryError(f"--where: no field '{path}' in the schema{_close(part, sorted(props))}")
        node = props[part]


def _where_match(data: str | None, path: str, value: str) -> int:
    """SQLite function: does any value at the dotted `path` of the brief's JSON equal `value` (folded)?"""
    if data is None:
        return 0
    current: list[Any] = [json.loads(data)]
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
    db.create_function("brief_where", 3, _where_match, deterministic=True)


def filter_sql(filters: Filters, alias: str = "b") -> tuple[str, list[Any]]:
    """A WHERE clause (without the keyword; "1" when empty) and its parameters, for already-normalised filters."""
    clauses: list[str] = []
    params: list[Any] = []

    def values_in(field_name: str, values: list[str], folded: bool = True, like: bool = False) -> None:
        if not values:
            return
        if like:
            ors = " OR ".join("fold LIKE ?" for _ in values)
            clauses.append(f"{alias}.rowid IN (SELECT brief FROM brief_values WHERE field = ? AND ({ors}))")
            params.extend([field_name, *(f"%{fold(v)}%" for v in values)])
            return
        marks = ", ".join("?" * len(values))
        column = "fold" if folded else "value"
        clauses.append(f"{alias}.rowid IN (SELECT brief FROM brief_values WHERE field = ? AND {column} IN ({marks}))")
        params.extend([field_name, *(fold(v) if folded else v for v in values)])

    values_in("nations", filters.nations, folded=False)
    values_in("regions", filters.regions)
    values_in("domains", filters.domains)
    values_in("tags", filters.tags)
    values_in("authors", filters.authors, like=True)
    if filters.langs:
        clauses.append(f"{alias}.language IN ({', '.join('?' * len(filters.langs))})")
        params.extend(filters.langs)
    if filters.ids:
        clauses.append(f"lower({alias}.id) IN ({', '.join('?' * len(filters.ids))})")
        params.extend(v.lower() for v in filters.ids)
    if filters.stances:
        # a stance filter applies to the same position row as the actor and issue filters, if any
        sql = "SELECT p.brief FROM positions p"
        conditions = [f"p.stance IN ({', '.join('?' * len(filters.stances))})"]
        stance_params: list[Any] = list(filters.stances)
        if filters.actors:
            sql += " JOIN actor_names n ON n.brief = p.brief AND n.actor_id = p.actor_id"
            conditions.append(f"n.fold IN ({', '.join('?' * len(filters.actors))})")
            stance_params += [fold(v) for v in filters.actors]
        if filters.issues:
            conditions.append(f"lower(p.issue_id) IN ({', '.join('?' * len(filters.issues))})")
            stance_params += [v.lower() for v in filters.issues]
        clauses.append(f"{alias}.rowid IN ({sql} WHERE {' AND '.join(conditions)})")
        params.extend(stance_params)
    else:
        if filters.actors:
            marks = ", ".join("?" * len(filters.actors))
            clauses.append(f"{alias}.rowid IN (SELECT brief FROM actor_names WHERE fold IN ({marks}))")
            params.extend(fold(v) for v in filters.actors)
        if filters.issues:
            marks = ", ".join("?" * len(filters.issues))
            clauses.append(f"{alias}.rowid IN (SELECT brief FROM issues WHERE lower(issue_id) IN ({marks}))")
            params.extend(v.lower() for v in filters.issues)
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(filters.until)
    for path, value in filters.where:
        clauses.append(f"brief_where((SELECT data FROM brief_data d WHERE d.rowid = {alias}.rowid), ?, ?)")
        params.extend([path, value])
    if filters.invalid:
        clauses.append(f"{alias}.valid = 0")
    return (" AND ".join(clauses) or "1"), params


# --- the search language ---------------------------------------------------------------------------------------------


class Term:
    __slots__ = ("phrase", "prefix", "scope", "text")

    def __init__(self, text: str, phrase: bool = False, prefix: bool = False, scope: str | None = None) -> None:
        self.text = text
        self.phrase = phrase
        self.prefix = prefix
        self.scope = scope  # FTS column


class SearchQuery:
    __slots__ = ("exclude", "groups", "include", "negated")

    def __init__(self) -> None:
        self.groups: list[list[Term]] = []  # AND of ORs
        self.negated: list[Term] = []
        self.include = Filters()
        self.exclude: list[Filters] = []  # each negated metadata term excludes on its own

    @property
    def words(self) -> list[str]:
        return [term.text for group in self.groups for term in group]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on white space, keeping "quoted phrases" together (an unclosed quote runs to the end)."""
    tokens: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start = i
        buffer = ""
        quoted = False
        while i < len(text) and not text[i].isspace():
            if text[i] in '"“”':
                quoted = True
                end = len(text)
                for closing in '"“”':
                    found = text.find(closing, i + 1)
                    if found != -1:
                        end = min(end, found)
                buffer += text[i + 1 : end]
                i = end + 1
            else:
                buffer += text[i]
                i += 1
        del start
        tokens.append((buffer, quoted))
    return tokens


def parse_search(text: str) -> SearchQuery:
    """Parse `wagner "choguel maiga" OR goita -tag:draft nation:ML date:2021..2022 title:coup prefix*`."""
    query = SearchQuery()
    pending_or = False
    negate_next = False
    for raw, quoted in _tokens(text):
        token = raw
        if not quoted and token == "OR":
            if not query.groups or negate_next:
                raise QueryError("OR needs a search term on each side")
            pending_or = True
            continue
        if not quoted and token == "AND":
            continue
        if not quoted and token == "NOT":
            negate_next = True
            continue
        negate = negate_next
        negate_next = False
        if not quoted and token.startswith("-") and len(token) > 1:
            negate = True
            token = token[1:]
        scope_name, sep, value = token.partition(":")
        key = scope_name.lower()
        if sep and not quoted and (key in METADATA_FIELDS or key in TEXT_SCOPES) and value:
            if key in METADATA_FIELDS:
                if pending_or:
                    raise QueryError(f"OR cannot join a metadata term ({token}); repeat the field instead")
                target = Filters()
                _set_filter(target, METADATA_FIELDS[key], value.strip('"“”'))
                if negate:
                    query.exclude.append(target)
                else:
                    _merge(query.include, target)
                continue
            term = _term(value, quoted or '"' in raw, TEXT_SCOPES[key])
        else:
            term = _term(token, quoted, None)
        if term is None:
            continue  # a stray `*` or punctuation alone: nothing to search for
        if negate:
            query.negated.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    if pending_or:
        raise QueryError("OR needs a search term on each side")
    if negate_next:
        raise QueryError("NOT needs a search term after it")
    return query


def check_search(query: SearchQuery, schema_path: str | None = None) -> SearchQuery:
    """Check a parsed query's metadata terms as the list filters are checked (in place; returns it)."""
    query.include = normalise_filters(query.include, schema_path)
    query.exclude = [normalise_filters(f, schema_path) for f in query.exclude]
    return query


def _term(text: str, quoted: bool, scope: str | None) -> Term | None:
    prefix = not quoted and text.endswith("*")
    text = text.rstrip("*") if prefix else text
    if not re.search(r"\w", text):
        return None
    return Term(text, phrase=quoted or " " in text, prefix=prefix, scope=scope)


def _set_filter(target: Filters, name: str, value: str) -> None:
    if name == "dates":
        low, sep, high = value.partition("..")
        target.since = low or None
        target.until = (high or None) if sep else low
    elif name in ("since", "until"):
        setattr(target, name, value)
    else:
        getattr(target, name).append(value)


def _merge(into: Filters, other: Filters) -> None:
    for name in into.FIELDS:
        value = getattr(other, name)
        if isinstance(value, list):
            getattr(into, name).extend(value)
        elif value:
            setattr(into, name, value)


def _fts_string(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    if term.prefix:
        quoted += " *"
    return f"{term.scope} : {quoted}" if term.scope else quoted


def expand_aliases(db: sqlite3.Connection, term: Term) -> list[Term]:
    """An actor's name or alias also finds briefs that use its other names."""
    if term.scope or term.prefix:
        return [term]
    labels = db.execute(
        "SELECT label FROM actor_labels WHERE actor_id IN (SELECT actor_id FROM actor_labels WHERE fold = ?) "
        "ORDER BY actor_id, fold LIMIT 200",
        (fold(term.text),),
    ).fetchall()
    wanted = fold(term.text)
    names = {wanted: term}
    for (label,) in labels:
        folded = fold(label)
        # "Wagner Group" adds nothing to a search for wagner: every brief it finds, wagner finds
        if not re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", folded):
            names.setdefault(folded, Term(label, phrase=True))
    return list(names.values())[:20]


def fts_expression(db: sqlite3.Connection, query: SearchQuery) -> tuple[str | None, str | None]:
    """(positive MATCH expression, negated MATCH expression), each None when there is nothing of that kind."""
    positive = []
    for group in query.groups:
        alternatives = [_fts_string(t) for term in group for t in expand_aliases(db, term)]
        positive.append("(" + " OR ".join(alternatives) + ")")
    negative = " OR ".join(_fts_string(term) for term in query.negated)
    return (" AND ".join(positive) or None), (negative or None)


# --- running queries -------------------------------------------------------------------------------------------------

LIST_COLUMNS = (
    "b.rowid, b.id, b.path, b.title, b.date, b.language, b.valid, b.error_count, b.summary, "
    # nations in the order the brief lists them (rowid order: the order they were inserted)
    "(SELECT group_concat(value, ',') FROM (SELECT value FROM brief_values v WHERE v.brief = b.rowid "
    "AND v.field = 'nations' ORDER BY v.rowid)) "
)
SORTS = {"date": "b.date", "title": "b.title COLLATE NOCASE", "id": "b.id"}


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    rowid, ident, path, title, date, language, valid, errors, summary, nations = row[:10]
    return {
        "id": ident, "path": path, "title": title, "date": date, "language": language,
        "nations": nations.split(",") if nations else [], "valid": bool(valid), "errors": errors,
        "summary": summary, "_rowid": rowid,
    }  # fmt: skip


def combined_where(filters: Filters, excludes: list[Filters]) -> tuple[str, list[Any]]:
    sql, params = filter_sql(filters)
    for exclude in excludes:
        extra, extra_params = filter_sql(exclude)
        sql += f" AND NOT ({extra})"
        params += extra_params
    return sql, params


def list_briefs(
    db: sqlite3.Connection, filters: Filters, sort: str = "date", reverse: bool = False, limit: int | None = None,
    excludes: list[Filters] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    register_functions(db)
    where, params = combined_where(filters, excludes or [])
    order = f"{SORTS[sort]} {'DESC' if reverse else 'ASC'}, b.path"
    sql = f"SELECT {LIST_COLUMNS} FROM briefs b WHERE {where} ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_record(row) for row in db.execute(sql, params)]


def count_briefs(db: sqlite3.Connection, filters: Filters, excludes: list[Filters] | None = None) -> int:
    register_functions(db)
    where, params = combined_where(filters, excludes or [])
    return int(db.execute(f"SELECT count(*) FROM briefs b WHERE {where}", params).fetchone()[0])


HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"  # private-use marks, replaced by the renderer


def search(
    db: sqlite3.Connection, query: SearchQuery, filters: Filters, limit: int | None = 20, snippets: bool = True,
    sort: str | None = None, reverse: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """Briefs matching the query and the filters, best first (BM25 with field weights)."""
    sql, params, positive = _search_sql(db, query, filters, limit, sort, reverse, LIST_COLUMNS)
    results = []
    for row in _run(db, sql, params):
        record = _record(row)
        record["score"] = float(f"{-float(row[10]):.3g}") if positive else None
        if snippets and positive:
            record["fields"], record["snippet"] = _snippet(db, positive, record["_rowid"])
        results.append(record)
    return results


def search_ids(
    db: sqlite3.Connection, query: SearchQuery, filters: Filters, limit: int | None = 20, sort: str | None = None,
    reverse: bool = False,
) -> list[str]:  # fmt: skip
    """The ids (the path where a brief has none) of what `search` finds, in its order: for `--format ids`, where
    a common word can have tens of thousands of hits and a record per hit would cost more than the search."""
    sql, params, _ = _search_sql(db, query, filters, limit, sort, reverse, "coalesce(nullif(b.id, ''), b.path)",
                                 ranked_source=("brief_ids b", "b.label"))  # fmt: skip
    return [row[0] for row in _run(db, sql, params)]


def search_rowids(db: sqlite3.Connection, query: SearchQuery, filters: Filters) -> list[int]:
    """The index rows of every brief `search` finds (for summaries of a search)."""
    sql, params, _ = _search_sql(db, query, filters, None, None, False, "b.rowid")
    return [row[0] for row in _run(db, sql, params)]


def _run(db: sqlite3.Connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:  # defensive: quoting should make this unreachable
        raise QueryError(f"cannot run this search: {exc}") from None


def _search_sql(
    db: sqlite3.Connection, query: SearchQuery, filters: Filters, limit: int | None, sort: str | None, reverse: bool,
    columns: str, ranked_source: tuple[str, str] | None = None,
) -> tuple[str, list[Any], str | None]:  # fmt: skip
    """The SQL of a search selecting `columns` (then the score), its parameters, and the FTS expression.
    `ranked_source` (table and columns) replaces `briefs b` and `columns` when hits are ranked by score."""
    register_functions(db)
    positive, negative = fts_expression(db, query)
    merged = Filters()
    _merge(merged, filters)
    _merge(merged, query.include)
    where, params = combined_where(merged, query.exclude)
    if negative:
        where += " AND b.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        params.append(negative)
    order = f"{SORTS[sort]} {'DESC' if reverse else 'ASC'}, b.path" if sort else "score"
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    if positive and not sort:
        # Rank inside FTS5 alone and join only the best rows: the brief columns (nations is a subquery) are
        # then computed for `limit` rows, not for every hit (20,000 for a common word in 100,000 briefs).
        chosen = "" if where == "1" else f" AND rowid IN (SELECT b.rowid FROM briefs b WHERE {where})"
        top = f" LIMIT {int(limit)}" if limit else ""
        source, columns = ranked_source or ("briefs b", columns)
        sql = (
            f"WITH hits AS (SELECT rowid, bm25(fts, {weights}) AS score FROM fts WHERE fts MATCH ?{chosen} "
            f"ORDER BY score, rowid{top}) "
            f"SELECT {columns}, hits.score FROM hits JOIN {source} ON b.rowid = hits.rowid ORDER BY hits.score, b.rowid"
        )
        return sql, [positive, *params], positive
    if positive:
        sql = (
            f"SELECT {columns}, bm25(fts, {weights}) AS score FROM fts JOIN briefs b ON b.rowid = fts.rowid "
            f"WHERE fts MATCH ? AND {where} ORDER BY {order}"
        )
        params = [positive, *params]
    else:
        sql = f"SELECT {columns}, 0.0 AS score FROM briefs b WHERE {where} ORDER BY {order if sort else 'b.date'}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return sql, params, positive


def _snippet(db: sqlite3.Connection, expression: str, rowid: int) -> tuple[list[str], str]:
    """The fields that matched, and a snippet from the most important one."""
    calls = ", ".join(
        f"snippet(fts, {i}, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 14)" for i in range(len(FTS_COLUMNS))
    )
    row = db.execute(f"SELECT {calls} FROM fts WHERE fts MATCH ? AND rowid = ?", (expression, rowid)).fetchone()
    fields = [name for name, text in zip(FTS_COLUMNS, row or (), strict=False) if text and HIGHLIGHT_START in text]
    snippet = ""
    if fields:
        snippet = row[FTS_COLUMNS.index(fields[0])]
    return fields, " ".join(snippet.split())


def suggestions(db: sqlite3.Connection, words: list[str], limit: int = 3) -> list[str]:
    """Known actor names, tags and nation names close to the words of a query that found nothing."""
    import difflib

    from brief.base.countries import name_of

    known: dict[str, str] = {}
    for (name,) in db.execute("SELECT DISTINCT name FROM actors"):
        known.setdefault(fold(name), name)
    for (alias_list,) in db.execute("SELECT DISTINCT aliases FROM actors WHERE aliases != '[]'"):
        for alias in json.loads(alias_list):
            known.setdefault(fold(alias), alias)
    for (tag,) in db.execute("SELECT DISTINCT value FROM brief_values WHERE field = 'tags'"):
        known.setdefault(fold(tag), tag)
    for (code,) in db.execute("SELECT DISTINCT value FROM brief_values WHERE field = 'nations'"):
        known.setdefault(fold(name_of(code)), name_of(code))
    found: list[str] = []
    for word in words:
        for match in difflib.get_close_matches(fold(word), list(known), n=limit, cutoff=0.7):
            if known[match] not in found:
                found.append(known[match])
    return found[:limit]


# --- positions for comparisons ---------------------------------------------------------------------------------------


class IndexedBrief:
    """A brief as the index holds it: enough of the data for comparisons, with its validity."""

    __slots__ = ("data", "date", "error_count", "first_error", "id", "path", "valid")

    def __init__(self, id: str, date: str, path: str, data: dict[str, Any], valid: bool, error_count: int,
                 first_error: dict[str, Any] | None = None) -> None:  # fmt: skip
        self.id = id
        self.date = date
        self.path = path
        self.data = data
        self.valid = valid
        self.error_count = error_count
        self.first_error = first_error


def briefs_with_issues(
    db: sqlite3.Connection, issues: list[str], filters: Filters, excludes: list[Filters] | None = None
) -> list[IndexedBrief]:
    """Every brief (matching the filters) that defines or takes a position on one of `issues`, rebuilt from
    the index's tables in a handful of queries: no file is read."""
    register_functions(db)
    where, params = combined_where(filters, excludes or [])
    marks = ", ".join("?" * len(issues))
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen(rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM chosen")
    db.execute(
        f"INSERT INTO chosen SELECT b.rowid FROM briefs b WHERE b.rowid IN ("
        f"SELECT brief FROM issues WHERE issue_id IN ({marks}) "
        f"UNION SELECT brief FROM positions WHERE issue_id IN ({marks})) AND {where}",
        [*issues, *issues, *params],
    )
    briefs: dict[int, IndexedBrief] = {}
    for rowid, ident, date, path, title, valid, errors in db.execute(
        "SELECT b.rowid, b.id, b.date, b.path, b.title, b.valid, b.error_count FROM briefs b "
        "JOIN chosen c ON c.rowid = b.rowid ORDER BY b.date, b.path"
    ):
        data = {"id": ident, "date": date, "title": title, "actors": [], "issues": [], "positions": [], "sources": []}
        briefs[rowid] = IndexedBrief(ident or path, date or "", path, data, bool(valid), errors)
    for brief, actor_id, name, kind, country, aliases in db.execute(
        "SELECT a.brief, a.actor_id, a.name, a.kind, a.country, a.aliases "
        "FROM actors a JOIN chosen c ON c.rowid = a.brief"
    ):
        briefs[brief].data["actors"].append(
            {"id": actor_id, "name": name, "kind": kind, "country": country, "aliases": json.loads(aliases or "[]")}
        )
    for brief, issue_id, statement in db.execute(
        "SELECT i.brief, i.issue_id, i.statement FROM issues i JOIN chosen c ON c.rowid = i.brief"
    ):
        briefs[brief].data["issues"].append({"id": issue_id, "statement": statement})
    fields = ("actor", "issue", "stance", "basis", "confidence", "salience", "power", "as_of")
    for row in db.execute(
        "SELECT p.brief, p.actor_id, p.issue_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of, "
        "p.rationale, p.sources, p.change FROM positions p JOIN chosen c ON c.rowid = p.brief"
    ):
        position = {key: value for key, value in zip(fields, row[1:9], strict=True) if value is not None}
        position["rationale"] = json.loads(row[9] or "[]")
        position["sources"] = json.loads(row[10] or "[]")
        if row[11] is not None:
            position["change"] = row[11]
        briefs[row[0]].data["positions"].append(position)
    source_fields = ("id", "title", "publisher", "url", "date", "reliability", "credibility")
    for row in db.execute(
        "SELECT s.brief, s.source_id, s.title, s.publisher, s.url, s.date, s.reliability, s.credibility "
        "FROM sources s JOIN chosen c ON c.rowid = s.brief"
    ):
        briefs[row[0]].data["sources"].append(
            {key: value for key, value in zip(source_fields, row[1:], strict=True) if value is not None}
        )
    for rowid, errors in db.execute(
        "SELECT d.rowid, d.errors FROM brief_data d JOIN chosen c ON c.rowid = d.rowid JOIN briefs b "
        "ON b.rowid = d.rowid WHERE b.valid = 0"
    ):
        first = json.loads(errors or "[]")
        briefs[rowid].first_error = first[0] if first else None
    return list(briefs.values())


def unreadable(db: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    """Files of the collection that could not be read as a brief at all, with their first error."""
    rows = db.execute(
        "SELECT b.path, d.errors FROM briefs b JOIN brief_data d ON d.rowid = b.rowid "
        "WHERE b.valid = 0 AND d.data IS NULL ORDER BY b.path"
    )
    return [(path, (json.loads(errors or "[]") or [{}])[0]) for path, errors in rows]
