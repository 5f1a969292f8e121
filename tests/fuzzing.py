"""Hypothesis strategies for fuzzing every command: briefs mutated from the bundled examples (bytes flipped,
files truncated, fields of the wrong type, huge strings, deep nesting, hostile Unicode, lone surrogates in
JSON), search queries, option values and articles to import.

How many examples each property runs: `BRIEF_FUZZ_EXAMPLES` (CI runs a few per command; the long campaign in
the README runs thousands, with `BRIEF_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").iterdir())
EXAMPLE_COUNT = int(os.environ.get("BRIEF_FUZZ_EXAMPLES", "12"))

# Text that has broken terminals, tables, parsers and renderers elsewhere: escape sequences (colours, the
# clipboard, the window title), right-to-left overrides, zero-width and combining marks, NUL and other
# controls, markup of every output medium, YAML and FTS5 syntax.
HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]0;title\x07",
    "\x9b2J",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "e\u0301\u0301\u0301\u0301",
    "\x00",
    "\r\n\r",
    "\t",
    "\x7f",
    "<script>alert(1)</script>",
    "</svg>",
    "javascript:alert(1)",
    "[link](javascript:x)",
    '"; DROP TABLE briefs; --',
    "=cmd|' /C calc'!A0",
    "{{x}}",
    "%(x)s",
    "*",
    "NEAR(a b)",
    '"',
    "'",
    "\\",
    "a:b:c",
    "---",
    "...",
    "&anchor",
    "*alias",
    "!!python/object",
    "graph TD; A-->B",
    'digraph { a -> b [label="x"] }',
    "\U0001f600" * 20,
    "ﷺ" * 30,
    "Ꙁ" * 3,
    "\u0000\u0001\u0002",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3), max_leaves=8
)


@dataclass
class Fuzzed:
    """A brief file to write: its name (the extension says the format) and its bytes."""

    name: str
    content: bytes

    def __repr__(self) -> str:  # a failing case is saved whole by the test; its repr need only name it
        return f"Fuzzed({self.name!r}, {len(self.content):,} bytes, {self.content[:80]!r}…)"


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found += _paths(value, (*prefix, n))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replace(copy[head], rest, value)
    return copy


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for n in range(depth):
        value = [value] if n % 2 else {"k": value}
    return value


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".md":
        return yaml.safe_load(text.split("---", 2)[1])
    return yaml.safe_load(text)


def _dump(data: Any, suffix: str, body: str) -> bytes:
    if suffix == ".json":
        # ensure_ascii keeps lone surrogates as \ud800 escapes: what a hostile JSON file holds
        return json.dumps(data, default=str).encode()
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    if suffix == ".md":
        text = f"---\n{text}---\n{body}"
    return text.encode("utf-8", "surrogatepass")


@st.composite
def structured(draw: st.DrawFn) -> Fuzzed:
    """An example with one field (anywhere) replaced: wrong types, hostile text, huge strings, deep nesting."""
    example = draw(st.sampled_from(EXAMPLES))
    data = _load(example)
    path = draw(st.sampled_from(_paths(data)[1:]))
    value = draw(
        st.one_of(
            values,
            st.integers(min_value=60, max_value=400).map(_nested),
            st.integers(min_value=100_000, max_value=3_000_000).map(lambda n: "x" * n),
            st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=4),  # lone surrogates
        )
    )
    suffix = draw(st.sampled_from([".yaml", ".json", ".md"]))
    body = draw(st.sampled_from(["", "Body text.\n", *HOSTILE]))
    return Fuzzed(f"fuzzed{suffix}", _dump(_replace(data, path, value), suffix, body))


@st.composite
def mangled(draw: st.DrawFn) -> Fuzzed:
    """An example's bytes truncated, flipped, spliced with hostile bytes, or swapped for binary noise."""
    example = draw(st.sampled_from(EXAMPLES))
    content = bytearray(example.read_bytes())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=max(len(content) - 1, 0)))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "noise"]))
        if kind == "truncate":
            del content[at:]
        elif kind == "flip" and content:
            content[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "insert":
            content[at:at] = draw(
                st.one_of(st.binary(max_size=16), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
            )
        elif kind == "delete":
            del content[at : at + draw(st.integers(min_value=1, max_value=64))]
        else:
            content = bytearray(draw(st.binary(max_size=512)))
    return Fuzzed(example.name, bytes(content))


briefs = st.one_of(structured(), mangled())

# Queries: words of the examples, the query language's own syntax, and noise.
WORDS = ["wagner", "mali", "France", "barkhane", "Maïga", "niger", "prigozhin", "coup", "AES", "ECOWAS"]
query_parts = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(
        [
            "-",
            '"',
            "*",
            "OR",
            "AND",
            "NOT",
            "(",
            ")",
            "nation:",
            "tag:",
            "actor:",
            "issue:",
            "since:",
            "title:",
            "nation:ML",
            "since:2022",
            "until:1999-13-45",
            "tlp:red",
            "lang:xx",
            ":",
            "::",
        ]
    ),
    hostile_text,
)
queries = st.lists(query_parts, min_size=1, max_size=5).map(" ".join)

# Option values: the valid ones, and what a script might pass by mistake.
dates = st.one_of(
    st.sampled_from(["2022", "2022-02", "2022-02-30", "1900-01-01", "99999", "yesterday", ""]), hostile_text
)
nations = st.one_of(st.sampled_from(["ML", "Mali", "France", "NO", "ZZ", "Côte d'Ivoire", ""]), hostile_text)
wheres = st.one_of(
    st.sampled_from(["actors.kind=party", "nations=ML", "x=y", "=", "a", "actors..kind=1"]), hostile_text
)


def filter_args(draw: st.DrawFn) -> list[str]:
    """A few of the list filters, with valid or invalid values."""
    args: list[str] = []
    for option, strategy in (
        ("--nation", nations),
        ("--since", dates),
        ("--until", dates),
        ("--where", wheres),
        ("--tag", hostile_text),
        ("--actor", hostile_text),
        ("--issue", hostile_text),
    ):
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            args += [option, draw(strategy)]
    return args


articles = st.one_of(
    hostile_text.map(lambda t: ("article.txt", t.encode("utf-8", "surrogatepass"))),
    st.lists(hostile_text, max_size=6).map(
        lambda parts: (
            "article.html",
            (
                "<html><head><title>"
                + "".join(parts[:1])
                + "</title></head><body><p>"
                + "</p><p>".join(parts)
                + "</p></body></html>"
            ).encode("utf-8", "surrogatepass"),
        )
    ),
    st.binary(max_size=300).map(lambda b: ("article.md", b)),
)
