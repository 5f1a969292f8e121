"""Ranking: BM25 over the index's full-text columns with field weights (a match in the title or an actor's name
counts more than one in the body), alias expansion of actor names, and snippets from the best field.

Every free-text term becomes a quoted FTS5 string, so hyphens, apostrophes, `AND`, stray quotes or `*` in a
query cannot cause a syntax error.
"""

from __future__ import annotations

import math
import re

from brief.base.text import fold
from brief.collection.tables import FTS_COLUMNS
from brief.query.language import SearchQuery, Term

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    import sqlite3  # annotations only: query/postgres.py imports this module, and `search --db` never opens SQLite

# BM25 weight of a match in each full-text column: the title and the actors' names say what a brief is about;
# the summary and judgments more than the body.
WEIGHTS: dict[str, float] = {"title": 10.0, "actors": 8.0, "summary": 4.0, "judgments": 3.0, "body": 1.0, "other": 1.0}


def bm25() -> str:
    """The SQL score of a hit: lower is better, as FTS5's bm25() gives it."""
    return f"bm25(fts, {', '.join(str(WEIGHTS[column]) for column in FTS_COLUMNS)})"


K1, B = 1.2, 0.75  # the constants of FTS5's bm25() (fts5_aux.c)


def _idf(hits: int, rows: int) -> float:
    idf = math.log((rows - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0.0 else 1e-6


def bm25_score(weighted: float, length: int, hits: int, rows: int, tokens: int) -> float:
    """bm25() of a one-word query's hit, computed as FTS5 computes it, operation for operation (so the very same
    float): `weighted` is the hit's weighted count of the word, `length` the brief's tokens, `hits` the word's
    briefs, `rows` and `tokens` the index's briefs and their tokens. Lower is better, as bm25() gives it."""
    avgdl = float(tokens) / float(rows)
    return -1.0 * (_idf(hits, rows) * ((weighted * (K1 + 1.0)) / (weighted + K1 * (1 - B + B * length / avgdl))))


def _weighted_counts(
    db: sqlite3.Connection, term: Term, hits: int, rows: int, tokens: int, length: dict[int, int]
) -> list[tuple[int, int]] | None:
    """Each hit's weighted count of a one-word query, as (rowid, f), read back from bm25() over every hit (one
    pass in SQLite, where counting the word's occurrences through fts5vocab takes 1–4 times longer): each f is
    scored again with `bm25_score` and must give bm25()'s very float, else None (no heads are kept)."""
    avgdl, idf = float(tokens) / float(rows), _idf(hits, rows)
    found = []
    for rowid, score in db.execute(f"SELECT rowid, {bm25()} FROM fts WHERE fts MATCH ?", (_fts_string(term),)):
        size = length.get(rowid, 0)
        saturation = -score / idf  # f·(k1 + 1) / (f + k1·(1 − b + b·D/avgdl)), below k1 + 1
        weighted = round(saturation * K1 * (1 - B + B * size / avgdl) / (K1 + 1.0 - saturation))
        if weighted < 1 or bm25_score(weighted, size, hits, rows, tokens) != score:
            return None
        found.append((rowid, weighted))
    return found


def common_word_hits(db: sqlite3.Connection, query: SearchQuery, limit: int | None) -> list[tuple[int, float]] | None:
    """The best `limit` hits of a query of one word held by many briefs (collection/heads.COMMON or more), as
    (rowid, bm25 score) in the order ranking every hit with bm25() gives, from the heads of the word's score
    classes (collection/heads.py) rather than from every hit; None for any other query, or when the heads
    cannot be kept (the caller then ranks every hit)."""
    from brief.collection import heads  # here: it imports sqlite3, which `search --db` never needs

    if not limit or limit > heads.DEPTH or query.negated or len(query.groups) != 1 or len(query.groups[0]) != 1:
        return None
    term = query.groups[0][0]
    word = fold(term.text)
    if term.scope or term.prefix or not (word.isascii() and word.isalnum()):
        return None
    weights = tuple(int(WEIGHTS[column]) for column in FTS_COLUMNS)
    if any(weight != WEIGHTS[column] for weight, column in zip(weights, FTS_COLUMNS, strict=True)):
        return None  # counts are summed in SQL here and in C by FTS5: exact alike only for whole weights
    if len(expand_aliases(db, term)) != 1:
        return None  # the other names of an actor: a query of several phrases
    (hits,) = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (_fts_string(term),)).fetchone()
    if hits < heads.COMMON:
        return None
    rows, tokens = heads.totals(db)

    def score(weighted: int, length: int) -> float:
        return bm25_score(weighted, length, hits, rows, tokens)

    def weighed(length: dict[int, int]) -> list[tuple[int, int]] | None:
        return _weighted_counts(db, term, hits, rows, tokens, length)

    found = heads.best(db, word, weights, limit, score)
    if found is None and heads.fill(db, word, weights, hits, weighed):
        found = heads.best(db, word, weights, limit, score)
    return [(rowid, value) for value, rowid in found] if found else None


HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"  # private-use marks, replaced by the renderer


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
    return alias_alternatives(term, [label for (label,) in labels])


def alias_alternatives(term: Term, labels: list[str]) -> list[Term]:
    """The term and the other names (`labels`) of the actors it names, as the alternatives a search looks for
    (shared with the PostgreSQL search, query/postgres.py)."""
    wanted = fold(term.text)
    names = {wanted: term}
    for label in labels:
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


# where a snippet reads best: prose first (the title is shown beside it anyway), the lists of actor names,
# tags and sources last
SNIPPET_ORDER = ("summary", "judgments", "body", "title", "actors", "other")


def relevance(scores: list[float]) -> list[int]:
    """Scores for reading: 100 for the best hit, the others in proportion. BM25 gives a word that most briefs
    hold almost no weight, so raw scores of a common word all round to 0.00, though their order holds."""
    best = max(scores, default=0.0)
    return [round(100 * score / best) if best > 0 else 0 for score in scores]


def snippet(db: sqlite3.Connection, expression: str, rowid: int) -> tuple[list[str], str]:
    """The fields that matched (in the index's column order), and a snippet from the one that reads best."""
    calls = ", ".join(
        f"snippet(fts, {i}, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 14)" for i in range(len(FTS_COLUMNS))
    )
    row = db.execute(f"SELECT {calls} FROM fts WHERE fts MATCH ? AND rowid = ?", (expression, rowid)).fetchone()
    fields = [name for name, text in zip(FTS_COLUMNS, row or (), strict=False) if text and HIGHLIGHT_START in text]
    chosen = min(fields, key=SNIPPET_ORDER.index, default=None)
    best = row[FTS_COLUMNS.index(chosen)] if chosen else ""
    return fields, " ".join(best.split())
