"""The text a brief was read from, kept to locate problems after the fact (format/locate.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["yaml", "json", "markdown"]


@dataclass(slots=True, repr=False, eq=False)
class Source:
    """The decoded text a brief was parsed from, kept to locate problems after the fact."""

    name: str
    kind: Kind
    text: str  # the YAML or JSON part (front matter only, for Markdown)
    line_offset: int = 0  # lines in the file before `text` starts (the opening `---` of front matter)
    body_line: int = 0  # 1-based line where a Markdown body starts
