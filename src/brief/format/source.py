"""What a brief file is: its kind by extension, and the text it was read from, kept to locate problems after
the fact (format/locate.py). Light on purpose: the freshness check reads EXTENSIONS on every command."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Literal

    Kind = Literal["yaml", "json", "markdown"]

# Brief files by extension (matched in any case) and the parser each takes.
EXTENSIONS: dict[str, Kind] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "markdown"}


class Source:
    """The decoded text a brief was parsed from."""

    __slots__ = ("body_line", "kind", "line_offset", "name", "text")

    def __init__(self, name: str, kind: Kind, text: str, line_offset: int = 0, body_line: int = 0) -> None:
        self.name = name
        self.kind = kind
        self.text = text  # the YAML or JSON part (front matter only, for Markdown)
        self.line_offset = line_offset  # lines in the file before `text` starts (the opening `---` of front matter)
        self.body_line = body_line  # 1-based line where a Markdown body starts
