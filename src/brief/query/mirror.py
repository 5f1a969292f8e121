"""What `brief sync` reads from the local index to mirror a collection: each brief's content hash, and for the
briefs it writes, the checker's normalised data, the body, and the six full-text columns exactly as the local
full-text index holds them (so that a search finds the same briefs in both)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

CHUNK = 500  # rows fetched per query


def content_hashes(db: sqlite3.Connection) -> dict[int, str]:
    """Index row -> the content hash of its file."""
    return {row: digest.hex() for row, digest in db.execute("SELECT rowid, hash FROM briefs")}


def stored(db: sqlite3.Connection, rows: Iterable[int]) -> Iterator[tuple[int, dict[str, Any], tuple[str, ...]]]:
    """(row, the brief's data with its body, its full-text columns) for each row of a valid brief, in the order
    given; rows without data (an unreadable file) are skipped. The columns are derived from the stored copy as
    the local full-text index derives them (collection/stored.py)."""
    from brief.collection.stored import register, text_columns

    register(db)
    pending = list(rows)
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        found = dict(
            db.execute(
                f"SELECT b.rowid, brief_json(d.data) FROM briefs b JOIN brief_data d ON d.rowid = b.rowid "
                f"WHERE b.rowid IN ({marks}) AND d.data IS NOT NULL",
                chunk,
            )
        )
        for row in chunk:
            if row in found:
                data: dict[str, Any] = json.loads(found[row])
                yield row, data, text_columns(data)
