"""Resolving what a user names (a file path, a brief id or a unique id prefix) to one loaded brief."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from brief.base.errors import BriefError
from brief.base.text import closest
from brief.format.diagnostics import FileResult


class RefError(BriefError):
    """REF names no brief, or several: carries the candidates for a "did you mean" (exit code 2 in the CLI)."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []


@dataclass
class ResolvedBrief:
    path: str
    data: dict[str, Any] | None  # the normalised brief; None when the file could not be read at all
    result: FileResult  # its validation result: invalid briefs can still be shown, with their errors


def _lookup(db: Any, ref: str) -> list[tuple[str, str]]:
    """(id, path) of the briefs whose id is REF, else of those whose id starts with it."""
    exact: list[tuple[str, str]] = db.execute("SELECT id, path FROM briefs WHERE id = ?", (ref,)).fetchall()
    if exact:
        return exact
    escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    prefixed: list[tuple[str, str]] = db.execute(
        "SELECT id, path FROM briefs WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 20", (escaped + "%",)
    ).fetchall()
    return prefixed


def resolve_path(ref: str, paths: tuple[str, ...] = ()) -> str:
    """The file REF names: a path as given, or the brief with that id (or unique id prefix) in the collection.

    The index is consulted as it is first (fast: no freshness walk); only when what it says no longer holds
    (file gone, id changed, nothing found) is it refreshed and asked again.
    """
    if os.path.isfile(ref):
        return ref
    from brief.collection.config import collection
    from brief.collection.index import open_index
    from brief.format.loading import kind_for

    index = open_index(collection(paths), refresh=False)
    try:
        for attempt in (0, 1):
            if attempt:
                index.refresh()
            matches = _lookup(index.connection(), ref)
            if len(matches) == 1 and os.path.isfile(matches[0][1]) and _declares_id(matches[0][1], matches[0][0]):
                return matches[0][1]
            if len(matches) > 1 and attempt:
                ids = [ident for ident, _ in matches]
                raise RefError(f"'{ref}' matches {len(ids)} briefs; give more of the id", ids)
        known = [ident for (ident,) in index.connection().execute("SELECT id FROM briefs WHERE id IS NOT NULL")]
        close = closest(ref, known, n=3)
        what = "file" if kind_for(ref) or os.sep in ref else "brief file or id"
        raise RefError(f"no {what} '{ref}'", close)
    finally:
        index.close()


def _declares_id(path: str, ident: str) -> bool:
    """Cheap check that the file still carries the id the index remembers (it may have been edited)."""
    try:
        with open(path, "rb") as handle:
            return ident.encode() in handle.read(1 << 20)
    except OSError:
        return False


def load_ref(ref: str, schema_path: str | None = None, paths: tuple[str, ...] = ()) -> ResolvedBrief:
    """Load the brief REF names, with its validation result."""
    from brief.format.checker import Checker

    path = resolve_path(ref, paths)
    data, result = Checker(schema_path).load_path(path)
    return ResolvedBrief(path, data, result)
