"""What shell completion offers: brief ids, actors, issues, nations and tags a collection's index holds.

Completion runs at every press of Tab, so it reads the index as the last command left it, read-only, with one
query of an index's own indexes per kind: no freshness check, no build (an index that does not exist yet, or was
written by another version of brief, gives no completions rather than a wait)."""

from __future__ import annotations

import sqlite3

from brief.collection.config import Collection
from brief.collection.tables import INDEX_FORMAT

KINDS = ("brief", "actor", "issue", "nation", "tag")
LIMIT = 200  # more than a shell shows usefully; a longer prefix narrows

# kind -> SQL for the values in a prefix range, in order, then LIMIT, each with a few words about it; every one reads
# an index of the table in order and stops at LIMIT (a GROUP BY or count over every row took 80 ms at 100,000 briefs)
_QUERIES = {
    "brief": "SELECT id, title FROM briefs WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
    # the dictionaries hold each value once (and keep those of removed briefs until a rebuild: a value is offered
    # only when a row uses it)
    "actor": "SELECT k.actor_id, (SELECT min(f.name) FROM actor_forms f WHERE f.actor = k.key AND EXISTS (SELECT 1 "
    "FROM actor_rows r WHERE r.form = f.key)) AS name FROM actor_keys k WHERE k.actor_id >= ? AND k.actor_id < ? "
    "AND name IS NOT NULL ORDER BY k.actor_id LIMIT ?",
    "issue": "SELECT issue_id, NULL FROM issue_keys k WHERE issue_id >= ? AND issue_id < ? AND EXISTS (SELECT 1 FROM "
    "issue_rows r WHERE r.issue = k.key) ORDER BY issue_id LIMIT ?",
    "tag": "SELECT value, NULL FROM value_keys k WHERE field = 'tags' AND value >= ? AND value < ? AND EXISTS (SELECT "
    "1 FROM value_rows r WHERE r.value = k.key) ORDER BY value LIMIT ?",
    # the summary's counts, kept by the index (collection/aggregates.py)
    "nation": "SELECT value, n FROM agg_values WHERE field = 'nations' AND value >= ? AND value < ? ORDER BY value "
    "LIMIT ?",
}
_STATEMENT = ("SELECT s.statement FROM issue_keys k JOIN issue_rows r ON r.issue = k.key JOIN statement_keys s ON "
              "s.key = r.statement WHERE k.issue_id = ? LIMIT 1")  # fmt: skip
_LAST = "\U0010ffff"  # sorts after every character (UTF-8 byte order, as SQLite compares text)


def open_read_only(collection: Collection) -> sqlite3.Connection | None:
    """The collection's index, read-only, if it exists and is of this version's format; else None."""
    import os

    path = collection.index_path()
    if not os.path.isfile(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    except sqlite3.Error:
        return None
    if found is None or found[0] != INDEX_FORMAT:
        db.close()
        return None
    return db


def complete(db: sqlite3.Connection, kind: str, prefix: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(value, a few words about it: a title, a name, a statement, a count of briefs; none for tags) for each
    `kind` of value in the index that starts with `prefix`, in order. Nation codes are matched in upper case, ids
    and tags as typed and in lower case."""
    if kind not in _QUERIES:
        raise ValueError(f"no completion for {kind!r}; one of {', '.join(KINDS)}")
    prefixes = [prefix.upper()] if kind == "nation" else list(dict.fromkeys([prefix, prefix.lower()]))
    found: dict[str, str] = {}
    for start in prefixes:
        for value, about in db.execute(_QUERIES[kind], (start, start + _LAST, limit)):
            if value is not None:
                found.setdefault(str(value), _about(kind, about))
    chosen = sorted(found.items())[:limit]
    if kind == "issue":  # each one's statement, found through the index on issue ids
        chosen = [(value, _about(kind, next(iter(db.execute(_STATEMENT, (value,)).fetchone() or ()), None)))
                  for value, _ in chosen]  # fmt: skip
    return chosen


def _about(kind: str, about: object) -> str:
    if kind == "nation":
        count = about if isinstance(about, int) else 0
        return f"{count} brief{'s' if count != 1 else ''}"
    return " ".join(str(about or "").split())


def complete_nation(db: sqlite3.Connection, prefix: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """Nation codes with the country's name: `ML`, "Mali (9 briefs)" (no comma: fish's script cuts there)."""
    from brief.base.countries import name_of

    return [(code, f"{name_of(code)} ({about})") for code, about in complete(db, "nation", prefix, limit)]
