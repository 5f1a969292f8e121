"""What a brief file may be before it is read as one (size, nesting, nodes after aliases), and the error for a
file that cannot be read as a brief at all: shared by the YAML and JSON readers."""

from __future__ import annotations

MAX_BYTES = 4 * 1024 * 1024  # briefs are a few KB; anything this large is not a brief
MAX_DEPTH = 64  # the format nests 5 levels deep; generous, and far below any recursion limit
MAX_NODES = 200_000  # cap on nodes after alias expansion: defuses "billion laughs"


class LoadError(Exception):
    """A file that cannot be read as a brief at all. `line`/`column` are 1-based, 0 when unknown."""

    def __init__(self, rule: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
