"""Rows in PostgreSQL's binary COPY format, made where the rows are made (a sync's worker processes), so that the
process holding the connection only hands bytes to the server: nothing is pickled row by row between processes,
nor encoded again by the driver.

Binary, not text: the server then stores each value as sent rather than parsing it. For the two tsvectors of a
brief this is most of the saving (a sync of 10,000 rich briefs: the `briefs` rows took 4.6 s of server CPU as
text literals, 1.9 s in binary), since a tsvector literal is tokenised, sorted and de-duplicated by the server;
in binary the lexemes arrive sorted with their positions, and are only checked.

The tsvector is built from the words brief has folded (query/pg_text.py words), with the meaning the text literal
a sync sent before has once the server has read it (tests/test_sync_binary.py keeps that literal's builder and
compares the two on a real server): positions from 1, FIELD_GAP between fields, past MAX_POSITION every word at
MAX_POSITION (the same position twice keeps the higher weight, as the server's input function does); a word keeps
its first MAX_POSITIONS positions; words longer than MAX_LEXEME are left out, and past MAX_TSVECTOR bytes
(estimated as the literal estimates them) the later words. The C module brief.remote._binary
(src/brief/remote/_binary.c) makes the same bytes as `tsvector_python` and `encode_python` (a differential test
holds them to each other); it is used when built.
"""

from __future__ import annotations

import struct
from datetime import date
from typing import TYPE_CHECKING, Any

from brief.query.pg_text import (
    _TOKEN_CACHE,
    _TOKEN_WORDS,
    FIELD_GAP,
    MAX_LEXEME,
    MAX_POSITION,
    MAX_POSITIONS,
    MAX_TSVECTOR,
    token_words,
)
from brief.query.pg_text import words as words_python
from brief.remote.native import native as _native

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # the header: no flags, no extension area
TRAILER = struct.pack("!h", -1)
NULL = struct.pack("!i", -1)
WEIGHTS = {"A": 3, "B": 2, "C": 1, "D": 0}  # a tsvector position's two high bits
TEXT_OID = 25  # an array's element type, in its binary form
_EPOCH = date(2000, 1, 1).toordinal()  # PostgreSQL's dates count days from 2000-01-01
_LENGTH = struct.Struct("!i").pack
_BIGINT = struct.Struct("!iq").pack
_INTEGER = struct.Struct("!ii").pack
_SMALLINT = struct.Struct("!ih").pack
_DOUBLE = struct.Struct("!id").pack
_ARRAY = struct.Struct("!iiiiii").pack  # length, dimensions (1), flags (no null), element type, size, lower bound
_EMPTY_ARRAY = struct.pack("!iiii", 12, 0, 0, TEXT_OID)


# --- tsvector -------------------------------------------------------------------------------------------------------


def weights_of(classes: dict[str, str], columns: Sequence[str]) -> tuple[int, ...]:
    """Each column's weight (0-3 for D-A), -1 for a column the vector leaves out."""
    return tuple(WEIGHTS[classes[c]] if c in classes else -1 for c in columns)


def tsvector_python(fields: Sequence[list[str]], weights: Sequence[int]) -> tuple[bytes, list[str]]:
    """The binary tsvector of the words of each field (in order) with its weight (-1: left out), and its rich words:
    the lexemes it holds in class A and at least twice (in any class), in its order (brief.briefs.rich_terms, schema
    version 7: computed here, where the vector is made, rather than by the server from the stored vector)."""
    places: dict[str, list[int]] = {}
    position = 1
    for found, weight in zip(fields, weights, strict=True):
        if weight < 0:
            continue
        flag = weight << 14
        for offset, word in enumerate(found):
            entry = flag | min(position + offset, MAX_POSITION)
            seen = places.get(word)
            if seen is None:
                places[word] = [entry]
            elif len(seen) < MAX_POSITIONS:
                seen.append(entry)
        position += len(found) + FIELD_GAP
    entries: list[tuple[bytes, list[int]]] = []
    size = 0
    for word, seen in places.items():
        if len(word) > MAX_LEXEME:
            continue
        size += 4 * len(word) + 8 + 2 * len(seen)
        if size > MAX_TSVECTOR:
            break
        merged: list[int] = []
        for entry in seen:  # positions rise; only MAX_POSITION repeats: once, with the higher weight
            if merged and merged[-1] & 0x3FFF == entry & 0x3FFF:
                merged[-1] = max(merged[-1], entry)
            else:
                merged.append(entry)
        entries.append((word.encode("utf-8"), merged))
    entries.sort()  # bytewise, a prefix first: the server's order of lexemes
    out = [_LENGTH(len(entries))]
    rich: list[str] = []
    for lexeme, merged in entries:
        out.append(lexeme + struct.pack(f"!xH{len(merged)}H", len(merged), *merged))
        if len(merged) > 1 and any(entry >> 14 == WEIGHTS["A"] for entry in merged):
            rich.append(lexeme.decode("utf-8"))
    return b"".join(out), rich


tsvector_native: Callable[[Sequence[list[str]], Sequence[int]], tuple[bytes, list[str]]] | None = _native("build")
tsvector = tsvector_native or tsvector_python
_words_native: Callable[[str, dict[str, list[str]], Callable[[str], list[str]], int], list[str]] | None = _native(
    "words"
)


def words_native(text: str) -> list[str]:
    """query/pg_text.py words, its loop in C (sharing its memory of tokens); only when the C module is built."""
    assert _words_native is not None
    return _words_native(text, _TOKEN_WORDS, token_words, _TOKEN_CACHE)


words = words_native if _words_native is not None else words_python


# --- COPY rows -------------------------------------------------------------------------------------------------------
# a column's kind: q bigint, i integer, h smallint, f double precision, d date, t text, a text[], b bytes already in
# the column type's binary form (jsonb, tsvector)


def encode_python(rows: Sequence[Sequence[Any]], kinds: str) -> bytes:
    """A whole binary COPY stream (header, rows, trailer) of `rows`, each value of the kind its column has."""
    out = bytearray(SIGNATURE)
    count = struct.pack("!h", len(kinds))
    for row in rows:
        out += count
        for value, kind in zip(row, kinds, strict=True):
            if value is None:
                out += NULL
            elif kind == "t":
                data = value.encode("utf-8")
                out += _LENGTH(len(data))
                out += data
            elif kind == "a":
                if not value:
                    out += _EMPTY_ARRAY
                    continue
                items = [item.encode("utf-8") for item in value]
                out += _ARRAY(20 + 4 * len(items) + sum(map(len, items)), 1, 0, TEXT_OID, len(items), 1)
                for item in items:
                    out += _LENGTH(len(item))
                    out += item
            elif kind == "q":
                out += _BIGINT(8, value)
            elif kind == "i":
                out += _INTEGER(4, value)
            elif kind == "d":
                out += _INTEGER(4, value.toordinal() - _EPOCH)
            elif kind == "f":
                out += _DOUBLE(8, value)
            elif kind == "h":
                out += _SMALLINT(2, value)
            elif kind == "b":
                out += _LENGTH(len(value))
                out += value
            else:
                raise ValueError(f"no column kind {kind!r}")
    out += TRAILER
    return bytes(out)


encode_native: Callable[[Sequence[Sequence[Any]], str], bytes] | None = _native("encode")
encode = encode_native or encode_python
