"""Writing brief YAML by hand, so that drafts can carry comments (guidance, candidates, what was not mapped),
which no YAML library keeps.

Scalars are written plain when YAML reads them back as the same string, else double-quoted with every character
YAML could misread escaped (controls, line and paragraph separators, the byte-order mark). Comments are one
line each: any line break in untrusted text becomes a space, so text from an article can never step out of a
comment. tests/test_import.py reads hostile strings back through brief's own loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from brief.format.loading import reads_as_text

# characters YAML does not allow raw, or reads as line breaks, or that would change what a reader sees
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# plain scalars: no indicator first, no ": " or " #", no flow characters (so the same test serves flow lists)
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`~][^\n,\[\]{}]*$")
_SPECIAL = re.compile(r": |:$| #|\s$|\t|\\")
# what YAML 1.1 reads as something other than a string
_NOT_STRING = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~"
    r"|[-+]?(?:0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)"
    r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<|=|\d{4}-\d{1,2}-\d{1,2}.*)$"
)


def scalar(value: Any) -> str:
    """One value as a YAML scalar on one line, valid in block and in flow context."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    plain = _PLAIN.match(text) and not _SPECIAL.search(text) and not _NOT_STRING.match(text)
    if plain and reads_as_text(text) and not _UNSAFE.search(text):  # text to YAML 1.1 readers and to brief
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted YAML scalar: JSON's escapes (which YAML shares), plus those YAML needs beyond them."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def date(value: str) -> str:
    """A YYYY-MM-DD date, unquoted as the examples write it (brief's loader keeps it a string)."""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else quoted(value)


def flow(values: Iterable[Any]) -> str:
    """[a, b, c]"""
    return "[" + ", ".join(scalar(value) for value in values) + "]"


def comment(text: str, indent: str = "") -> str:
    """A comment line; line breaks and controls in `text` cannot end it."""
    one_line = _UNSAFE.sub("", _LINE_BREAKS.sub(" ", text))
    return f"{indent}# {one_line}".rstrip()


def block(key: str, value: Any, indent: str = "") -> list[str]:
    """`key: value` for any value, nested mappings and lists in block style (complex data a Markdown article's
    front matter brought along)."""
    if isinstance(value, dict):
        if not value:
            return [f"{indent}{key}: {{}}"]
        lines = [f"{indent}{key}:"]
        for name, item in value.items():
            lines += block(scalar(name), item, indent + "  ")
        return lines
    if isinstance(value, list):
        if not value:
            return [f"{indent}{key}: []"]
        if all(not isinstance(item, (dict, list)) for item in value):
            return [f"{indent}{key}: {flow(value)}"]
        lines = [f"{indent}{key}:"]
        for item in value:
            lines += list_item(item, indent + "  ")
        return lines
    if value is None:
        return [f"{indent}{key}: null"]
    if key in ("date", "updated", "as_of") and isinstance(value, str):
        return [f"{indent}{key}: {date(value)}"]  # unquoted, as the examples write dates
    return [f"{indent}{key}: {scalar(value)}"]


def list_item(value: Any, indent: str) -> list[str]:
    """One item of a block list: `- value`, or a mapping whose first key follows the dash."""
    if isinstance(value, dict) and value:
        lines: list[str] = []
        for position, (name, item) in enumerate(value.items()):
            nested = block(scalar(name), item, indent + "  ")
            if position == 0:
                nested[0] = f"{indent}- " + nested[0][len(indent) + 2 :]
            lines += nested
        return lines
    if isinstance(value, list) and value:
        nested = [line for item in value for line in list_item(item, indent + "  ")]
        nested[0] = f"{indent}- " + nested[0][len(indent) + 2 :]
        return nested
    return [f"{indent}- " + block("x", value)[0][3:]]
