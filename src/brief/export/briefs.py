"""The briefs an export writes: each selected file read through the checker (so the data is what `brief show
--format json` prints), given its marking, and left out when it is invalid (unless asked for) or, read now,
marked above the limit. `Exported` tallies everything left out, for the command to say.

Reading is most of an export's work: with many briefs it runs in worker processes, on every core, while this
process writes; the briefs still come out in order, and only a bounded window of them is in flight, so memory
stays flat however many are exported."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from brief.base.fields import tlp
from brief.base.pool import PARALLEL_THRESHOLD, available_cores, process_pool
from brief.format.normal import normalised
from brief.query.selection import Selection, withheld

if TYPE_CHECKING:
    from brief.format.checker import Checker

CHUNK = 32  # briefs per task sent to a worker
WINDOW = 16  # chunks in flight per worker, at most: the memory an export holds does not grow with its size

# what reading one file gives: its normalised data (None: unreadable), its validation errors, its marking
Read = tuple[dict[str, Any] | None, int, str | None]
# what to read: the file, the default marking, and the hash of its content when the index found that valid
Task = tuple[str, str | None, str | None]


def read_brief(task: Task) -> Read:
    """Read, check and normalise one brief (in a worker process, or in this one), with its marking (its own, else
    the default) in its `tlp` field: the marking travels with the data.

    Validity is a matter of content alone (for one schema: the index's): when the file's content still has the
    hash of a content the index found valid, it is not checked again, which spares a third of the work."""
    from brief.format.batch import worker_checker

    path, default, valid_hash = task
    checker = worker_checker()
    data = _known_valid(path, valid_hash, checker) if valid_hash else None
    errors = 0
    if data is None:
        data, result = checker.load_path(path)
        errors = len(result.diagnostics)
    if data is None:
        return None, errors, None
    marking = tlp(data.get("tlp"), default)
    if marking is not None and data.get("tlp") != marking:
        data["tlp"] = marking
    return normalised(data), errors, marking


def _known_valid(path: str, valid_hash: str, checker: Checker) -> dict[str, Any] | None:
    """The brief's data, loaded and normalised (country names to codes) as the checker does, when the file still
    holds the content the index checked and found valid; else None."""
    from brief.base.hashing import blake2b
    from brief.format import loading
    from brief.format.checker import country_names_to_codes

    kind = loading.kind_for(path)
    try:
        raw = loading.read_file(path)
        if kind is None or blake2b(raw, digest_size=16).hexdigest() != valid_hash:
            return None
        data: dict[str, Any] = loading.load_bytes(raw, path, kind).data
    except loading.LoadError:
        return None
    country_names_to_codes(data, checker.schema.country_codes)
    return data


def read_all(tasks: Iterable[Task], schema_path: str | None, jobs: int | None = None,
             count: int = 0) -> Iterator[Read]:  # fmt: skip
    """`read_brief` of each task, in order: in worker processes when there are `count` ≥ PARALLEL_THRESHOLD of
    them and more than one core, with at most WINDOW chunks per worker read ahead of what has been consumed."""
    from brief.format.batch import init_worker

    init_worker(schema_path)  # in this process first: an unusable schema fails once, here
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

    with process_pool(jobs, init_worker, (schema_path,)) as pool:
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
                 schema_path: str | None = None, jobs: int | None = None) -> None:  # fmt: skip
        self.selection = selection
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
        tasks = ((brief.path, self.default_tlp, brief.hash if brief.valid else None) for brief in chosen)
        reads = read_all(tasks, self.schema_path, self.jobs, len(chosen))
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
