"""`brief validate` as a function: which files to check (the named paths, else the collection's), checked in
order on every core, with the rules that span files. Yields results; never prints."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from brief.collection.config import collection
from brief.collection.walk import iter_files
from brief.format.batch import BriefIds, check_files
from brief.format.checker import Checker
from brief.format.diagnostics import FileResult

STDIN = "-"


def validate_paths(
    paths: Sequence[str], schema_path: str | None = None, exclude: Sequence[str] = (), jobs: int | None = None,
    stdin: BinaryIO | None = None, stdin_name: str | None = None,
) -> Iterator[FileResult]:  # fmt: skip
    """Check `paths` (files, folders, or "-" for `stdin`); without paths, the configured collection. The
    configuration's schema and exclusions apply unless `schema_path` is given. Raises ConfigError for a path
    that does not exist or an unusable schema, before any result."""
    configured = collection(tuple(p for p in paths if p != STDIN))
    schema_path = schema_path or configured.schema
    exclude = (*exclude, *configured.exclude)
    checker = Checker(schema_path)
    targets = list(paths) or [_shown(path) for path in configured.paths]
    files = list(iter_files([p for p in targets if p != STDIN], exclude))
    ids = BriefIds()
    if STDIN in targets and stdin is not None:
        result = checker.check_stream(stdin, stdin_name)
        ids.check(result)
        yield result
    for result in check_files(files, schema_path, jobs):
        ids.check(result)
        yield result


def _shown(path: str) -> str:
    """A configured (absolute) path as it reads best: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
