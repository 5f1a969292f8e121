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

# kind -> (SQL with a prefix range on an indexed column, ordered, then LIMIT; its two values are the range)
_QUERIES = {
    "brief": "SELECT id, title FROM briefs WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
    "actor": "SELECT actor_id, min(name) FROM actors WHERE actor_id >= ? AND actor_id < ? GROUP BY actor_id "
    "ORDER BY actor_id LIMIT ?",
    "issue": "SELECT issue_id, max(statement) FROM issues WHERE issue_id >= ? AND issue_id < ? GROUP BY issue_id "
    "ORDER BY issue_id LIMIT ?",
    "nation": "SELECT value, count(*) FROM brief_values WHERE field = 'nations' AND value >= ? AND value < ? "
    "GROUP BY value ORDER BY value LIMIT ?",
    "tag": "SELECT value, count(*) FROM brief_values WHERE field = 'tags' AND value >= ? AND value < ? "
    "GROUP BY value ORDER BY value LIMIT ?",
}
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
    """(value, a few words about it) for each `kind` of value in the index that starts with `prefix`, in order.
    Nation codes are matched in upper case, ids and tags as typed and in lower case."""
    if kind not in _QUERIES:
        raise ValueError(f"no completion for {kind!r}; one of {', '.join(KINDS)}")
    prefixes = [prefix.upper()] if kind == "nation" else list(dict.fromkeys([prefix, prefix.lower()]))
    found: dict[str, str] = {}
    for start in prefixes:
        for value, about in db.execute(_QUERIES[kind], (start, start + _LAST, limit)):
            if value is None:
                continue
            found.setdefault(str(value), _about(kind, about))
    return sorted(found.items())[:limit]


def _about(kind: str, about: object) -> str:
    if kind in ("nation", "tag"):
        count = about if isinstance(about, int) else 0
        return f"{count} brief{'s' if count != 1 else ''}"
    return " ".join(str(about or "").split())


def complete_nation(db: sqlite3.Connection, prefix: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """Nation codes with the country's name: `ML`, "Mali (9 briefs)" (no comma: fish's script cuts there)."""
    from brief.base.countries import name_of

    return [(code, f"{name_of(code)} ({about})") for code, about in complete(db, "nation", prefix, limit)]
