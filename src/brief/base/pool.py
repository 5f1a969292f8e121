"""The process pool every parallel job uses (validation, index builds), how many cores it may use, and the
temporary files of processes that are gone."""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.pool import Pool
    from typing import Any

# below this many files, starting worker processes costs more than it saves
PARALLEL_THRESHOLD = 64


def available_cores() -> int:
    """The cores this process may use: its CPU affinity where the system tells it, else the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def remove_abandoned(path: str) -> None:
    """Delete the temporary files of `path` (`PATH.tmp-PID`, `PATH.tmp-PID-…`) whose writing process no longer
    exists: killed mid-build, or mid-write of a thread that a command's exit did not wait for."""
    folder, name = os.path.split(path)
    try:
        leftovers = [entry for entry in os.listdir(folder or ".") if entry.startswith(f"{name}.tmp-")]
    except OSError:
        return
    for leftover in leftovers:
        pid = leftover.rsplit(".tmp-", 1)[1].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, leftover))
        except PermissionError:  # alive, someone else's
            pass


def process_pool(jobs: int, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()) -> Pool:
    """A pool of `jobs` worker processes (forked where the system can: workers inherit the loaded modules)."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    return context.Pool(jobs, initializer=initializer, initargs=initargs)
