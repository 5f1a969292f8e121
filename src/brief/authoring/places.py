"""Where new briefs go, and which ids are free: the collection's first folder, and ids that neither a brief of
the collection (asked of its index) nor a file where the new brief goes already has."""

from __future__ import annotations

import os
import sqlite3

from brief.authoring import ids
from brief.format.source import EXTENSIONS
from brief.query.actors import id_taken, sample_ids


def shown(path: str) -> str:
    """A path for messages: relative to the current folder when it is under it, and neutralised."""
    from brief.base.text import neutralise

    if os.path.isabs(path):
        relative = os.path.relpath(path)
        path = path if relative.startswith("..") else relative
    return neutralise(path)


def first_folder(paths: list[str]) -> str:
    """The collection's first folder (the folder of its first file, if it names files); one that does not exist
    yet is created when the first brief is written there."""
    for path in paths:
        if os.path.isdir(path) or not os.path.exists(path):
            return path
    return os.path.dirname(paths[0]) if paths else "."


class FreeIds:
    """Ids that no brief of the collection has and no brief file in `folder` is named after."""

    def __init__(self, db: sqlite3.Connection, folder: str | None = None) -> None:
        self.db = db
        self.folder = folder
        self.style = ids.style_of(sample_ids(db))

    def taken(self, brief_id: str) -> bool:
        if self.folder and any(os.path.lexists(os.path.join(self.folder, brief_id + ext)) for ext in EXTENSIONS):
            return True
        return id_taken(self.db, brief_id)
