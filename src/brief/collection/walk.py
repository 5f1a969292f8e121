"""Finding brief files under the paths a user names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator

from brief.base.errors import ConfigError
from brief.format.loading import EXTENSIONS


def iter_files(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[str]:
    """Files named directly (any extension: the checker reports unsupported ones), and brief files found
    recursively in folders, skipping hidden files and folders, in a stable sorted order.

    Raises ConfigError for a path that does not exist (a typo in a CI script must not pass silently).
    """
    patterns = list(exclude)

    def excluded(path: str) -> bool:
        normalised = path[2:] if path.startswith("./") else path
        return any(
            fnmatch.fnmatch(normalised, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern)
            for pattern in patterns
        )

    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(os.path.join(root, d)))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.startswith(".") or os.path.splitext(name)[1].lower() not in EXTENSIONS:
                        continue
                    if not excluded(full):
                        yield full
        elif os.path.exists(path):
            if not excluded(path):
                yield path
        else:
            raise ConfigError(f"{path}: no such file or folder")
