"""Reading a JSON brief within bounds: nesting (refused past MAX_DEPTH at its position, before any syntax error),
repeated keys noticed, and halves of UTF-16 pairs that Python would read as unencodable text refused."""

from __future__ import annotations

import re
from typing import Any

from brief.format.bounds import MAX_DEPTH, LoadError


def parse_json(text: str) -> tuple[Any, bool]:
    """(data, whether some object repeats a key) of a JSON text; LoadError otherwise."""
    import json

    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        result = dict(pairs)
        if len(result) != len(pairs):
            duplicates = True
        return result

    # nesting past MAX_DEPTH needs that many brackets; it is refused (at its position) before any syntax error
    bracketed = text.count("[") + text.count("{") > MAX_DEPTH
    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)  # deep nesting ends in RecursionError, safely
    except json.JSONDecodeError as exc:
        if bracketed and _json_depth(text) > MAX_DEPTH:
            _json_depth_scan(text)
        raise LoadError("json-syntax", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        _json_depth_scan(text)
        raise LoadError("too-deep", "nesting too deep; not a brief", 1, 1) from None
    if bracketed and _deeper_than(data, MAX_DEPTH):  # the parsed data is cheaper to measure than the text
        _json_depth_scan(text)
    if "\\u" in text:
        _refuse_lone_surrogates(text)
    return data, duplicates


def _refuse_lone_surrogates(text: str) -> None:
    """JSON may escape half of a UTF-16 pair (`"\\ud800"`): Python reads it as a string no file, terminal or
    database can encode, so it is refused here, where its position is known."""
    import re

    # an odd number of backslashes before `u`, then a whole pair (not captured) or a lone half (captured)
    pair = r"[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    escape = rf"(?<!\\)(?:\\\\)*\\u(?:{pair}|([dD][89a-fA-F][0-9a-fA-F]{{2}}))"
    for match in re.finditer(escape, text):
        if match.group(1):
            at = match.start(1) - 2
            line = text.count("\n", 0, at) + 1
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            message = f"JSON syntax error: \\u{match.group(1)} is half of a UTF-16 pair, not a character"
            raise LoadError("json-syntax", message, line, column)

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than `limit` deep in `data` (as in the text it was parsed from)."""
    level = [data] if isinstance(data, (dict, list)) else []
    for _ in range(limit):
        level = [child for item in level for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, (dict, list))]  # fmt: skip
        if not level:
            return False
    return True


def _json_depth(text: str) -> int:
    """The deepest nesting of JSON text, from its brackets outside strings (regular expressions do the
    scanning, so a rich brief with hundreds of brackets costs a short loop, not one step per character)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if char in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _json_depth_scan(text: str) -> None:
    """Exact nesting depth of JSON text, skipping strings; refuses past MAX_DEPTH with a position."""
    depth = 0
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, index) + 1
                column = index - (text.rfind("\n", 0, index) + 1) + 1
                raise LoadError("too-deep", f"nesting deeper than {MAX_DEPTH} levels; not a brief", line, column)
        elif char in "]}":
            depth -= 1
