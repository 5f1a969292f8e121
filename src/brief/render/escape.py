"""Escaping untrusted brief text for the formats brief writes, one escaper per format.

Markdown (`show`, `summary`, `compare`, `list` and `search` with `--format markdown`) goes through `md_escape`;
HTML cells through `html_escape`; JSON through `json_text`. Text for a terminal is neutralised instead
(brief.base.text.neutralise), which every escaper here expects to have been done already where it matters.
"""

from __future__ import annotations

import re

from brief.base.text import json_text as json_text  # JSON for a terminal; exports write it too

_MD_INLINE = re.compile(r"([\\`*_\[\]|~#])")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([+=-])|(\d+)([.)]))")
_SAFE_URL = re.compile(r"^(?:https?|ftp)://[^\s<>|`\\\"']+$", re.IGNORECASE)


def md_escape(text: str) -> str:
    """Brief text as literal Markdown on one line: no emphasis, links, code, table cells or HTML can come of it."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_INLINE.sub(r"\\\1", text)


def md_paragraph(text: str) -> str:
    """Escaped, and a leading '-', '+', '=' or '1.' cannot start a list (also after a list marker)."""

    def escape(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"  # 2021\. : the escape goes before the dot

    return _MD_BLOCK_START.sub(escape, md_escape(text), count=1)


def md_cell(text: str) -> str:
    """A table cell of one or more lines: each line escaped, line breaks written as <br>."""
    return "<br>".join(md_escape(line) for line in text.split("\n"))


def md_url(url: str) -> str:
    """An autolink for an ordinary web address; anything else (javascript:, spaces, …) stays inert text."""
    return f"<{url}>" if _SAFE_URL.match(url) else md_escape(url)


def md_table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GitHub pipe table; cells must already be escaped."""
    marks = {"left": "---", "center": ":-:", "right": "--:"}
    out = ["| " + " | ".join(headers) + " |"]
    out.append("|" + "|".join(marks[a] for a in (align or ["left"] * len(headers))) + "|")
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out


def html_escape(text: str) -> str:
    """Text for an HTML element, line breaks written as <br>."""
    import html

    return html.escape(text).replace("\n", "<br>")


def pipe_escape(text: str) -> str:
    """A cell of a tabulate style drawn with '|' (pipe, github) for a terminal: only the separator is escaped,
    so that the table keeps its columns and the text reads as written."""
    return text.replace("|", "\\|")
