"""How many cores this process may use: its CPU affinity where the system tells it, else the machine's count.
A module of its own so that the freshness check can ask without importing the validation pool."""

from __future__ import annotations

import os


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1
