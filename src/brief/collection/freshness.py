"""The freshness check: every brief file of a collection with its size and modification time, and a digest of
the whole listing, for one `stat` per file and nothing read.

Every reading command pays for this before it answers, so it is the hot loop of the tool: a folder is listed
and its files stat-ed by the C module `brief.collection._scan` when it is built (bare system calls, the GIL
released, the records formatted as bytes only if they are asked for), else by `_stat_folder_python`, which
returns the very same bytes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from functools import cached_property

from brief.format.source import EXTENSIONS

_SUFFIXES = tuple(extension.encode() for extension in EXTENSIONS)

# (folders, records, newest mtime_ns, number of records, 16-byte digest of the records, the folder's listing as
# the listing cache keeps it or None); bytes(records) is name NUL size NUL mtime_ns NUL per file (the C module
# formats them only then: a scan that finds nothing changed never needs them)
Listing = tuple[list[bytes], "SupportsBytes", int, int, bytes, "bytes | memoryview | None"]
# (folder, suffixes, its kept listing or None, the time before which a folder has settled (ns))
StatFolder = Callable[[str, tuple[bytes, ...], "bytes | memoryview | None", int], Listing]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Protocol, SupportsBytes

    class Walker(Protocol):
        """brief.collection._scan.Walker: sub-folders listed by helper threads ahead of the walk."""

        # the id of the first path's listing (the others follow); their kept listings, as for stat_folder
        def submit(self, paths: list[str], kept: list[bytes | memoryview | None], settled: int) -> int: ...
        def take(self, job: int) -> Listing: ...  # raises the OSError of stat_folder
        def close(self) -> None: ...


class Scan:
    """A collection's listing. `parts` holds, per folder in walk order, the folder's path prefix, its records
    (name NUL size NUL mtime_ns NUL per brief file), their number and their digest; files named directly have
    the prefix ""."""

    def __init__(self, parts: list[tuple[str, SupportsBytes, int, bytes]], newest_ns: int, implementation: str) -> None:
        from brief.base.hashing import blake2b

        self.parts = parts
        self.newest_ns = newest_ns  # the most recent modification time seen
        digest = blake2b(implementation.encode(), digest_size=16)
        for prefix, _, count, folder_digest in parts:
            digest.update(os.fsencode(prefix) + b"\0" + folder_digest + count.to_bytes(8, "little"))
        # equal digests: the same files with the same sizes and times, listed in the same order (each
        # implementation digests in its own way: a change of implementation reads as a change, once)
        self.digest = digest.hexdigest()
        self.count = sum(count for _, _, count, _ in parts)

    @cached_property
    def files(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns), in listing order; built only when something changed."""
        found: dict[str, tuple[int, int]] = {}
        for prefix, records, _, _ in self.parts:
            fields = os.fsdecode(bytes(records)).split("\0")
            for i in range(0, len(fields) - 1, 3):
                found[prefix + fields[i]] = (int(fields[i + 1]), int(fields[i + 2]))
        return found


def scan(paths: Iterable[str], exclude: Iterable[str] = (), stat_folder: StatFolder | None = None,
         cache: str | None = None) -> Scan:  # fmt: skip
    """One stat per brief file under `paths` (files named directly are taken whatever their extension).
    As in `brief validate`, hidden files and folders are skipped and links to folders are not followed (links
    to files are); `exclude` holds fnmatch patterns matched against a path and against a name. `cache` names
    the listing cache's file (see _scan.c, "The listing cache"): folders unchanged since they were kept there
    are not listed again, only their files stat-ed; the result is the same."""
    import time

    stat_folder = stat_folder or native_stat_folder() or _stat_folder_python
    implementation = "python" if stat_folder is _stat_folder_python else "native"
    walker = _native_walker(stat_folder) if implementation == "native" else None
    patterns = list(exclude)
    cache = cache if implementation == "native" else None  # the Python scanner keeps no listing
    listings = read_listings(cache) if cache else {}
    keep: dict[str, bytes | memoryview] = {}  # what the cache keeps after this scan
    settled = time.time_ns() - RACY_NS

    def skip(path: str, name: str) -> bool:
        return excluded(path, name, patterns)

    parts: list[tuple[str, SupportsBytes, int, bytes]] = []
    newest = 0
    named: list[str] = []
    # (folder, id): the id of its listing in `walker`, whose helper threads list the sub-folders ahead of the
    # walk, or -1 for a folder listed when the walk gets there; either way in this order, after these checks
    stack: list[tuple[str, int]] = []
    for path in paths:
        if os.path.isdir(path):
            stack.append((path, -1))
        elif os.path.isfile(path):
            st = os.stat(path)
            named.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0")
            newest = max(newest, st.st_mtime_ns)
    if named:
        listed = os.fsencode("".join(named))
        parts.append(("", listed, *_summary(listed)))
    seen: set[tuple[int, int]] = set()  # a folder mounted inside itself must not make the walk endless
    try:
        while stack:
            folder, job = stack.pop()
            try:
                st = os.stat(folder)
                if (st.st_dev, st.st_ino) in seen:
                    continue
                seen.add((st.st_dev, st.st_ino))
                if walker and job >= 0:
                    listing = walker.take(job)
                else:
                    listing = stat_folder(folder, _SUFFIXES, listings.get(folder), settled)
            except OSError:
                continue  # unreadable or vanished: as if empty
            folders, records, folder_newest, count, digest, names = listing
            if names is not None:
                keep[folder] = names
            prefix = os.path.join(folder, "")
            if patterns:
                kept = _filter(prefix, bytes(records), skip)
                records, (count, digest) = kept, _summary(kept)
            parts.append((prefix, records, count, digest))
            newest = max(newest, folder_newest)
            below = [
                prefix + name for name in map(os.fsdecode, folders) if not (patterns and skip(prefix + name, name))
            ]
            first = walker.submit(below, [listings.get(path) for path in below], settled) if walker and below else -1
            stack.extend((path, first + i if first >= 0 else -1) for i, path in enumerate(below))
    finally:
        if walker:
            walker.close()
    if cache and (keep.keys() != listings.keys() or any(keep[folder] is not listings[folder] for folder in keep)):
        write_listings(cache, keep)
    return Scan(parts, newest, implementation)


# The listing cache's file: _LISTINGS_MAGIC, the length of a header in marshal's format (built in: no import)
# that holds the format, the suffixes the listings were made for and where each folder's listing lies in the
# file, then the listings. The file is mapped, not read: the listings (4 MB at 100,000 briefs) reach the scanner
# without a copy into fresh memory. Anything else found there is ignored.
_LISTINGS_MAGIC = b"brief-ls"
_LISTINGS_FORMAT = 2


def read_listings(path: str) -> dict[str, bytes | memoryview]:
    """The folders' kept listings in the cache file `path`; none when it is missing, damaged or of another
    format (the scan then lists every folder, as without a cache)."""
    import marshal
    import mmap

    try:  # not blocking on a FIFO put there, which cannot be mapped either
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return {}
    try:
        mapped = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # unreadable, not a file, or empty (which cannot be mapped)
        return {}
    finally:
        os.close(descriptor)
    view = memoryview(mapped)
    size = int.from_bytes(view[8:16], "little") if len(view) >= 16 and view[:8] == _LISTINGS_MAGIC else -1
    try:
        header = marshal.loads(view[16 : 16 + size]) if 0 < size <= len(view) - 16 else None
    except (EOFError, ValueError, TypeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != _LISTINGS_FORMAT:
        return {}
    places = header.get("folders")
    if header.get("suffixes") != _SUFFIXES or not isinstance(places, dict):
        return {}
    return {
        folder: view[place[0] : place[0] + place[1]]
        for folder, place in places.items()
        if isinstance(folder, str) and isinstance(place, tuple) and len(place) == 2
        and all(type(n) is int for n in place) and 16 + size <= place[0] and place[1] > 0
        and place[0] + place[1] <= len(view)
    }  # fmt: skip


def write_listings(path: str, folders: dict[str, bytes | memoryview]) -> None:
    """Replace the cache file `path` (atomically); a cache that cannot be written is no error: the next scan
    lists the folders again."""
    import marshal

    places: dict[str, tuple[int, int]] = {}
    at = 0
    for folder, listing in folders.items():
        places[folder] = (at, len(listing))
        at += len(listing)
    # the header holds the listings' places, which follow it: its length fixed first, with offsets from 0
    size = len(marshal.dumps({"format": _LISTINGS_FORMAT, "suffixes": _SUFFIXES, "folders": places}))
    start = 16 + size
    places = {folder: (start + offset, length) for folder, (offset, length) in places.items()}
    header = marshal.dumps({"format": _LISTINGS_FORMAT, "suffixes": _SUFFIXES, "folders": places})
    if len(header) > size:  # offsets past 2 GiB take more bytes: no cache rather than a wrong one
        return
    header = header.ljust(size, b"\0")  # marshal ignores what follows its value
    from brief.base.pool import remove_abandoned

    remove_abandoned(path)
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        with open(temporary, "wb") as handle:
            handle.write(_LISTINGS_MAGIC + len(header).to_bytes(8, "little") + header)
            for listing in folders.values():
                handle.write(listing)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def excluded(path: str, name: str, patterns: list[str]) -> bool:
    """Whether an `exclude` pattern (fnmatch) matches the path (without a leading ./) or the name."""
    import fnmatch

    path = path[2:] if path.startswith("./") else path
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in patterns)


class BackgroundScan:
    """`scan` in a thread, started as soon as the collection is known: its system calls run outside the GIL
    while the command imports what it needs and queries the index."""

    def __init__(self, paths: Iterable[str], exclude: Iterable[str] = (), cache: str | None = None) -> None:
        import threading

        self._found: list[Scan] = []
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(list(paths), list(exclude), cache), name="brief-freshness", daemon=True
        )
        self._thread.start()

    def _run(self, paths: list[str], exclude: list[str], cache: str | None) -> None:
        try:
            self._found.append(scan(paths, exclude, cache=cache))
        except BaseException as exc:  # handed to the thread that asks for the result
            self._failed.append(exc)

    def result(self) -> Scan:
        self._thread.join()
        if self._failed:
            raise self._failed[0]
        return self._found[0]


def native_stat_folder() -> StatFolder | None:
    """The C implementation, unless it is not built or BRIEF_NO_EXTENSION is set."""
    if os.environ.get("BRIEF_NO_EXTENSION"):
        return None
    try:
        from brief.collection._scan import stat_folder  # type: ignore[import-not-found]
    except ImportError:
        return None
    return stat_folder  # type: ignore[no-any-return]


def _native_walker(stat_folder: StatFolder) -> Walker | None:
    """A walker of the C module, whose threads list sub-folders ahead of the walk, if `stat_folder` is its
    one-folder listing."""
    try:
        from brief.collection._scan import Walker as NativeWalker  # type: ignore[import-not-found]
        from brief.collection._scan import stat_folder as native  # type: ignore[import-not-found]
    except ImportError:
        return None
    return NativeWalker(_SUFFIXES) if stat_folder is native else None  # type: ignore[no-any-return]


def _stat_folder_python(folder: str, suffixes: tuple[bytes, ...], kept: bytes | memoryview | None = None,
                        settled: int = 0) -> Listing:  # fmt: skip
    """brief.collection._scan.stat_folder in Python: the same folders, records, newest time and count; its digest
    is BLAKE2b's. It keeps no listing (the cache is the C module's: listing is not what costs here)."""
    folders: list[bytes] = []
    records: list[str] = []
    newest = 0
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        # listing through a directory descriptor: each stat resolves one name, not the whole path
        with os.scandir(descriptor) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):  # links to folders are not followed, as os.walk
                        folders.append(os.fsencode(name))
                        continue
                    if not os.fsencode(name).lower().endswith(suffixes) or not entry.is_file():
                        continue
                    st = entry.stat()
                except OSError:
                    continue  # vanished meanwhile, or a broken link
                records.append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0")
                newest = max(newest, st.st_mtime_ns)
    finally:
        os.close(descriptor)
    blob = os.fsencode("".join(records))
    return folders, blob, newest, *_summary(blob), None


def _summary(records: bytes) -> tuple[int, bytes]:
    """The number of records and their (BLAKE2b) digest."""
    from brief.base.hashing import blake2b

    return records.count(b"\0") // 3, blake2b(records, digest_size=16).digest()


def _filter(prefix: str, records: bytes, skip: Callable[[str, str], bool]) -> bytes:
    fields = os.fsdecode(records).split("\0")
    kept = [
        f"{fields[i]}\0{fields[i + 1]}\0{fields[i + 2]}\0"
        for i in range(0, len(fields) - 1, 3)
        if not skip(prefix + fields[i], fields[i])
    ]
    return os.fsencode("".join(kept))


# --- what a refresh must do -----------------------------------------------------------------------------------------

RACY_NS = 2_000_000_000  # coarser than any file system's timestamp granularity

# (path, size, mtime_ns, content hash the index holds or None for a new file): a file to read again
Task = tuple[str, int, int, bytes | None]


class RefreshStats:
    """What a refresh did."""

    __slots__ = ("added", "rebuilt", "removed", "unchanged", "updated")

    def __init__(self, added: int = 0, updated: int = 0, removed: int = 0, unchanged: int = 0,
                 rebuilt: bool = False) -> None:  # fmt: skip
        self.added = added
        self.updated = updated
        self.removed = removed
        self.unchanged = unchanged
        self.rebuilt = rebuilt

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)


def stamp(found: Scan, started_ns: int) -> dict[str, str]:
    """What the next refresh compares with, kept in the index's meta table. The listing digest is kept only when
    no file is so recent that a further change could leave its mtime as it is (the "racy" case git also
    guards against)."""
    safe = found.newest_ns < started_ns - RACY_NS
    return {"files": found.digest if safe else "", "refreshed": str(started_ns), "count": str(found.count)}


def changes(
    found: Scan, meta: dict[str, str], known: dict[str, tuple[int, int, bytes]]
) -> tuple[list[Task], list[str], RefreshStats]:
    """The files to read again and the paths to drop, given the last stamp (`meta`) and what the index holds
    (path -> size, mtime_ns, hash), for a listing that differs from the stamped one."""
    # A file changed within a timestamp tick of the last refresh may show the same mtime: re-read those.
    racy_after = int(meta.get("refreshed", "0")) - RACY_NS
    stats = RefreshStats()
    tasks: list[Task] = []
    for path, (size, mtime) in found.files.items():
        previous = known.get(path)
        if previous is None:
            tasks.append((path, size, mtime, None))
            stats.added += 1
        elif previous[0] != size or previous[1] != mtime or mtime >= racy_after:
            tasks.append((path, size, mtime, previous[2]))
            stats.updated += 1
        else:
            stats.unchanged += 1
    removed = [path for path in known if path not in found.files]
    stats.removed = len(removed)
    return sorted(tasks), removed, stats
