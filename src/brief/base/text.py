"""Text helpers every layer shares: the accent fold, neutralising untrusted text for a terminal, "did you mean".

The accent fold here and the index's FTS5 tokenizer (`unicode61 remove_diacritics 2`) must agree on what
matches what: tests/test_architecture.py checks them against each other.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls except tab and newline, DEL, and the bidirectional overrides and isolates that can
# make text read differently from what it is: a brief must not be able to drive the terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_C1_AND_DEL = re.compile("[\x7f-\x9f]")

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Côte d’Ivoire' and 'cote d'ivoire' fold alike."""
    if text.isascii():  # the common case: no decomposition needed
        return " ".join(text.lower().split())
    # combining marks are never ASCII: only the runs of other characters are looked at (a brief's body is
    # mostly ASCII with a few accents and dashes; a character at a time over all of it was a sync's hot loop)
    stripped = _NOT_ASCII.sub(_without_marks, unicodedata.normalize("NFKD", text))
    return " ".join(stripped.replace("’", "'").replace("‘", "'").casefold().split())


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _without_marks(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


def neutralise(text: str) -> str:
    """Make untrusted text harmless on a terminal: control characters become visible escapes."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text(value: Any, indent: int | None = 2) -> str:
    """JSON with non-ASCII text as itself, but DEL and the C1 controls (0x9b is a CSI on some terminals) written
    as \\u escapes, as json does the C0 ones: the same data, nothing a terminal would act on. No final newline."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def compact_json(data: object, odd: list[object] | None = None) -> bytes:
    """Data as compact UTF-8 JSON, for machines (the index's stored copies, PostgreSQL's jsonb): orjson, in a sixth
    of the json module's time. What JSON has no type for (a YAML `!!binary`, say) is written as its str() and
    collected in `odd`; keys that are not text as the json module writes them ("1", "true"); NaN and infinities,
    which JSON cannot hold, as null. Data holding an integer past 64 bits, which orjson refuses, is written by the
    json module."""
    import orjson

    def other(value: object) -> str:
        if odd is not None:
            odd.append(value)
        return str(value)

    options = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
               | orjson.OPT_PASSTHROUGH_DATACLASS)  # fmt: skip
    try:
        return orjson.dumps(data, default=other, option=options)
    except orjson.JSONEncodeError:
        import json

        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=other).encode(
            "utf-8", "surrogatepass"
        )


def closest(value: str, options: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The options nearest to a mistyped value, best first (difflib's ratio, imported only when needed)."""
    import difflib

    return difflib.get_close_matches(value, options, n=n, cutoff=cutoff)


def nearest_known(words: list[str], known: dict[str, str], limit: int = 3) -> list[str]:
    """For a query that found nothing: the known names (`known`: folded form -> name as written) nearest to the
    words typed, at most `limit`, each once."""
    found: list[str] = []
    for word in words:
        for match in closest(fold(word), list(known), n=limit, cutoff=0.7):
            if known[match] not in found:
                found.append(known[match])
    return found[:limit]


def did_you_mean(value: str, options: list[str], cutoff: float = 0.6) -> str:
    """The hint "; did you mean 'x'?" for the nearest option, or "" when none is near."""
    match = closest(value, options, cutoff=cutoff)
    return f"; did you mean '{match[0]}'?" if match else ""
