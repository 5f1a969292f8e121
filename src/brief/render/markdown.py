"""Markdown to readable terminal text, wrapped to a width: a CommonMark parse (markdown-it-py) walked block by block.

The text is untrusted. Control characters are neutralised on the way in and inline text again on the way out
(the parser decodes entities such as `&#x202e;`); raw HTML is off, so tags are shown as text. A hostile body stays
bounded in time, memory and recursion: past the budgets below, the rest is shown as written instead of parsed.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from brief.base.text import neutralise

if TYPE_CHECKING:  # markdown_it is imported when a body is rendered: `brief --help` must not pay for it
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

Style = Callable[[str], str]

BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "│ "
MIN_WIDTH = 20  # of the text inside quotes and list items, however deep
# markdown-it-py costs ~10 µs and ~0.4 KB a block token: a 4 MiB file of one-character blocks would take a
# minute and gigabytes. Real briefs have hundreds of tokens; past this many, the rest is one block as written.
BLOCK_BUDGET = 100_000
# Inline parsing costs up to ~20 µs for each character that may start markup ('[' and '![' the worst): a body
# gets this many (about a second; real briefs use hundreds), and a paragraph that would overspend is left as written.
INLINE_BUDGET = 50_000
_MARKUP = re.compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")  # where markdown-it's text rule stops to try the others
_BACKTICKS = re.compile(r"`+")


def parser() -> MarkdownIt:
    """CommonMark with pipe tables and strikethrough, raw HTML off, hostile input bounded.

    The one set-up for every renderer of a brief's body (terminal text here, HTML reports too).
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.block.ruler.before("table", "rest_as_written", _rest_as_written)
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    md.core.ruler.at("inline", _inline_within_budget)
    return md


def _rest_as_written(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The first block rule: past the token budget or nesting depth, the rest of the container is a code block.

    markdown-it itself drops what is nested past maxNesting; stopping two levels short (a list opens two)
    keeps it as written, and keeps the parser's recursion bounded.
    """
    if len(state.tokens) < BLOCK_BUDGET and state.level < state.md.options["maxNesting"] - 2:
        return False
    line = start  # to the container's end: a line indented less than a list item's text ends the item
    while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    while state.isEmpty(line - 1):  # but not its trailing blank lines (the start line is never blank)
        line -= 1
    token = state.push("code_block", "code", 0)
    token.content, token.map = state.getLines(start, line, state.blkIndent, True), [start, line]
    state.line = line
    return True


def _bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule on no more rows than the block budget has room for (3 tokens a cell, 2 a row)."""
    from markdown_it.rules_block import table

    cells = state.src.count("|", state.bMarks[start], state.eMarks[start]) + 1
    rows = (BLOCK_BUDGET - len(state.tokens)) // (3 * cells + 2)
    return rows >= 2 and table(state, start, min(end, start + rows), silent)


def _inline_within_budget(state: StateCore) -> None:
    """markdown-it's core 'inline' rule, within INLINE_BUDGET: a paragraph past it is one text, as written."""
    from markdown_it.token import Token

    budget = INLINE_BUDGET
    for token in state.tokens:
        if token.type == "inline":
            cost = len(_MARKUP.findall(token.content))
            if cost <= budget:
                budget -= cost
                token.children = state.md.inline.parse(token.content, state.md, state.env, [])
            else:
                token.children = [Token("text", "", 0, content=token.content)]


def render_markdown(text: str, width: int = 80, heading: Style | None = None) -> str:
    """Render Markdown as plain text for a terminal, wrapped to `width` columns; `heading` styles headings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends first: a CR is not shown as \x0d
    # tabs to 4-column stops, as CommonMark reads them; neutralised here, code is safe (it is never decoded)
    md = parser()
    tokens = md.parse(neutralise(text.expandtabs(4)))
    lines = _Renderer(heading or (lambda s: s), md.normalizeLinkText).blocks(tokens, max(width, MIN_WIDTH))
    return "\n".join(lines).strip("\n")


class _Renderer:
    def __init__(self, heading: Style, decode: Callable[[str], str]) -> None:
        self.heading = heading
        self.decode = decode  # the parser's percent-encoded link address back to a readable one

    def blocks(self, tokens: list[Token], width: int, depth: int = 0, tight: bool = False) -> list[str]:
        """Blocks one under the other, a blank line between them (none in a tight list item)."""
        out: list[str] = []
        for token, inner in _children(tokens):
            lines = self.block(token, inner, width, depth)
            if out and lines and not tight:
                out.append("")
            out += lines
        return out

    def block(self, token: Token, inner: list[Token], width: int, depth: int) -> list[str]:
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            rows = [row for line in self.inline(inner[0]) for row in wrap(line, width, "", "")]
            if kind == "paragraph_open":
                return rows
            underline = {"h1": "=", "h2": "-"}.get(token.tag, "~")
            return [self.heading(row) for row in rows] + [underline * min(max(map(len, rows)), width)]
        if kind == "blockquote_open":
            rows = self.blocks(inner, max(width - len(QUOTE_BAR), MIN_WIDTH), depth)
            return [(QUOTE_BAR + row).rstrip() for row in rows]
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.list_block(token, inner, width, depth)
        if kind in ("fence", "code_block"):  # as is, indented (the input was neutralised; code is never decoded)
            return [("    " + line).rstrip() for line in token.content.removesuffix("\n").split("\n")]
        if kind == "hr":
            return ["* * *"]
        if kind == "table_open":
            return self.table(inner)
        return wrap(neutralise(token.content), width, "", "")  # no other block is enabled: shown as written

    def list_block(self, token: Token, inner: list[Token], width: int, depth: int) -> list[str]:
        """Items under bullets (by depth) or numbers, wrapped with a hanging indent; loose lists spaced out."""
        number = int(token.attrs.get("start", 1))  # CommonMark counts on from the first number
        symbol = BULLETS[min(depth, len(BULLETS) - 1)]
        # markdown-it hides the paragraphs of a tight list (HTML without <p>): its items are not spaced
        tight = all(t.hidden for t in inner if t.type == "paragraph_open" and t.level == token.level + 2)
        out: list[str] = []
        for index, (_, content) in enumerate(_children(inner)):
            bullet = f"{number + index}." if token.type == "ordered_list_open" else symbol
            first, hanging = bullet + " ", " " * (len(bullet) + 1)
            rows = self.blocks(content, max(width - len(first), MIN_WIDTH), depth + 1, tight) or [""]
            if out and not tight:
                out.append("")
            out += [(first + rows[0]).rstrip()] + [(hanging + row).rstrip() for row in rows[1:]]
        return out

    def table(self, inner: list[Token]) -> list[str]:
        """A pipe table, re-aligned (cells rendered inline); no wrapping: tables keep their shape."""
        rows: list[list[str]] = []
        for token in inner:
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline":  # markdown-it gives every row the header's number of cells
                rows[-1].append(" ".join(self.inline(token)))
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        out = ["  ".join(cell.ljust(size) for cell, size in zip(row, widths, strict=True)).rstrip() for row in rows]
        out.insert(1, "  ".join("-" * size for size in widths))
        return out

    def inline(self, token: Token) -> list[str]:
        """An inline token's text, one string per line (lines end at hard breaks only)."""
        return neutralise(self.text(token.children or [])).split("\n")

    def text(self, children: list[Token]) -> str:
        """Emphasis and strikethrough markers dropped, links as 'text (url)', images as 'image: alt (url)'."""
        parts: list[str] = []
        links: list[tuple[int, Token]] = []  # each open link, with where its text starts in parts
        for child in children:
            kind = child.type
            if kind == "softbreak":
                parts.append(" ")
            elif kind == "hardbreak":
                parts.append("\n")
            elif kind == "link_open":
                links.append((len(parts), child))
            elif kind == "link_close":
                start, link = links.pop()
                label, url = "".join(parts[start:]), self.url(link.attrs.get("href", ""))
                if link.markup == "autolink":  # <address>: its text is the address, decoded by the parser
                    parts[start:] = [label if url == "mailto:" + label else url]
                else:
                    parts[start:] = [_link(label, url)]
            elif kind == "image":
                alt = self.text(child.children or []).replace("\n", " ")
                parts.append(_link(f"image: {alt}" if alt else "image", self.url(child.attrs.get("src", ""))))
            else:  # text, text_special (escapes, entities), code_inline; open/close markers have no content
                parts.append(child.content.replace("\n", " "))  # a decoded &#10; is not a line break
        return "".join(parts)

    def url(self, address: str | float) -> str:
        """An address as written ('Côte', not 'C%C3%B4te'), still encoded if decoding gives spaces or controls."""
        shown = self.decode(str(address))
        return shown if shown.isprintable() and " " not in shown else str(address)


def _children(tokens: list[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """The blocks at the top of a token stream: each opening (or self-contained) token with the tokens inside it."""
    index = 0
    while index < len(tokens):
        token, end = tokens[index], index + 1
        if token.nesting == 1:
            depth = 1
            while depth:
                depth += tokens[end].nesting
                end += 1
        yield token, tokens[index + 1 : end - 1]
        index = end


def _link(text: str, url: str) -> str:
    """'text (url)', or the url alone when the text only repeats it."""
    if not url or text in (url, url.removeprefix("mailto:")) or text == re.sub(r"^[a-z]+://", "", url):
        return url or text
    return f"{text} ({url})"


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    # long words (URLs) are never broken; a line with one may overflow the width instead
    wrapper = textwrap.TextWrapper(
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [first.rstrip()]


def code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, backtick count) of each code span in one line: a run of backticks closed by the next as long.

    For show.py's Markdown output, which escapes '<' outside code spans line by line. Linear, unlike a regex
    with a lazy `.+?` between backreferences, which is quadratic on unclosed runs.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    spans = []
    index = 0
    while index < len(runs):
        closer = following[index]
        if closer is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closer][1], runs[index][1] - runs[index][0]))
        index = closer + 1
    return spans
