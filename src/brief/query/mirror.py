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

CHUNK = 64  # rows fetched per query
_BIG = float(2**63)  # orjson reads an integer past 64 bits as a float: from this magnitude on, a float may be one


def content_hashes(db: sqlite3.Connection) -> dict[int, str]:
    """Index row -> the content hash of its file."""
    return {row: digest.hex() for row, digest in db.execute("SELECT rowid, hash FROM briefs")}


def stored(db: sqlite3.Connection, rows: Iterable[int]) -> Iterator[tuple[int, dict[str, Any], tuple[str, ...],
                                                                         bytes | None]]:  # fmt: skip
    """(row, the brief's data with its body, its full-text columns, its stored JSON text) for each row of a valid
    brief, in the order given; rows without data (an unreadable file) are skipped. The columns are derived from the
    stored copy as the local full-text index derives them (collection/stored.py). The JSON text is the stored
    copy's own UTF-8 (base/text.py compact_json of the data, which is what reading it back and writing it again
    gives), None where it cannot be UTF-8 (a lone surrogate)."""
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
                text_: str = found[row]
                data = loads(text_)
                try:
                    document: bytes | None = text_.encode("utf-8")
                except UnicodeEncodeError:
                    document = None
                yield row, data, text_columns(data), document


def loads(text_: str) -> dict[str, Any]:
    """A stored copy's data: as `json.loads` reads it, in about half its time (orjson). orjson reads what it
    cannot hold as the json module does (an integer past 64 bits: a float) or not at all (a lone surrogate); the
    json module reads those briefs (a large float in a number the sync writes, or a refusal)."""
    import orjson

    try:
        data: dict[str, Any] = orjson.loads(text_)
    except orjson.JSONDecodeError:
        return json.loads(text_)  # type: ignore[no-any-return]
    return json.loads(text_) if _large_number(data) else data  # type: ignore[no-any-return]


def _large_number(data: dict[str, Any]) -> bool:
    """Whether a number brief's rows read (remote/rows.py) is a float of a magnitude an integer orjson did not keep
    could have."""
    from brief.base.fields import mappings

    for items, fields in (("positions", ("salience", "power")), ("figures", ("value",)), ("sources", ("credibility",))):
        for item in mappings(data.get(items)):
            for field in fields:
                value = item.get(field)
                if type(value) is float and abs(value) >= _BIG:
                    return True
    return False
