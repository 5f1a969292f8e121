"""The briefs an export writes: each selected brief as the checker reads it (the data `brief show --format json`
prints), given its marking, and left out when it is invalid (unless asked for) or, read now, marked above the
limit. `Exported` tallies everything left out, for the command to say.

Reading is most of an export's work. The index already holds what the checker made of each file's content (the
normalised data, validity, and the hash of the content): a file whose content still has that hash is not parsed
and checked again, its data is taken from the index; any other (changed since, or invalid) is read through the
checker. With many briefs this runs in worker processes, on every core, while this process writes; the briefs
still come out in order, and only a bounded window of them is in flight, so memory stays flat however many are
exported."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from brief.base.fields import tlp
from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool
from brief.format.normal import normalised
from brief.query.selection import Selection, withheld

if TYPE_CHECKING:
    import sqlite3

CHUNK = 32  # briefs per task sent to a worker
WINDOW = 16  # chunks in flight per worker, at most: the memory an export holds does not grow with its size

# what reading one brief gives: its normalised data (None: unreadable), its validation errors, its marking
Read = tuple[dict[str, Any] | None, int, str | None]
# what to read: the file, the default marking, and its row in the index when the index found it valid
Task = tuple[str, str | None, int | None]

_index_path: str | None = None  # this process's index (see init_reader), opened when first needed
_index: sqlite3.Connection | None = None


def init_reader(schema_path: str | None, index_path: str | None) -> None:
    """Give this process (a pool worker, or the exporting one) its checker and the index to read data from."""
    global _index_path, _index
    from brief.format.batch import init_worker

    init_worker(schema_path)
    _index_path, _index = index_path, None


def _init_worker_process(schema_path: str | None, index_path: str | None) -> None:
    """A pool worker: the default action on SIGTERM (the pool ends its workers with it; the exporting process's own
    handler, inherited by the fork, would keep them alive), then `init_reader`."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    init_reader(schema_path, index_path)


def read_brief(task: Task) -> Read:
    """Read one brief (in a worker process, or in this one), normalised, with its marking (its own, else the
    default) in its `tlp` field: the marking travels with the data."""
    from brief.format import loading
    from brief.format.batch import worker_checker

    path, default, row = task
    try:
        raw: bytes | None = loading.read_file(path)
    except loading.LoadError:
        raw = None  # the checker says why, below
    data = _indexed(path, raw, row) if raw is not None and row is not None else None
    errors = 0
    if data is None:
        kind = loading.kind_for(path)
        if raw is None or kind is None:
            data, result = worker_checker().load_path(path)
        else:
            data, result = worker_checker().load_bytes(raw, path, kind)
        errors = len(result.diagnostics)
    if data is None:
        return None, errors, None
    marking = tlp(data.get("tlp"), default)
    if marking is not None and data.get("tlp") != marking:
        data["tlp"] = marking
    return normalised(data), errors, marking


def _indexed(path: str, raw: bytes, row: int) -> dict[str, Any] | None:
    """The data the index holds for this file, when it is a valid brief's and the file still has the content it
    was made from (the same hash); else None, and the file is read through the checker."""
    global _index
    from brief.base.hashing import blake2b
    from brief.query.selection import open_reader, stored_brief

    if _index_path is None:
        return None
    if _index is None:
        _index = open_reader(_index_path)
    stored = stored_brief(_index, row)
    if stored is None:
        return None
    stored_path, digest, valid, data = stored
    if stored_path != path or not valid or data is None or blake2b(raw, digest_size=16).hexdigest() != digest:
        return None
    return data


def read_all(tasks: Iterable[Task], schema_path: str | None, index_path: str | None = None,
             jobs: int | None = None, count: int = 0) -> Iterator[Read]:  # fmt: skip
    """`read_brief` of each task, in order: in worker processes when there are `count` ≥ PARALLEL_THRESHOLD of
    them and more than one core, with at most WINDOW chunks per worker read ahead of what has been consumed."""
    init_reader(schema_path, index_path)  # in this process first: an unusable schema fails once, here
    jobs = jobs or available_cores()
    tasks = iter(tasks)
    if jobs < 2 or count < PARALLEL_THRESHOLD:
        yield from map(read_brief, tasks)
        return
    room = threading.Semaphore(WINDOW * CHUNK * jobs)
    stopped = threading.Event()

    def admitted() -> Iterator[Task]:
        for task in tasks:  # pulled by the pool's feeder thread: it waits here while the window is full
            room.acquire()
            if stopped.is_set():
                return
            yield task

    with process_pool(jobs, _init_worker_process, (schema_path, index_path)) as pool:
        try:
            for read in pool.imap(read_brief, admitted(), chunksize=CHUNK):
                room.release()
                yield read
        finally:  # done, or stopped early (an error, a closed pipe): let the feeder go, or the pool cannot close
            stopped.set()
            room.release()


class Exported:
    """What an export wrote and what it left out. `briefs()` yields the briefs to write, in order."""

    def __init__(self, selection: Selection, default_tlp: str | None, max_tlp: str, include_invalid: bool,
                 schema_path: str | None = None, index_path: str | None = None,
                 jobs: int | None = None) -> None:  # fmt: skip
        self.selection = selection
        self.index_path = index_path
        self.default_tlp = default_tlp
        self.max_tlp = max_tlp
        self.include_invalid = include_invalid
        self.schema_path = schema_path
        self.jobs = jobs
        self.written = 0
        self.unmarked = 0
        self.withheld: dict[str, int] = dict(selection.withheld)  # marking -> briefs withheld
        self.invalid: list[str] = []  # paths of invalid briefs: skipped, or written with include_invalid
        self.unreadable: list[str] = []  # paths of files that could not be read at all: never written

    def briefs(self) -> Iterator[dict[str, Any]]:
        """Each brief to write, normalised, with its marking in `tlp` (its own, else the default)."""
        chosen = self.selection.chosen
        tasks = ((brief.path, self.default_tlp, brief.row if brief.valid else None) for brief in chosen)
        reads = read_all(tasks, self.schema_path, self.index_path, self.jobs, len(chosen))
        for brief, (data, errors, marking) in zip(chosen, reads, strict=True):
            if data is None:
                self.unreadable.append(brief.path)
                continue
            if marking is not None and withheld(marking, self.max_tlp):  # changed since the index was refreshed
                self.withheld[marking] = self.withheld.get(marking, 0) + 1
                continue
            if errors:
                self.invalid.append(brief.path)
                if not self.include_invalid:
                    continue
            if marking is None:
                self.unmarked += 1
            self.written += 1
            yield data

    @property
    def withheld_count(self) -> int:
        return sum(self.withheld.values())
