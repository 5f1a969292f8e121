"""Checking many files: in parallel worker processes, streamed in order, with cross-file rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool
from brief.format.diagnostics import Diagnostic, FileResult

if TYPE_CHECKING:
    from brief.format.checker import Checker

CHUNK = 32

_worker_checker = None


def init_worker(schema_path: str | None) -> None:
    """Give this process (a pool worker, or the caller itself) its checker, compiled once."""
    global _worker_checker
    from brief.format.checker import Checker

    _worker_checker = Checker(schema_path)


def worker_checker() -> Checker:
    assert _worker_checker is not None, "init_worker() first"
    return _worker_checker


def _check_one(path: str) -> FileResult:
    return worker_checker().check_path(path)


def check_files(files: Iterable[str], schema_path: str | None = None, jobs: int | None = None) -> Iterator[FileResult]:
    """Results in input order. Memory stays flat: files stream through, only ids are remembered."""
    from brief.format.checker import Checker

    checker = Checker(schema_path)  # compile in the parent first: a bad schema fails once, cleanly
    files = list(files)
    jobs = jobs or available_cores()
    if jobs > 1 and len(files) >= PARALLEL_THRESHOLD:
        with process_pool(jobs, init_worker, (schema_path,)) as pool:
            yield from pool.imap(_check_one, files, chunksize=CHUNK)
    else:
        for path in files:
            yield checker.check_path(path)


class BriefIds:
    """Cross-file rule: brief ids are unique across all files checked together (both files are named)."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def check(self, result: FileResult) -> None:
        if result.brief_id is None:
            return
        first = self._first.setdefault(result.brief_id, result.file)
        if first != result.file:
            line, column = _id_position(result.file)
            there = _id_position(first)
            result.diagnostics.append(
                Diagnostic(
                    result.file,
                    line,
                    column,
                    "$.id",
                    "duplicate-brief-id",
                    f"brief id '{result.brief_id}' is also used by {first}:{there[0]}:{there[1]}",
                )
            )


def _id_position(path: str) -> tuple[int, int]:
    """Where a file declares its id: re-read on demand (rare), so valid files never pay for positions."""
    from brief.format import loading
    from brief.format.locate import Locator

    try:
        kind = loading.kind_for(path) or "yaml"
        loaded = loading.load_bytes(loading.read_file(path), path, kind)
    except loading.LoadError:
        return 1, 1
    line, column, _ = Locator(loaded.source).locate(["id"])
    return line, column
