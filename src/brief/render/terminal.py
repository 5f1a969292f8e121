"""Shared helpers for writing to the terminal safely: whether to colour, how wide, and the styles."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import TextIO


_choice = "auto"  # what --color said (cli/colour.py): one command runs per process, and every renderer asks here


def choose_colour(choice: str) -> None:
    """--color: `always` and `never` win over everything; `auto` leaves it to the environment and the stream."""
    global _choice
    _choice = choice


def use_colour(stream: TextIO | None = None) -> bool:
    """Whether to colour what goes to `stream`: as --color says, else off with NO_COLOR (https://no-color.org),
    on with FORCE_COLOR, else on a terminal that is not dumb."""
    if _choice != "auto":
        return _choice == "always"
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def terminal_width(stream: TextIO) -> int | None:
    """The width to lay text out for: COLUMNS when it is a positive number, else the width of the terminal
    `stream` writes to, else None (piped, or a terminal that reports no width: the caller's default applies).

    As shutil.get_terminal_size reads it, without importing shutil (which loads the compression modules) on the
    hot path of list and search, and asking the stream written to rather than sys.__stdout__."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None


class Style:
    """ANSI styles when colour is wanted; identity otherwise. Apply them to text already neutralised and laid
    out (wrapped, cut), never to raw brief text."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _sgr(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._sgr(text, "1")

    def dim(self, text: str) -> str:
        return self._sgr(text, "2")

    def stance(self, cell: str) -> str:
        """A grid cell of stance symbols: green when it only supports, red when it only opposes."""
        if "+" in cell and "-" not in cell:
            return self._sgr(cell, "32")
        if "-" in cell and "+" not in cell:
            return self._sgr(cell, "31")
        return cell

    def marking(self, label: str, level: str) -> str:
        """A TLP banner in its colour (FIRST's TLP 2.0: red, amber, green; clear is white), bold."""
        colour = {"red": "31", "amber": "33", "amber+strict": "33", "green": "32"}.get(level, "37")
        return self._sgr(label, f"1;{colour}")
