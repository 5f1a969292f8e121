"""The terminal rendering of a brief's Markdown body (src/brief/render/markdown.py): CommonMark, as markdown-it-py
parses it, turned into wrapped plain text; untrusted text neutralised; hostile bodies bounded in time and memory."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from brief.render.markdown import BLOCK_BUDGET, parser, render_markdown

# (name, Markdown, width, expected text)
CASES = [
    (
        "headings",
        "# One ##\n\n## Two\n\n### Three\n\nSetext\n===\n\nAlso\nsetext\n---",
        40,
        "One\n===\n\nTwo\n---\n\nThree\n~~~~~\n\nSetext\n======\n\nAlso setext\n-----------",
    ),
    (
        "heading wraps, its rule as long as its longest line",
        "# A heading long enough to wrap past the width of twenty",
        20,
        "A heading long\nenough to wrap past\nthe width of twenty\n===================",
    ),
    (
        "paragraph joined and wrapped",
        "Lines of one\nparagraph are joined and wrapped again at the width given.",
        30,
        "Lines of one paragraph are\njoined and wrapped again at\nthe width given.",
    ),
    ("hard breaks", "two spaces  \nbackslash\\\nend", 40, "two spaces\nbackslash\nend"),
    (
        "emphasis markers dropped",
        "**strong**, *em*, _em_, __strong__, ~~struck~~, snake_case_name, 2*3*4",
        80,
        "strong, em, em, strong, struck, snake_case_name, 234",
    ),
    (
        "code spans literal",
        "`code *not em*` and `` a `tick` `` and `  padded  `",
        80,
        "code *not em* and a `tick` and  padded",
    ),
    ("escapes", "\\*not em\\* \\[not a link\\] 1\\. \\# x", 80, "*not em* [not a link] 1. # x"),
    ("entities decoded", "&amp; &lt;tag&gt; &copy; &unknown;", 80, "& <tag> © &unknown;"),
    ("fence indented, info hidden", "```python\ndef f():\n\n    return 1\n```", 80, "    def f():\n\n        return 1"),
    (
        "indented code",
        "para\n\n    code  kept\n      as is\n\n    after blank",
        80,
        "para\n\n    code  kept\n      as is\n\n    after blank",
    ),
    (
        "unclosed fence runs to the end",
        "```\ncode to the end\n\nstill code",
        80,
        "    code to the end\n\n    still code",
    ),
    ("thematic breaks", "a\n\n***\n\n---\n\n_ _ _", 80, "a\n\n* * *\n\n* * *\n\n* * *"),
    (
        "links",
        "[text](https://e.org/a_(b)), [https://e.org](https://e.org), [e.org/x](https://e.org/x)",
        80,
        "text (https://e.org/a_(b)), https://e.org, https://e.org/x",
    ),
    (
        "autolinks",
        "<https://auto.example/x> and <someone@example.org>",
        80,
        "https://auto.example/x and someone@example.org",
    ),
    (
        "reference links",
        '[one], [two][one] and [One][].\n\n[one]: https://ref.example "title"',
        80,
        "one (https://ref.example), two (https://ref.example) and One\n(https://ref.example).",
    ),
    (
        "images",
        "![a map](map.png) ![](bare.png) [![logo](l.png)](https://x.example)",
        80,
        "image: a map (map.png) image (bare.png) image: logo (l.png) (https://x.example)",
    ),
    (
        "addresses shown as written, not percent-encoded",
        "[Opération](https://fr.wikipedia.org/wiki/Opération_Barkhane)",
        80,
        "Opération (https://fr.wikipedia.org/wiki/Opération_Barkhane)",
    ),
    ("unsafe scheme is no link", "[click](javascript:alert(1))", 80, "[click](javascript:alert(1))"),
    (
        "bullets by depth",
        "- one\n- two long enough to wrap at this width\n  - nested\n    - deeper\n      - deepest",
        30,
        "• one\n• two long enough to wrap at\n  this width\n  ◦ nested\n    ▪ deeper\n      ▪ deepest",
    ),
    (
        "ordered lists count from their first number",
        "1. one\n1. two\n1. three\n\n7) seven\n8) eight",
        40,
        "1. one\n2. two\n3. three\n\n7. seven\n8. eight",
    ),
    (
        "nested under a number",
        "1. first\n   - under it\n2. second",
        40,
        "1. first\n   ◦ under it\n2. second",
    ),
    ("loose list spaced out", "- one\n\n- two\n\n  second paragraph", 40, "• one\n\n• two\n\n  second paragraph"),
    ("a new bullet character is a new list", "- dash\n* star\n+ plus", 40, "• dash\n\n• star\n\n• plus"),
    ("code in an item", "- item\n\n      code in item\n- next", 40, "• item\n\n      code in item\n\n• next"),
    (
        "block quotes",
        "> quoted **words**\n> still quoted\n>\n> > nested\n\nafter",
        40,
        "│ quoted words still quoted\n│\n│ │ nested\n\nafter",
    ),
    ("lazy continuation", "> a\nlazy line", 40, "│ a lazy line"),
    ("list in a quote", "> - a\n> - b", 40, "│ • a\n│ • b"),
    (
        "table re-aligned",
        "| a | b \\| c | n |\n|:--|:-:|--:|\n| 1 | **2** | 3 |\n| long cell | | |",
        80,
        "a          b | c  n\n---------  -----  -\n1          2      3\nlong cell",
    ),
    ("table rows to the header's cells", "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |", 80, "a  b\n-  -\n1\n1  2"),
    (
        "raw HTML is text",
        "<b>bold</b> and <script>alert(1)</script>",
        80,
        "<b>bold</b> and <script>alert(1)</script>",
    ),
    ("HTML blocks are text", "<div>\n*x*\n</div>\n\n<!-- a comment -->", 80, "<div> x </div>\n\n<!-- a comment -->"),
    ("line ends", "a\r\nb\r\n\r\nc\rd", 80, "a b\n\nc d"),
    ("tabs to 4-column stops", "a\tb\n\n\tcode\twith tab", 80, "a   b\n\n    code    with tab"),
    ("empty", "", 80, ""),
]


@pytest.mark.parametrize(("markdown", "width", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_render(markdown: str, width: int, expected: str) -> None:
    assert render_markdown(markdown, width) == expected


def test_heading_style_applies_to_heading_lines_only() -> None:
    assert (
        render_markdown("# A long heading\n\ntext", 20, lambda s: f"<{s}>")
        == "<A long heading>\n==============\n\ntext"
    )


# -- untrusted text -----------------------------------------------------------------------------------------------

LIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # what neutralise() escapes


@pytest.mark.parametrize(
    "markdown",
    [
        "text \x1b]0;title\x07 and \x9b31m",
        "# heading \x1b[2J",
        "`span \x1b[2J`",
        "```\nfence \x1b[2J\n```",
        "    indented \x1b[2J",
        "[link \x1b[2J](https://e.org/\x1b[2J)",
        "| a \x1b[2J |\n|---|\n| b \x07 |",
        "- item \u202e reversed",
        "> quote \u2066 isolate",
    ],
)
def test_control_characters_are_shown_not_sent(markdown: str) -> None:
    out = render_markdown(markdown)
    assert not LIVE.search(out)
    assert "\\x1b" in out or "\\x07" in out or "\\u202e" in out or "\\u2066" in out


def test_decoded_entities_and_addresses_are_neutralised_too() -> None:
    out = render_markdown("&#x202e;rtl &#27;[2J &#x9b; [x](https://e.org/%1b%E2%80%AE) <https://e.org/a%0Ab>")
    assert not LIVE.search(out) and "\n" not in out
    assert "\\u202ertl" in out  # a valid code point, decoded, then escaped
    assert "\ufffd[2J" in out  # CommonMark turns the code of a control character into U+FFFD
    assert "(https://e.org/%1b%E2%80%AE)" in out  # decoding would give controls: left encoded
    assert "https://e.org/a%0Ab" in out


def test_the_parser_for_html_keeps_raw_html_off() -> None:
    assert parser().render("<b>x</b> ~~y~~\n\n|a|\n|-|\n") == (
        "<p>&lt;b&gt;x&lt;/b&gt; <s>y</s></p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>\n"
    )


def test_markdown_it_is_imported_only_to_render() -> None:
    code = "import sys, brief.render.markdown; print('markdown_it' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


# -- hostile bodies -----------------------------------------------------------------------------------------------

# Each is built and rendered in a child process (a hang or a crash cannot take the test run with it), timed there.
HOSTILE = {
    "quotes nested 10,000 deep": ("'> ' * 10_000 + 'x'", "x"),
    "lists nested 10,000 deep": ("'- ' * 10_000 + 'x'", "x"),
    "ordered lists nested 10,000 deep": ("'1. ' * 10_000 + 'x'", "x"),
    "10,000 items nested by indentation, up to 100 deep": (
        "''.join('  ' * (n % 100) + f'- i{n}\\n' for n in range(10_000))",
        "i9999",
    ),
    "1 MB of *": ("'*' * 1_000_000 + ' x'", "x"),
    "1 MB of [": ("'[' * 1_000_000 + 'x'", "x"),
    "1 MB of ![": ("'![' * 500_000 + 'x'", "x"),
    "1 MB of emphasis": ("'*a _b ' * 166_666 + 'x'", "x"),
    "1 MB of brackets in short paragraphs": ("('[' * 1000 + '\\n\\n') * 1000 + 'x'", "x"),
    "a 1 MB line": ("'x' * 1_000_000", "x" * 1000),
    "a 1 MB line of words": ("'word ' * 200_000 + 'x'", "x"),
    "1 MB of tiny blocks": ("'#\\n' * 500_000 + 'x'", "x"),
    "a table of 300,000 cells": ("'|a' * 1000 + '\\n' + '|-' * 1000 + '\\n' + ('|b' * 1000 + '\\n') * 300", "|b|b"),
}

CHILD = """
import sys, time
from brief.render.markdown import render_markdown
text = {expression}
start = time.perf_counter()
out = render_markdown(text, 80)
print(round(time.perf_counter() - start, 2), {last!r} in out[-10_000:], len(out))
"""


@pytest.mark.parametrize(("expression", "last"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_bodies_render_in_bounded_time_and_keep_their_text(expression: str, last: str) -> None:
    child = CHILD.format(expression=expression, last=last)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]
    seconds, kept, _ = result.stdout.split()
    # a bound against hangs and blow-ups (about a second here), not a speed test: speed is benchmarked in bench/
    assert float(seconds) < 30
    assert kept == "True"  # the end of the body is shown, rendered or as written, never dropped


def test_past_the_block_budget_the_rest_is_shown_as_written() -> None:
    count = BLOCK_BUDGET // 3 + 100  # a paragraph is three tokens: the last hundred or so are past the budget
    lines = render_markdown("".join(f"p{n}\n\n" for n in range(count)) + "**last**").split("\n")
    cut = next(index for index, line in enumerate(lines) if line.startswith("    "))
    assert cut == 2 * (BLOCK_BUDGET // 3 + 1)
    assert lines[:cut] == [line for n in range(cut // 2) for line in (f"p{n}", "")]
    assert lines[cut:] == [line for n in range(cut // 2, count) for line in (f"    p{n}", "")] + ["    **last**"]
