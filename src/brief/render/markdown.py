"""Markdown to readable terminal text: a small line-based renderer, wrapped to a width.

It covers what briefs' bodies use (headings, paragraphs, lists, quotes, code, pipe tables, links, emphasis)
rather than all of CommonMark, so that `brief show` needs no Markdown library. The text is untrusted: control
characters are neutralised on the way out, whatever the Markdown said (entities like `&#27;` included).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from brief.base.text import neutralise

Style = Callable[[str], str]

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$")

# Inline syntax. Placeholders use control characters, which cannot occur in the (neutralised) input.
# Bodies are untrusted and may be megabytes long: every pattern stops at the next delimiter of its kind
# (no `.+?` spanning a whole paragraph), so a line of ten thousand unmatched '*' or '[' costs linear time.
_BACKTICKS = re.compile(r"`+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PLACEHOLDER = re.compile("\x02(\\d+)\x03")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)|(?:[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+))>")
_URL = r"<?([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?"
_TITLE = r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?"
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\(\s*" + _URL + _TITLE + r"\s*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*" + _URL + _TITLE + r"\s*\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\](?:\[([^\[\]]*)\])?")
_STRONG_STAR = re.compile(r"\*\*(?=[^\s*])((?:[^*]|\*(?!\*))+?)(?<=[^\s*])\*\*")
_STRONG_UNDERSCORE = re.compile(r"(?<!\w)__(?=[^\s_])((?:[^_]|_(?!_))+?)(?<=[^\s_])__(?!\w)")
_EM_STAR = re.compile(r"\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*")
_EM_UNDERSCORE = re.compile(r"(?<!\w)_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?!\w)")
_STRIKE = re.compile(r"~~(?=[^\s~])((?:[^~]|~(?!~))+?)(?<=[^\s~])~~")
_EMPHASIS = (_STRONG_STAR, _STRONG_UNDERSCORE, _EM_STAR, _EM_UNDERSCORE, _STRIKE)
MAX_QUOTE_DEPTH = 8  # deeper '> > > …' is shown as text: no recursion as deep as the input is long

BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "│ "


@dataclass
class _Renderer:
    width: int
    heading: Style
    refs: dict[str, str] = field(default_factory=dict)
    depth: int = 0  # of block quotes
    next_text: list[int] = field(default_factory=list)

    # -- inline --------------------------------------------------------------------------------------------------

    def inline(self, text: str) -> str:
        """Emphasis markers removed, links as 'text (url)', escapes and entities resolved."""
        kept: list[str] = []

        def keep(value: str) -> str:
            kept.append(value)
            return f"\x02{len(kept) - 1}\x03"

        parts, last = [], 0
        for start, end, run in code_spans(text):
            content = text[start + run : end - run]
            parts += [text[last:start], keep(content.strip(" ") or content)]
            last = end
        text = "".join([*parts, text[last:]])
        text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
        text = _AUTOLINK.sub(lambda m: keep(m.group(1)), text)
        text = _IMAGE.sub(lambda m: keep(_link(f"image: {m.group(1)}" if m.group(1) else "image", m.group(2))), text)
        text = _LINK.sub(lambda m: keep(_link(self.inline(m.group(1)), m.group(2))), text)
        text = _REF_LINK.sub(self._reference, text)
        for pattern in _EMPHASIS:  # strong before em: **a *b* c**
            text = pattern.sub(lambda m: m.group(1), text)
        text = html.unescape(text)
        while _PLACEHOLDER.search(text):  # placeholders may nest (a link's text kept inside a link)
            text = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)
        return neutralise(text)  # again: an entity such as &#27; must not become a live escape

    def _reference(self, match: re.Match[str]) -> str:
        label = match.group(2) or match.group(1)
        url = self.refs.get(_label(label))
        if url is None:
            return match.group(0)  # [not a link], or a footnote: left as written
        return _link(self.inline(match.group(1)), url)

    # -- blocks --------------------------------------------------------------------------------------------------

    def render(self, text: str) -> list[str]:
        lines = text.expandtabs(4).split("\n")
        lines = [line for line in lines if not self._definition(line)]
        # index of the next non-blank line from each line on: lists look ahead past blank lines in O(1)
        self.next_text = [len(lines)] * (len(lines) + 1)
        for number in range(len(lines) - 1, -1, -1):
            self.next_text[number] = number if lines[number].strip() else self.next_text[number + 1]
        blocks: list[list[str]] = []
        index = 0
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                blocks.append(self.paragraph(paragraph, self.width))
                paragraph.clear()

        while index < len(lines):
            line = lines[index]
            stripped = line.strip()
            if not stripped:
                flush()
                index += 1
                continue
            if paragraph and _SETEXT.match(line):
                level = 1 if stripped.startswith("=") else 2
                text_lines = list(paragraph)
                paragraph.clear()
                blocks.append(self.heading_block(" ".join(s.strip() for s in text_lines), level))
                index += 1
                continue
            fence = _FENCE.match(line)
            if fence:
                flush()
                index, block = self.code_fence(lines, index, fence)
                blocks.append(block)
                continue
            atx = _ATX.match(line)
            if atx:
                flush()
                blocks.append(self.heading_block(_without_closing_hashes(atx.group(2) or ""), len(atx.group(1))))
                index += 1
                continue
            if _BREAK.match(line):
                flush()
                blocks.append(["* * *"])
                index += 1
                continue
            if _QUOTE.match(line) and self.depth < MAX_QUOTE_DEPTH:
                flush()
                quoted: list[str] = []
                while index < len(lines) and (match := _QUOTE.match(lines[index])):
                    quoted.append(match.group(1))
                    index += 1
                inner = _Renderer(max(self.width - len(QUOTE_BAR), 20), self.heading, self.refs, self.depth + 1).render(
                    "\n".join(quoted)
                )
                blocks.append([(QUOTE_BAR + row).rstrip() for row in inner])
                continue
            item = _ITEM.match(line)
            if item and not (paragraph and item.group(2)[0].isdigit()):  # "2021. Then…" goes on a paragraph
                flush()
                index, block = self.list_block(lines, index)
                blocks.append(block)
                continue
            if not paragraph and line.startswith("    "):
                index, block = self.indented_code(lines, index)
                blocks.append(block)
                continue
            if (
                not paragraph
                and "|" in line
                and index + 1 < len(lines)
                and _TABLE_DELIMITER.match(lines[index + 1])
                and "-" in lines[index + 1]
            ):
                index, block = self.table(lines, index)
                blocks.append(block)
                continue
            paragraph.append(line)
            index += 1
        flush()
        out: list[str] = []
        for block in blocks:
            if out:
                out.append("")
            out.extend(block)
        return out

    def _definition(self, line: str) -> bool:
        match = _DEFINITION.match(line)
        if match is None or match.group(1).startswith("^"):
            return False
        self.refs.setdefault(_label(match.group(1)), match.group(2))
        return True

    def paragraph(self, lines: list[str], width: int, first: str = "", rest: str = "") -> list[str]:
        """Join lines into wrapped text, keeping hard breaks (two trailing spaces or a backslash)."""
        segments: list[list[str]] = [[]]
        for line in lines:
            hard = line.endswith("  ") or (line.endswith("\\") and not line.endswith("\\\\"))
            segments[-1].append(line.rstrip(" \\") if hard else line.strip())
            if hard:
                segments.append([])
        out: list[str] = []
        for number, segment in enumerate(s for s in segments if s):
            text = self.inline(" ".join(part.strip() for part in segment))
            out.extend(wrap(text, width, first if number == 0 else rest, rest))
        return out or [first.rstrip()]

    def heading_block(self, text: str, level: int) -> list[str]:
        text = self.inline(text.strip())
        underline = "=" if level == 1 else "-" if level == 2 else "~"
        wrapped = wrap(text, self.width, "", "")
        rule = underline * min(max(len(row) for row in wrapped), self.width)
        return [self.heading(row) for row in wrapped] + [rule]

    def code_fence(self, lines: list[str], index: int, fence: re.Match[str]) -> tuple[int, list[str]]:
        indent, marker = len(fence.group(1)), fence.group(2)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        block: list[str] = []
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            block.append("    " + (line[indent:] if line[:indent].strip() == "" else line.lstrip()))
            index += 1
        return index + 1, [row.rstrip() for row in block] or [""]

    def indented_code(self, lines: list[str], index: int) -> tuple[int, list[str]]:
        block: list[str] = []
        while index < len(lines) and (lines[index].startswith("    ") or not lines[index].strip()):
            block.append(lines[index].rstrip())
            index += 1
        while block and not block[-1]:
            block.pop()
            index -= 1
        return index, block

    def list_block(self, lines: list[str], index: int) -> tuple[int, list[str]]:
        """A list, nested by indentation, each item wrapped with a hanging indent under its bullet."""
        out: list[str] = []
        indents: list[int] = []  # source indentation of each open nesting level
        item: list[str] = []
        first = hanging = ""  # indentation of an item's first line (with its bullet) and of the others

        def flush_item() -> None:
            nonlocal first
            if item:
                out.extend(self.paragraph(item, self.width, first, hanging))
                item.clear()
                first = hanging  # a later paragraph of the same item has no bullet

        while index < len(lines):
            line = lines[index]
            match = _ITEM.match(line)
            if match:
                flush_item()
                indent = len(match.group(1))
                while indents and indent < indents[-1]:
                    indents.pop()
                if not indents or indent > indents[-1]:
                    indents.append(indent)
                depth = len(indents) - 1
                marker = match.group(2)
                bullet = BULLETS[min(depth, len(BULLETS) - 1)] if marker in "-*+" else marker.rstrip(".)") + "."
                first = "  " * depth + bullet + " "
                hanging = " " * len(first)
                item.append(match.group(3) or "")
                index += 1
                continue
            if not line.strip():
                # a blank line ends the list unless an item or an indented continuation follows
                ahead = self.next_text[index]
                following = lines[ahead] if ahead < len(lines) else None
                if following is None or not (_ITEM.match(following) or following.startswith("  ")):
                    break
                flush_item()
                index += 1
                continue
            if _ATX.match(line) or _FENCE.match(line) or _QUOTE.match(line) or _BREAK.match(line):
                break
            item.append(line)  # continuation, indented or lazy
            index += 1
        flush_item()
        return index, out

    def table(self, lines: list[str], index: int) -> tuple[int, list[str]]:
        """A pipe table, re-aligned (cells rendered inline); no wrapping: tables keep their shape."""
        rows: list[list[str]] = []
        delimiter = index + 1
        while index < len(lines) and "|" in lines[index] and lines[index].strip():
            if index != delimiter:
                rows.append([self.inline(cell.strip()) for cell in _cells(lines[index])])
            index += 1
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        widths = [max(len(row[c]) for row in rows) for c in range(columns)]
        out = ["  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip() for row in rows]
        out.insert(1, "  ".join("-" * w for w in widths))
        return index, out


def code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, backtick count) of each code span: a run of backticks closed by the next run as long.

    Linear, unlike a regex with a lazy `.+?` between backreferences, which is quadratic on unclosed runs.
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


def _without_closing_hashes(text: str) -> str:
    """'Title ##' -> 'Title' (an ATX heading's optional closing sequence), without a backtracking regex."""
    stripped = text.rstrip(" \t")
    bare = stripped.rstrip("#")
    if bare != stripped and (not bare or bare[-1] in " \t"):
        return bare.rstrip(" \t")
    return stripped


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _link(text: str, url: str) -> str:
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


def render_markdown(text: str, width: int = 80, heading: Style | None = None) -> str:
    """Render Markdown as plain text for a terminal, wrapped to `width` columns; `heading` styles headings."""
    width = max(width, 20)
    # input neutralised here, inline text again after entities are decoded: every output line is safe
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends first: a CR is not shown as \x0d
    lines = _Renderer(width, heading or (lambda s: s)).render(neutralise(text))
    return "\n".join(lines).strip("\n")
