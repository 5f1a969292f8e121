"""Whether the sync's C module (brief.remote._binary) is in use: apart from binary.py, so that `brief --version`
can ask without importing the PostgreSQL dialect (and sqlite3 with it)."""

from __future__ import annotations

import os
from typing import Any


def native(name: str) -> Any:
    """A function of the C module, None when it is not built or BRIEF_NO_EXTENSION is set."""
    if os.environ.get("BRIEF_NO_EXTENSION"):
        return None
    try:
        from brief.remote import _binary  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return getattr(_binary, name)


def native_built() -> bool:
    """Whether the C module is in use (for `brief --version`)."""
    return native("build") is not None
