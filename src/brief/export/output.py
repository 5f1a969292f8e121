"""Where an export goes: standard output, or a file that appears whole or not at all. The file is written to a
temporary file in the same folder and renamed over the target when complete (a rename within one file system is
atomic), so a reader never sees half an export and a failed or interrupted one leaves the old file in place."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Iterator
from typing import TextIO

BUFFER = 1 << 20  # large writes: an export is written in one pass, line by line


@contextlib.contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """A text stream to `path` (atomically, replacing it when the block completes) or to standard output."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    # terminated (kill, a CI timeout): end like an interrupt, so that the temporary file is removed below
    handling = _main_thread()  # (signal handlers belong to the main thread)
    previous = signal.signal(signal.SIGTERM, _terminated) if handling else None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="", buffering=BUFFER) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _keep_mode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    finally:
        if handling:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _terminated(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _keep_mode(path: str, temporary: str) -> None:
    """The new file gets the old one's permissions, or the usual ones (mkstemp makes it private to its owner)."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)
