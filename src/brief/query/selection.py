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


def withheld(level: str | None, max_tlp: str = DEFAULT_MAX_TLP) -> bool:
    """Whether a brief with this marking stays in the collection when briefs up to `max_tlp` may leave it."""
    return level is not None and TLP_RANK[level] > TLP_RANK[max_tlp]


class Chosen:
    """One selected brief: its file, id, marking (None: unmarked), validity and content hash, as the index
    knows them (a reader may trust the validity for a file whose content still has that hash)."""

    __slots__ = ("hash", "id", "path", "tlp", "valid")

    def __init__(self, path: str, ident: str | None, tlp: str | None, valid: bool, digest: str | None = None) -> None:
        self.path = path
        self.id = ident
        self.tlp = tlp
        self.valid = valid
        self.hash = digest


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
    columns = f"b.path, b.id, {effective_tlp('b')}, b.valid, b.hash"
    chosen: list[Chosen] = []
    held: dict[str, int] = {}
    for path, ident, stored, valid, digest, *_ in search_rows(db, query or SearchQuery(), filters, columns):
        level: str | None = stored if stored in TLP_RANK else ("red" if stored is not None else None)
        if level is not None and withheld(level, max_tlp):
            held[level] = held.get(level, 0) + 1
        else:
            chosen.append(Chosen(path, ident, level, bool(valid), digest))
    return Selection(chosen, dict(sorted(held.items(), key=lambda item: TLP_RANK[item[0]])))
