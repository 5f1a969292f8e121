"""What a command that writes briefs out of the collection selects (`brief export`; a report later): the list
filters and the search language, in date order, each brief with its TLP marking, and the rule that withholds
the briefs marked above a limit.

The rule: a brief's marking is its own `tlp`, else the collection's default; a brief marked above `max_tlp`
(amber unless a more restricted label is asked for by name) is withheld, and counted, never dropped silently;
an unmarked brief (no marking, no default) is not withheld.
"""

from __future__ import annotations

import sqlite3

from brief.base.vocabulary import DEFAULT_MAX_TLP, TLP_RANK
from brief.query.filters import Filters, effective_tlp
from brief.query.language import SearchQuery
from brief.query.search import search_rows

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


def withheld(level: str | None, max_tlp: str = DEFAULT_MAX_TLP) -> bool:
    """Whether a brief with this marking stays in the collection when briefs up to `max_tlp` may leave it."""
    return level is not None and TLP_RANK[level] > TLP_RANK[max_tlp]


class Chosen:
    """One selected brief: its file, id, marking (None: unmarked) and validity as the index knows them, and its
    row there (see `stored_brief`)."""

    __slots__ = ("id", "path", "row", "tlp", "valid")

    def __init__(self, path: str, ident: str | None, tlp: str | None, valid: bool, row: int | None = None) -> None:
        self.path = path
        self.id = ident
        self.tlp = tlp
        self.valid = valid
        self.row = row


class Selection:
    """The briefs that may leave, in date order, and how many were withheld at each marking."""

    __slots__ = ("chosen", "withheld")

    def __init__(self, chosen: list[Chosen], withheld: dict[str, int]) -> None:
        self.chosen = chosen
        self.withheld = withheld


def select(
    db: sqlite3.Connection, filters: Filters, query: SearchQuery | None = None, max_tlp: str = DEFAULT_MAX_TLP
) -> Selection:
    """The briefs that the filters and the query select, by date (then path), less those withheld by `max_tlp`."""
    columns = f"b.path, b.id, {effective_tlp('b')}, b.valid, b.rowid"
    chosen: list[Chosen] = []
    held: dict[str, int] = {}
    for path, ident, stored, valid, row, *_ in search_rows(db, query or SearchQuery(), filters, columns):
        level: str | None = stored if stored in TLP_RANK else ("red" if stored is not None else None)
        if level is not None and withheld(level, max_tlp):
            held[level] = held.get(level, 0) + 1
        else:
            chosen.append(Chosen(path, ident, level, bool(valid), row))
    return Selection(chosen, dict(sorted(held.items(), key=lambda item: TLP_RANK[item[0]])))


def open_reader(index_path: str) -> sqlite3.Connection:
    """A read-only connection to an index, for a process that reads briefs' stored data (`stored_brief`)."""
    from pathlib import Path

    from brief.collection.stored import register

    db = sqlite3.connect(f"{Path(index_path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    register(db)  # brief_json: the stored copies are compressed
    return db


def stored_brief(db: sqlite3.Connection, row: int) -> tuple[str, str, bool, dict[str, Any] | None] | None:
    """What the index holds of one brief: (path, content hash, valid, the normalised data, body included). The
    data is the checker's for the content with that hash: a reader that finds its file still holds that content
    may use it rather than parse and check the file again."""
    import json

    found = db.execute("SELECT b.path, b.hash, b.valid, brief_json(d.data) FROM briefs b JOIN brief_data d ON "
                       "d.rowid = b.rowid WHERE b.rowid = ?", (row,)).fetchone()  # fmt: skip
    if found is None:
        return None
    return found[0], bytes(found[1]).hex(), bool(found[2]), None if found[3] is None else json.loads(found[3])
