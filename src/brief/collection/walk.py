"""The brief files under the paths a user names, for `brief validate`: the freshness check's walk (one walker
for the whole tool), in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from brief.base.errors import ConfigError
from brief.collection.freshness import excluded, scan


def iter_files(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[str]:
    """Files named directly (any extension: the checker reports unsupported ones), and brief files found
    recursively in folders, skipping hidden files and folders, in a stable sorted order: a folder's own files,
    then its subfolders', depth first, as `find` and `os.walk` list them.

    Raises ConfigError for a path that does not exist (a typo in a CI script must not pass silently).
    """
    patterns = list(exclude)
    for path in paths:
        if os.path.isdir(path):
            yield from sorted(scan([path], patterns).files, key=_walk_order)
        elif os.path.exists(path):
            if not excluded(path, os.path.basename(path), patterns):
                yield path
        else:
            raise ConfigError(f"{path}: no such file or folder")


def _walk_order(path: str) -> tuple[list[str], str]:
    folder, name = os.path.split(path)
    return folder.split(os.sep), name
