"""`brief list --db` and `brief search --db`: the same questions as query/search.py, asked of the PostgreSQL mirror
that `brief sync` writes (remote/). Only the dialect differs: the query language is parsed by query/language.py,
filters are checked by query/filters.py, actor aliases expand and scores read as in query/ranking.py; here are the
SQL of PostgreSQL and its full-text search.

Full text: the six columns of the local full-text index (collection/tables.py FTS_COLUMNS), folded and split into
words by brief itself (base.text.fold, which tests/test_architecture.py holds to SQLite's tokenizer), so that a
search finds the same briefs in both. They become one weighted tsvector, `search` (A: title and actors, B: summary
and key judgments, C: body, D: the rest: tags, sources, descriptions…), under a GIN index, and a small one,
`scopes` (A: title, B: summary, C: judgments, D: actors), that scoped terms (`title:coup`) and the snippets read.
Every term is a phrase of lexemes brief made itself, written as a tsquery literal: nothing a user types is parsed
by PostgreSQL's query syntax.
"""

from __future__ import annotations

from datetime import date

from brief.base.text import closest, fold, nearest_known
from brief.collection.tables import FTS_COLUMNS
from brief.query.filters import Filters, QueryError, merge_filters
from brief.query.language import SearchQuery, Term
from brief.query.pg_text import _WORD, FIELD_TEST, SCOPE_OF, SEARCH_CLASS, rank_weights, term_query
from brief.query.ranking import HIGHLIGHT_END, HIGHLIGHT_START, SNIPPET_ORDER, alias_alternatives, relevance

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

# --- filters -------------------------------------------------------------------------------------------------------


def _day(value: str, upper: bool) -> date:
    """A checked filter date (YYYY, YYYY-MM, YYYY-MM-DD; an upper bound expanded to the last day it covers,
    perhaps a 31st a month lacks) as a calendar date."""
    import calendar

    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else (12 if upper else 1)
    last = calendar.monthrange(year, month)[1]
    day = min(parts[2], last) if len(parts) > 2 else (last if upper else 1)
    return date(year, month, day)


def filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    """A WHERE clause over `brief.briefs b` (without the keyword; "true" when empty) and its parameters, for
    filters checked by check_filters: the same meaning as query/filters.py filter_sql has for the local index."""
    clauses: list[str] = []
    params: list[Any] = []

    def actor_match(alias: str) -> str:
        params.extend([[fold(v) for v in filters.actors]] * 3)
        return (
            f"({alias}.id_fold = ANY(%s) OR {alias}.name_fold = ANY(%s) OR EXISTS (SELECT 1 FROM brief.actor_aliases l "
            f"WHERE l.brief = {alias}.brief AND l.actor_id = {alias}.actor_id AND l.fold = ANY(%s)))"
        )

    if filters.nations:
        clauses.append("b.nations && %s::text[]")
        params.append(list(filters.nations))
    for name in ("regions", "domains"):
        if getattr(filters, name):
            clauses.append(f"b.{name} && %s::text[]")
            params.append([fold(v) for v in getattr(filters, name)])
    if filters.tags:
        clauses.append("b.tags_fold && %s::text[]")
        params.append([fold(v) for v in filters.tags])
    if filters.authors:
        clauses.append("EXISTS (SELECT 1 FROM unnest(b.authors_fold) a WHERE a LIKE ANY(%s))")
        params.append([f"%{fold(v)}%" for v in filters.authors])
    if filters.langs:
        clauses.append("b.language = ANY(%s)")
        params.append(list(filters.langs))
    if filters.tlps:
        clauses.append("b.tlp = ANY(%s)")
        params.append(list(filters.tlps))
    if filters.ids:
        clauses.append("lower(b.id) = ANY(%s)")
        params.append([v.lower() for v in filters.ids])
    if filters.stances:
        # a stance filter applies to the same position as the actor and issue filters, if any
        conditions = ["p.stance = ANY(%s)"]
        params.append(list(filters.stances))
        if filters.actors:
            conditions.append(
                "EXISTS (SELECT 1 FROM brief.actors a WHERE a.brief = p.brief AND a.actor_id = p.actor_id AND "
                + actor_match("a") + ")"
            )  # fmt: skip
        if filters.issues:
            conditions.append("lower(p.issue_id) = ANY(%s)")
            params.append([v.lower() for v in filters.issues])
        clauses.append(f"b.key IN (SELECT p.brief FROM brief.positions p WHERE {' AND '.join(conditions)})")
    else:
        if filters.actors:
            folded = [fold(v) for v in filters.actors]
            clauses.append(
                "b.key IN (SELECT brief FROM brief.actors WHERE id_fold = ANY(%s) OR name_fold = ANY(%s) "
                "UNION SELECT brief FROM brief.actor_aliases WHERE fold = ANY(%s))"
            )
            params.extend([folded] * 3)
        if filters.issues:
            clauses.append("b.key IN (SELECT brief FROM brief.issues WHERE lower(issue_id) = ANY(%s))")
            params.append([v.lower() for v in filters.issues])
    if filters.since:
        clauses.append("b.date >= %s")
        params.append(_day(filters.since, upper=False))
    if filters.until:
        clauses.append("b.date <= %s")
        params.append(_day(filters.until, upper=True))
    for path, value in filters.where:
        # lax jsonpath: a member of a list of objects is looked for in each; a list at the end gives its items
        steps = "".join('."' + part + '"' for part in path.split("."))
        clauses.append(
            "EXISTS (SELECT 1 FROM jsonb_path_query(b.data, %s::jsonpath) v WHERE brief.fold_text(CASE "
            "jsonb_typeof(v) WHEN 'string' THEN v #>> '{}' ELSE v::text END) = %s)"
        )
        params.extend([f"lax ${steps}[*]", fold(value)])
    if filters.invalid:
        clauses.append("false")  # invalid briefs are never synced
    return (" AND ".join(clauses) or "true"), params


def combined_where(filters: Filters, excludes: list[Filters], collections: list[int] | None) -> tuple[str, list[Any]]:
    sql, params = filter_sql(filters)
    for exclude in excludes:
        extra, extra_params = filter_sql(exclude)
        sql += f" AND NOT ({extra})"
        params += extra_params
    if collections is not None:
        sql += " AND b.collection = ANY(%s)"
        params.append(collections)
    return sql, params


# --- list and search -----------------------------------------------------------------------------------------------

LIST_COLUMNS = "b.key, b.id, b.path, b.title, b.date, b.language, b.nations, b.tlp, b.summary, c.name"
SORTS = {"date": "b.date", "title": "lower(b.title)", "id": "b.id"}
_FROM = "brief.briefs b JOIN brief.collections c ON c.id = b.collection"


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    key, ident, path, title, day, language, nations, tlp, summary, collection = row[:10]
    return {
        "id": ident, "path": path, "title": title, "date": day.isoformat() if day else None, "language": language,
        "nations": list(nations), "tlp": tlp, "valid": True, "errors": 0, "summary": summary,
        "collection": collection, "_key": key,
    }  # fmt: skip


def collection_ids(conn: Any, names: list[str]) -> list[int] | None:
    """The ids of the named collections (None: every collection); an unknown name is an error, with advice."""
    if not names:
        return None
    known = dict(conn.execute("SELECT name, id FROM brief.collections").fetchall())
    for name in names:
        if name not in known:
            near = closest(name, sorted(known))
            hint = f"; did you mean '{near[0]}'?" if near else f"; known: {', '.join(sorted(known)) or 'none'}"
            raise QueryError(f"no collection '{name}' in the database{hint}")
    return [known[name] for name in names]


def list_briefs(conn: Any, filters: Filters, sort: str = "date", reverse: bool = False, limit: int | None = None,
                collections: list[int] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    where, params = combined_where(filters, [], collections)
    order = f"{SORTS[sort]} {'DESC' if reverse else 'ASC'}, c.name, b.path"
    sql = f"SELECT {LIST_COLUMNS} FROM {_FROM} WHERE {where} ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_record(row) for row in conn.execute(sql, params).fetchall()]


def count_briefs(conn: Any, filters: Filters, collections: list[int] | None = None) -> int:
    where, params = combined_where(filters, [], collections)
    return int(conn.execute(f"SELECT count(*) FROM brief.briefs b WHERE {where}", params).fetchone()[0])


class TextQuery:
    """A search's full-text part in SQL: the condition over `b`, its parameters, and the tsquery that ranks
    (None when the query has no positive term) with, per positive term, its tsquery literal."""

    __slots__ = ("condition", "groups", "params", "plain", "rank", "terms")

    def __init__(self) -> None:
        self.condition = "true"
        self.plain = False  # the condition holds for every brief that holds any of the words of `groups`
        self.params: list[Any] = []
        self.rank: str | None = None
        self.terms: list[Term] = []
        self.groups: list[list[str]] = []  # the tsquery literals of `rank`, by group (ANDed) and alternative (ORed)


def _term_sql(term: Term, params: list[Any]) -> str | None:
    if term.scope is None:
        literal = term_query(term)
        if literal is None:
            return None
        params.append(literal)
        return "b.search @@ %s::tsquery"
    column, weight = SCOPE_OF[term.scope]
    literal = term_query(term, weight)
    if literal is None:
        return None
    if column == "search":
        params.append(literal)
        return "b.search @@ %s::tsquery"
    # the GIN index on `search` finds the candidates (title and actors share its class A); `scopes` decides
    params.extend([term_query(term, SEARCH_CLASS[term.scope]), literal])
    return "(b.search @@ %s::tsquery AND b.scopes @@ %s::tsquery)"


def text_query(conn: Any, query: SearchQuery) -> TextQuery:
    """The full-text part of a search: groups of alternatives ANDed, negated terms excluded, actor names expanded
    to their aliases (as the local index does)."""
    out = TextQuery()
    conditions: list[str] = []
    ranked: list[str] = []
    for group in query.groups:
        alternatives: list[str] = []
        literals: list[str] = []
        for term in group:
            for expanded in expand_aliases(conn, term):
                sql = _term_sql(expanded, out.params)
                if sql is not None:
                    alternatives.append(sql)
                    literals.append(term_query(expanded) or "")
                    out.terms.append(expanded)
        if not alternatives:
            # a term with no word (punctuation alone) is no condition, as in the local index's phrase of nothing
            continue
        conditions.append("(" + " OR ".join(alternatives) + ")")
        ranked.append("(" + " | ".join(literals) + ")")
        out.groups.append(literals)
    negated: list[str] = []
    for term in query.negated:
        sql = _term_sql(term, out.params)
        if sql is not None:
            negated.append(sql)
    if negated:
        conditions.append("NOT (" + " OR ".join(negated) + ")")
    out.condition = " AND ".join(conditions) or "true"
    # one group of single words (no phrase, scope or prefix), nothing negated
    out.plain = len(out.groups) == 1 and not negated and all(" " not in literal for literal in out.groups[0])
    out.plain = out.plain and all(t.scope is None and not t.prefix for t in out.terms)
    out.rank = " & ".join(ranked) or None
    return out


def expand_aliases(conn: Any, term: Term) -> list[Term]:
    """An actor's name or alias also finds briefs that use its other names (query/ranking.py decides which): the
    labels of every actor that has this one, from brief.actor_labels (two index look-ups), in the local index's
    order."""
    if term.scope or term.prefix:
        return [term]
    labels = conn.execute(
        "SELECT label FROM brief.actor_labels WHERE actor_id IN (SELECT actor_id FROM brief.actor_labels "
        "WHERE fold = %s) ORDER BY actor_id, fold LIMIT 200",
        (fold(term.text),),
    ).fetchall()
    return alias_alternatives(term, [label for (label,) in labels])


# --- ranking ---------------------------------------------------------------------------------------------------------
#
# ts_rank(weights, search, q) of a query whose top is not AND or a phrase (one group of alternatives: `wagner`,
# `maiga`, which expands to `maiga | (choguel <-> maiga) | …`) is, for each distinct word w of q, a sum over w's
# positions in the brief, in position order j = 0, 1, …, of weight(j) / (j + 1)², divided by pi²/6 (PostgreSQL's
# calc_rank_or: its "largest weight" term cancels when the first position has the largest weight), averaged over
# the words. `search` lists its fields in FTS_COLUMNS order, title and actors (A) first, then summary and judgments
# (B), then body and the rest (C, D): the weights fall as positions grow, and w's A and B positions come before all
# its others. `search_head` holds exactly the A and B positions (remote/schema.py), so for each word its sum over
# the head, h = Σ_{j<k} weight(j) / (j+1)², is the first k terms of its sum over `search`, and the rest is at most
# TAIL · Σ_{j>=k} 1/(j+1)² (TAIL the largest weight of C and D) = TAIL · (pi²/6 - Σ_{j<k} 1/(j+1)²), which is at
# most TAIL · (pi²/6 - h) since no weight exceeds 1. Averaged over the words, for every hit:
#
#     low = ts_rank(weights, search_head, q)  <=  ts_rank(weights, search, q)  <=  low + TAIL · (1 - low)
#
# The head stays in the table's row, so `low` costs little for every hit; the whole `search` (stored apart) is read
# only for the `limit` hits of the best `low`, the least of whose true ranks is a bar the best hits reach, and for
# the hits whose upper bound reaches that bar: every hit among the best is one of them, and they are ranked by
# ts_rank itself. The order is ts_rank's, exactly (tests/test_db.py compares it with a ranking of every hit). Other
# queries (several groups, a phrase alone, a prefix, which can match any number of words outside the head) rank
# every hit.

RANK_SLACK = 1e-4  # ts_rank computes in single precision: rounding can move low and high by ~1e-6

# For the same queries, a first try reads the best briefs of each word from brief.terms (schema version 4): for each
# brief whose title and actors hold a word at least TERM_MIN_A times, the word's rank alone, when it reaches
# TERM_FLOOR. For one word w, ts_rank is f_w = Σ_j weight(j) / (j + 1)² / ζ (ζ = PostgreSQL's 1.64493406685, the
# weights falling along the positions); a word held at most TERM_MIN_A - 1 times in class A has f_w at most
# (Σ_{j<TERM_MIN_A-1} 1/(j+1)² + B · Σ_{j<256, j>=TERM_MIN_A-1} 1/(j+1)²) / ζ (B the weight of class B, 256 the
# positions PostgreSQL keeps), below TERM_FLOOR (term_bound(), checked by the tests): a brief with no row for w in
# brief.terms has f_w < TERM_FLOOR. ts_rank of a group of alternatives is the mean of f_w over its distinct words.
# So, with the `depth` best rows of each word (those that pass the filters), every row tying with the depth-th
# (TERM_TIE below it) and bound_w the depth-th rank less TERM_TIE: a brief outside these rows has f_w < bound_w. When
# every row of w is read, bound_w is what a brief with no row for w can reach: TERM_FLOOR, or 1/ζ (TERM_SINGLE) when
# no brief's rich_terms holds w (schema version 6, a column since 7: every brief then holds w at most once, in class
# A, or nowhere in class A; the other names an alias expansion adds, `kokalla`, are such words). Each brief read gets
# an upper bound, ub = (Σ over the words it was read for of f_w, from the rows, + Σ over the others of bound_w) / n; a
# brief read for none ranks below Σ bound_w / n. The briefs read are ranked by ts_rank in order of ub until a few
# more than `limit` of them match the query: the limit-th best of those ranks is a bar the best hits reach; every
# brief read whose ub reaches the bar is ranked, and when the bar is above Σ bound_w / n the best hits are the best
# of those, in ts_rank's order exactly (the tests compare them with a ranking of every hit, ties included).
# Otherwise a deeper read (_term_depths: the last reads every row of the words that have fewer than TERM_DEEPEST),
# then the ranking above.
TERM_MIN_A = 3
TERM_FLOOR = 0.853
TERM_TIE = 1e-5
PG_ZETA = 1.64493406685  # π²/6 as PostgreSQL's calc_rank_or writes it
TERM_SINGLE = 1 / PG_ZETA + 1e-6  # the rank alone of a word held once, in class A (and single precision's rounding)
TERM_DEEPEST = 5000  # rows of each word read at most: the third read's depth
PG_POSITIONS = 256  # positions PostgreSQL keeps per word


def term_bound(weights: list[float]) -> float:
    """The highest rank alone (ts_rank, normalisation 0) of a word held at most TERM_MIN_A - 1 times in class A,
    for weights {D, C, B, A} falling from A to D with A = 1 (positions in class order: A first)."""
    held = TERM_MIN_A - 1
    squares = [1 / (j * j) for j in range(1, PG_POSITIONS + 1)]
    return (weights[3] * sum(squares[:held]) + weights[2] * sum(squares[held:])) / PG_ZETA


def _term_depths(limit: int) -> tuple[int, ...]:
    return (limit + 5, 4 * limit + 40, max(TERM_DEEPEST, 4 * limit + 41))


def _from_terms(conn: Any, text: TextQuery, where: str, params: list[Any], limit: int,
                score: str) -> list[tuple[Any, ...]] | None:  # fmt: skip
    """The best `limit` hits read from brief.terms (above), in ts_rank's order; None when the rows read do not
    prove them the best."""
    found = sorted({word for literal in text.groups[0] for word in _WORD.findall(literal)})
    size = len(found)
    slack = 1e-6 * (size + 1)  # ts_rank's single precision, over a sum of `size` ranks
    narrow = "" if where == "true" else " JOIN brief.briefs b ON b.key = t.brief"
    also = "" if where == "true" else f" AND {where}"
    only = "" if where == "true" else f" WHERE {where}"
    condition = "true" if text.plain else text.condition  # a brief in brief.terms for a word holds the word
    tested = [] if text.plain else text.params
    # a word's rows are read down to its depth-th less TERM_TIE, or all of them when that is under TERM_FLOOR
    unread = f"k.score IS NOT NULL AND k.score::float8 - {TERM_TIE} > {TERM_FLOOR}"
    tried = 4 * limit + 40  # briefs ranked to set the bar (the bar is better, and costs more, as they are more)
    for depth in _term_depths(limit):
        sql = (
            f"WITH cut AS MATERIALIZED (SELECT w.lexeme, {unread} AS deeper, "
            f"CASE WHEN {unread} THEN k.score::float8 - {TERM_TIE} ELSE {TERM_FLOOR} END AS cutoff, "
            # a word with a row in brief.terms is held three times in some brief: its bound is TERM_FLOOR
            f"CASE WHEN {unread} THEN k.score::float8 - {TERM_TIE} WHEN EXISTS (SELECT 1 FROM brief.terms x "
            f"WHERE x.lexeme = w.lexeme) OR EXISTS (SELECT 1 FROM brief.briefs r WHERE r.rich_terms "
            f"@> ARRAY[w.lexeme]) THEN {TERM_FLOOR} ELSE {TERM_SINGLE} END AS bound "
            f"FROM unnest(%s::text[]) w(lexeme) LEFT JOIN LATERAL (SELECT t.score FROM brief.terms t{narrow} "
            f"WHERE t.lexeme = w.lexeme{also} ORDER BY t.score DESC OFFSET {depth - 1} LIMIT 1) k ON true), "
            # each brief read, with its upper bound
            f"read AS MATERIALIZED (SELECT t.brief AS key, ((SELECT sum(bound) FROM cut) + sum(t.score::float8 - "
            f"cut.bound)) / {size} AS ub FROM cut JOIN brief.terms t ON t.lexeme = cut.lexeme "
            f"AND t.score >= cut.cutoff{narrow}{only} GROUP BY t.brief), "
            # the best `tried` by ub that match the query, ranked (OFFSET 0: a loop in that order, not a join over
            # them all); the limit-th best of their ranks is a bar the best hits reach
            f"bar AS (SELECT (array_agg(x.score ORDER BY x.score DESC))[{int(limit)}] AS bar FROM (SELECT r.score "
            f"FROM (SELECT key, ub FROM read ORDER BY ub DESC) h CROSS JOIN LATERAL (SELECT {score} AS score "
            f"FROM brief.briefs b WHERE b.key = h.key AND {condition} AND {where} OFFSET 0) r "
            f"ORDER BY h.ub DESC LIMIT {tried}) x), "
            f"proof AS (SELECT coalesce(bar.bar >= (SELECT sum(bound) FROM cut) / {size} + {slack}, false) AS holds, "
            f"bar.bar, (SELECT bool_or(deeper) FROM cut) AS deeper FROM bar), "
            # ranked only when the bar proves them: the briefs read whose bound reaches it
            f"chosen AS (SELECT array_agg(key) AS keys FROM read WHERE (SELECT holds FROM proof) "
            f"AND ub + {slack} >= (SELECT bar FROM proof)) "
            f"SELECT p.holds, p.deeper, best.* FROM proof p LEFT JOIN LATERAL (SELECT {LIST_COLUMNS}, {score} AS score "
            f"FROM {_FROM} WHERE b.key = ANY((SELECT keys FROM chosen)::bigint[]) AND {condition} AND {where} "
            f"ORDER BY score DESC, c.name, b.path LIMIT {int(limit)}) best ON true"
        )
        values = [found, *params, *params, text.rank, *tested, *params, text.rank, *tested, *params]
        rows = conn.execute(sql, values).fetchall()
        if rows[0][0] and len(rows) == limit:
            return [row[2:] for row in rows]
        if not rows[0][1]:
            return None  # every row of every word was read: the rest lie outside brief.terms
    return None


# An AND of groups, or a phrase alone, of two words or more, is ranked by calc_rank_and: 1 - Π (1 - w_p·w_q·d(p, q))^½
# over the pairs of positions of two different words (d falling with their distance, below 1), so never above 1; in
# single precision it reaches 1 exactly for most hits of words that recur near each other (14,233 of the 14,554 hits
# of `choguel maiga` in 100,000 rich briefs). Hits of rank 1 tie, and ties are ordered by collection and path: so when
# `limit` hits of rank 1 turn up among the first briefs in that order, they are the best, in order, whatever the rest
# hold. brief reads at most SATURATED_SCAN briefs in that order (through the index on (collection, path)), testing
# the query and ranking each; otherwise every hit is ranked, as before.
SATURATED_SCAN = 1000


def _ranked_by_pairs(text: TextQuery) -> bool:
    """Whether ts_rank of this query is calc_rank_and's: an AND or a phrase at its top, two distinct words or more."""
    found = {word for group in text.groups for literal in group for word in _WORD.findall(literal)}
    if len(found) < 2:
        return False
    return len(text.groups) > 1 or (len(text.groups[0]) == 1 and " <-> " in text.groups[0][0])


def _from_saturated(conn: Any, text: TextQuery, where: str, params: list[Any], limit: int,
                    score: str) -> list[tuple[Any, ...]] | None:  # fmt: skip
    """The best `limit` hits when they all rank 1 (above), read in collection and path order; None when the first
    briefs in that order do not hold that many."""
    scan = max(SATURATED_SCAN, 25 * limit)
    sql = (
        # the first `scan` briefs by collection name and path: each collection's first, through (collection, path)
        f"WITH scan AS MATERIALIZED (SELECT s.key, row_number() OVER (ORDER BY c.name, s.path) AS n "
        f"FROM brief.collections c CROSS JOIN LATERAL (SELECT b.key, b.path FROM brief.briefs b "
        f"WHERE b.collection = c.id ORDER BY b.path LIMIT {scan}) s) "
        # tested and ranked one by one in that order (OFFSET 0: a loop, stopped at the limit-th of rank 1)
        f"SELECT x.* FROM (SELECT key, n FROM scan ORDER BY n LIMIT {scan}) h CROSS JOIN LATERAL (SELECT "
        f"{LIST_COLUMNS}, {score} AS score FROM {_FROM} WHERE b.key = h.key AND {text.condition} AND {where} "
        f"OFFSET 0) x WHERE x.score = 1 ORDER BY h.n LIMIT {int(limit)}"
    )
    rows = conn.execute(sql, [text.rank, *text.params, *params]).fetchall()
    return rows if len(rows) == limit else None


def _prunable(text: TextQuery) -> bool:
    """Whether ts_rank of this query is the sum the bounds above hold for: one group (no AND), not a phrase alone
    (a phrase or an AND at the top is ranked by the distances between words), no prefix."""
    if len(text.groups) != 1 or any(t.prefix for t in text.terms):
        return False
    return len(text.groups[0]) > 1 or " <-> " not in text.groups[0][0]


def search(conn: Any, query: SearchQuery, filters: Filters, limit: int | None = 20, snippets: bool = True,
           sort: str | None = None, reverse: bool = False,
           collections: list[int] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Briefs matching the query and the filters: best first (ts_rank with the field weights), or in `sort` order."""
    merged = Filters()
    merge_filters(merged, filters)
    merge_filters(merged, query.include)
    text = text_query(conn, query)
    where, params = combined_where(merged, query.exclude, collections)
    weights = rank_weights()
    ranked = "{" + ",".join(str(w) for w in weights) + "}"
    score = f"ts_rank('{ranked}'::real[], b.search, %s::tsquery)"
    order = f"{SORTS[sort]} {'DESC' if reverse else 'ASC'}, c.name, b.path" if sort else "score DESC, c.name, b.path"
    if not text.rank and not sort:
        order = "b.date, c.name, b.path"
    top = f" LIMIT {int(limit)}" if limit else ""
    pruned = bool(text.rank and not sort and limit and _prunable(text))
    with conn.transaction():
        if text.rank:
            # the hits come from the GIN index: a sequential scan would read every brief's whole tsvector to test
            # it (the planner does not count that cost, and prefers the scan for a word most briefs hold); no JIT:
            # its compilation (tens of milliseconds) would cost more than these statements' expressions save
            conn.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        rows = _from_terms(conn, text, where, params, int(limit or 0), score) if pruned else None
        if rows is None and text.rank and not sort and limit and _ranked_by_pairs(text):
            rows = _from_saturated(conn, text, where, params, int(limit), score)
        if rows is None:
            if pruned:
                # the hits from the GIN index by the query's words alone (a phrase's words in any place: no
                # recheck, so no brief's whole `search` is read); the query itself tested on those read in full
                tail = max(weights[:2])
                condition, tested = ("true", []) if text.plain else (text.condition, text.params)
                sql = (
                    f"WITH hits AS MATERIALIZED (SELECT b.key, ts_rank('{ranked}'::real[], b.search_head, "
                    f"%s::tsquery) AS low FROM brief.briefs b WHERE b.search @@ %s::tsquery AND {where}), "
                    # the `limit` best hits by `low` that match: their least rank is a bar the best reach. The
                    # OFFSET 0 keeps the lateral a loop over the hits in that order: flattened into a join, the
                    # planner (which expects a few hits) tested the query on every hit, each read whole
                    f"bar AS (SELECT min(score) AS bar FROM (SELECT r.score FROM (SELECT key, low FROM hits "
                    f"ORDER BY low DESC) h CROSS JOIN LATERAL (SELECT {score} AS score FROM brief.briefs b "
                    f"WHERE b.key = h.key AND {condition} OFFSET 0) r ORDER BY h.low DESC{top}) best), "
                    f"chosen AS (SELECT array_agg(key) AS keys FROM hits "
                    f"WHERE low + {tail} * (1 - low) + {RANK_SLACK} >= (SELECT bar FROM bar)) "
                    # the chosen keys as one array: looked up in the primary key (a join would invite a merge over
                    # them all)
                    f"SELECT {LIST_COLUMNS}, {score} AS score FROM {_FROM} "
                    f"WHERE b.key = ANY((SELECT keys FROM chosen)::bigint[]) AND {condition} ORDER BY {order}{top}"
                )
                words_only = (text.rank or "").replace(" <-> ", " & ")
                values = [text.rank, words_only, *params, text.rank, *tested, text.rank, *tested]
            else:
                sql = (f"SELECT {LIST_COLUMNS}, {score if text.rank else '0.0'} AS score FROM {_FROM} "
                       f"WHERE {text.condition} AND {where} ORDER BY {order}{top}")  # fmt: skip
                values = [*([text.rank] if text.rank else []), *text.params, *params]
            rows = conn.execute(sql, values).fetchall()
    results = []
    for row, relative in zip(rows, relevance([float(row[10]) for row in rows]), strict=True):
        record = _record(row)
        record["score"] = relative if text.rank else None
        record["bm25"] = None  # PostgreSQL ranks with ts_rank, not BM25: `rank` is its figure
        record["rank"] = float(f"{float(row[10]):.3g}") if text.rank else None
        results.append(record)
    if snippets and text.terms and results:
        _add_snippets(conn, results, text.terms)
    return results


def _add_snippets(conn: Any, results: list[dict[str, Any]], terms: list[Term]) -> None:
    """The fields each hit matched in (the local index's column order), and a snippet from the one that reads best."""
    tests: list[str] = []
    params: list[Any] = []
    for field in FTS_COLUMNS:
        column, weight = FIELD_TEST[field]
        literals = [q for q in (term_query(t, weight) for t in terms if t.scope in (None, field)) if q]
        if literals:
            tests.append(f"b.{column} @@ %s::tsquery")
            params.append(" | ".join(literals))
        else:
            tests.append("false")
    keys = [record["_key"] for record in results]
    found = {
        row[0]: row[1:]
        for row in conn.execute(
            f"SELECT b.key, {', '.join(tests)}, b.data FROM brief.briefs b WHERE b.key = ANY(%s)", [*params, keys]
        ).fetchall()
    }
    plain = " | ".join(q for q in (term_query(t) for t in terms) if q)
    options = f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", MaxWords=28, MinWords=14, MaxFragments=1'
    texts: list[str] = []
    for record in results:
        row = found.get(record["_key"])
        fields = [name for name, hit in zip(FTS_COLUMNS, row[:-1], strict=True) if hit] if row else []
        chosen = min(fields, key=SNIPPET_ORDER.index, default=None)
        record["fields"] = fields
        texts.append(field_text(row[-1], chosen) if row and chosen else "")
    # every snippet in one round trip
    shown = conn.execute(
        "SELECT ts_headline('brief.fold', t, %s::tsquery, %s) FROM unnest(%s::text[]) WITH ORDINALITY u(t, n) "
        "ORDER BY n",
        (plain, options, texts),
    ).fetchall()
    for record, (snippet,) in zip(results, shown, strict=True):
        record["snippet"] = " ".join(snippet.split())


def field_text(data: dict[str, Any], field: str) -> str:
    """One full-text column of a synced brief, from its normalised data: the columns the local index derives
    from its stored copy (collection/stored.py), so that snippets read the same text on both backends."""
    from brief.collection.stored import text_columns
    from brief.collection.tables import FTS_COLUMNS

    return text_columns(data)[FTS_COLUMNS.index(field)]


def search_ids(conn: Any, query: SearchQuery, filters: Filters, limit: int | None = 20, sort: str | None = None,
               reverse: bool = False, collections: list[int] | None = None) -> list[str]:  # fmt: skip
    """The ids of what `search` finds, in its order (for `--format ids`)."""
    return [r["id"] for r in search(conn, query, filters, limit, False, sort, reverse, collections)]


def suggestions(conn: Any, words_typed: list[str], limit: int = 3) -> list[str]:
    """Known actor names and aliases, tags and nation names close to the words of a query that found nothing."""
    from brief.base.countries import name_of

    known: dict[str, str] = {}
    for (name,) in conn.execute(
        "SELECT DISTINCT name FROM brief.actors UNION SELECT DISTINCT alias FROM brief.actor_aliases"
    ).fetchall():
        known.setdefault(fold(name), name)
    for (tag,) in conn.execute("SELECT DISTINCT unnest(tags) FROM brief.briefs").fetchall():
        known.setdefault(fold(tag), tag)
    for (code,) in conn.execute("SELECT DISTINCT unnest(nations) FROM brief.briefs").fetchall():
        known.setdefault(fold(name_of(code)), name_of(code))
    return nearest_known(words_typed, known, limit)
