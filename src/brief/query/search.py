"""Running list and search queries over the index: records for the renderers, counts, ids, suggestions."""

from __future__ import annotations

import json
import sqlite3

from brief.base.text import fold, nearest_known
from brief.query.filters import Filters, QueryError, combined_where, effective_tlp, merge_filters, register_functions
from brief.query.language import SearchQuery
from brief.query.ranking import bm25, common_word_hits, fts_expression, relevance, snippet

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


LIST_COLUMNS = (
    "b.rowid, b.id, b.path, b.title, b.date, b.language, b.valid, b.error_count, b.summary, "
    # nations in the order the brief lists them
    "(SELECT group_concat(value, ',') FROM (SELECT value FROM brief_values v WHERE v.brief = b.rowid "
    "AND v.field = 'nations' ORDER BY v.seq)), "
    f"{effective_tlp('b')} "
)


_COLUMN_COUNT = 11  # of LIST_COLUMNS; a search's score follows them

SORTS = {"date": "b.date", "title": "b.title COLLATE NOCASE", "id": "b.id"}
ANY = "any"  # no order at all, for an existence test: SQLite stops at the first hit (not a user's --sort)


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    rowid, ident, path, title, date, language, valid, errors, summary, nations, tlp = row[:_COLUMN_COUNT]
    return {
        "id": ident, "path": path, "title": title, "date": date, "language": language,
        "nations": nations.split(",") if nations else [], "tlp": tlp, "valid": bool(valid), "errors": errors,
        "summary": summary, "_rowid": rowid,
    }  # fmt: skip


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


def search(
    db: sqlite3.Connection, query: SearchQuery, filters: Filters, limit: int | None = 20, snippets: bool = True,
    sort: str | None = None, reverse: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """Briefs matching the query and the filters, best first (BM25 with field weights)."""
    sql, params, positive = _search_sql(db, query, filters, limit, sort, reverse, LIST_COLUMNS)
    results = []
    rows = _run(db, sql, params)
    for row, score in zip(rows, relevance([-float(row[_COLUMN_COUNT]) for row in rows]), strict=True):
        record = _record(row)
        # `score`: relative, 100 for the best hit; `bm25`: the figure it comes from (higher is better)
        record["score"] = score if positive else None
        record["bm25"] = float(f"{-float(row[_COLUMN_COUNT]):.3g}") if positive else None
        if snippets and positive:
            record["fields"], record["snippet"] = snippet(db, positive, record["_rowid"])
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


def search_any(db: sqlite3.Connection, query: SearchQuery, filters: Filters) -> bool:
    """Whether the query and the filters find any brief (`brief search -q`, as grep -q): the first hit found
    answers, nothing is ranked."""
    sql, params, _ = _search_sql(db, query, filters, 1, ANY, False, "1")
    return bool(_run(db, sql, params))


def search_rowids(db: sqlite3.Connection, query: SearchQuery, filters: Filters) -> list[int]:
    """The index rows of every brief `search` finds (for summaries of a search)."""
    sql, params, _ = _search_sql(db, query, filters, None, None, False, "b.rowid")
    return [row[0] for row in _run(db, sql, params)]


def search_rows(
    db: sqlite3.Connection, query: SearchQuery, filters: Filters, columns: str, sort: str = "date"
) -> list[tuple[Any, ...]]:
    """`columns` (SQL over `briefs b`) of every brief the query and the filters select, in `sort` order then by
    path, for commands that go through them all (an empty query: the filters alone, as `list`)."""
    sql, params, _ = _search_sql(db, query, filters, None, sort, False, columns)
    return _run(db, sql, params)


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
    merge_filters(merged, filters)
    merge_filters(merged, query.include)
    where, params = combined_where(merged, query.exclude)
    if negative:
        where += " AND b.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        params.append(negative)
    order = "" if sort == ANY else f"{SORTS[sort]} {'DESC' if reverse else 'ASC'}, b.path" if sort else "score"
    ordered = f" ORDER BY {order}" if order else ""
    ranked = common_word_hits(db, query, limit) if positive and not sort and not negative and where == "1" else None
    if ranked:
        # a word most briefs hold: its best hits come from the heads of its score classes (collection/heads.py)
        source, columns = ranked_source or ("briefs b", columns)
        values = ", ".join("(?, ?)" for _ in ranked)
        sql = (
            f"WITH hits(rowid, score) AS (VALUES {values}) "
            f"SELECT {columns}, hits.score FROM hits JOIN {source} ON b.rowid = hits.rowid ORDER BY hits.score, b.rowid"
        )
        return sql, [value for hit in ranked for value in hit], positive
    if positive and not sort:
        # Rank inside FTS5 alone and join only the best rows: the brief columns (nations is a subquery) are
        # then computed for `limit` rows, not for every hit (20,000 for a common word in 100,000 briefs).
        chosen = "" if where == "1" else f" AND rowid IN (SELECT b.rowid FROM briefs b WHERE {where})"
        top = f" LIMIT {int(limit)}" if limit else ""
        source, columns = ranked_source or ("briefs b", columns)
        sql = (
            f"WITH hits AS (SELECT rowid, {bm25()} AS score FROM fts WHERE fts MATCH ?{chosen} "
            f"ORDER BY score, rowid{top}) "
            f"SELECT {columns}, hits.score FROM hits JOIN {source} ON b.rowid = hits.rowid ORDER BY hits.score, b.rowid"
        )
        return sql, [positive, *params], positive
    if positive:
        sql = (
            f"SELECT {columns}, {bm25()} AS score FROM fts JOIN briefs b ON b.rowid = fts.rowid "
            f"WHERE fts MATCH ? AND {where}{ordered}"
        )
        params = [positive, *params]
    else:
        sql = f"SELECT {columns}, 0.0 AS score FROM briefs b WHERE {where}{ordered if sort else ' ORDER BY b.date'}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return sql, params, positive


def suggestions(db: sqlite3.Connection, words: list[str], limit: int = 3) -> list[str]:
    """Known actor names, tags and nation names close to the words of a query that found nothing."""
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
    return nearest_known(words, known, limit)
