"""What `brief sync` sends in binary COPY (remote/binary.py): the tsvectors and COPY streams of the C module and of
Python byte for byte alike, the vectors what the server makes of the text literal they replace (on a real server),
the column kinds those of the database's columns, and every kind of value read back as it was written."""

from __future__ import annotations

import random
import struct
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from brief.collection.tables import FTS_COLUMNS
from brief.query.pg_text import (
    FIELD_GAP,
    MAX_LEXEME,
    MAX_POSITION,
    MAX_POSITIONS,
    MAX_TSVECTOR,
    SCOPE_CLASS,
    SEARCH_CLASS,
)
from brief.remote.binary import encode, encode_native, encode_python, tsvector_native, tsvector_python, weights_of
from pgserver import pg_dsn, pg_server  # noqa: F401  (fixtures)

# words as query/pg_text.py words makes them, and some it never makes but the builder must bear
VOCABULARY = ["a", "b", "ab", "abc", "wagner", "maiga", "é", "côte", "ł", "ωμέγα", "数据", "1", "12", "2021", "a1",
              "x" * 500, "y" * 501, "z" * 2000, "İ", "\U0001f600"]  # fmt: skip
CLASSES = [SEARCH_CLASS, SCOPE_CLASS, {"body": "C"}, {"title": "D", "other": "A"}, {}]


def _tsvector(fields: dict[str, list[str]], classes: dict[str, str]) -> str:
    """The tsvector text literal a sync sent before vectors went in binary (query/postgres.py until then), kept here
    as the reference the binary form is held to. Past MAX_POSITION words, positions stay at the last one; a word
    keeps its first MAX_POSITIONS positions; past MAX_TSVECTOR bytes later words are left out."""
    places: dict[str, list[str]] = {}
    position = 1
    for column in FTS_COLUMNS:
        weight = classes.get(column)
        if weight is None:
            continue
        mark = "" if weight == "D" else weight  # D is PostgreSQL's default, written without a letter
        for offset, word in enumerate(fields[column]):
            places.setdefault(word, []).append(f"{min(position + offset, MAX_POSITION)}{mark}")
        position += len(fields[column]) + FIELD_GAP
    out: list[str] = []
    size = 0
    for word, seen in places.items():
        if len(word) > MAX_LEXEME:
            continue
        size += 4 * len(word) + 8 + 2 * min(len(seen), MAX_POSITIONS)  # at most 4 bytes a character, an entry
        if size > MAX_TSVECTOR:
            break
        out.append(f"{word}:{','.join(seen[:MAX_POSITIONS])}")
    return " ".join(out)


def random_fields(rng: random.Random) -> list[list[str]]:
    sizes = [0, 1, 2, 5, 40, 300]
    return [[rng.choice(VOCABULARY) for _ in range(rng.choice(sizes))] for _ in FTS_COLUMNS]


def hostile_fields() -> list[tuple[list[list[str]], dict[str, str]]]:
    """Past every limit: positions past MAX_POSITION (across fields of different weights), a word more than 256
    times, words past MAX_LEXEME characters, and a body of distinct words past MAX_TSVECTOR bytes."""
    many = [f"w{i}" for i in range(MAX_POSITION + 500)]
    repeated = ["same"] * 1000 + ["other"] * 300
    distinct = [f"{i:x}" * 20 for i in range(12_000)]
    return [
        ([many[:9000], ["late", "same"], many[:9000], ["late", "x" * 501], repeated, ["late"]], SEARCH_CLASS),
        ([["t"], ["late"] * 20, [], many, ["late"], ["late"]], SEARCH_CLASS),
        ([["t"], [], ["s"], ["j"], distinct, ["after"]], SEARCH_CLASS),
        ([distinct, distinct, [], [], [], []], SCOPE_CLASS),
        ([repeated, [], repeated, repeated, [], []], {"title": "A", "summary": "D", "judgments": "B"}),
    ]


def cases(count: int) -> list[tuple[list[list[str]], dict[str, str]]]:
    rng = random.Random(14)
    return [(random_fields(rng), rng.choice(CLASSES)) for _ in range(count)] + hostile_fields()


@pytest.mark.skipif(tsvector_native is None, reason="brief.remote._binary is not built here")
def test_the_c_tsvector_is_the_python_one_byte_for_byte() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    assert tsvector_native is not None
    for fields, classes in cases(2000):
        weights = weights_of(classes, FTS_COLUMNS)
        assert tsvector_native(fields, weights) == tsvector_python(fields, weights)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(st.text(min_size=1, max_size=4), max_size=30), min_size=6, max_size=6),
           st.lists(st.integers(-1, 3), min_size=6, max_size=6))  # fmt: skip
    def same(fields: list[list[str]], weights: list[int]) -> None:
        try:
            expected: tuple[bytes, list[str]] | type[Exception] = tsvector_python(fields, weights)
        except UnicodeEncodeError:  # a lone surrogate: neither makes a vector of it
            expected = UnicodeEncodeError
        if expected is UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                tsvector_native(fields, weights)
        else:
            assert tsvector_native(fields, weights) == expected

    same()


@pytest.mark.skipif(tsvector_native is None, reason="brief.remote._binary is not built here")
def test_the_c_tsvector_refuses_what_is_not_words_with_a_python_error() -> None:
    assert tsvector_native is not None
    with pytest.raises(ValueError):
        tsvector_native([["a"]], [0, 1])
    with pytest.raises(ValueError):
        tsvector_native([["a"]], [4])
    with pytest.raises(TypeError):
        tsvector_native([("a",)], [0])
    with pytest.raises(TypeError):
        tsvector_native([["a", 1]], [0])


@pytest.mark.skipif(encode_native is None, reason="brief.remote._binary is not built here")
def test_the_c_words_are_the_python_ones() -> None:
    """words in C (white space as str.split sees it, tokens remembered) against query/pg_text.py words and the
    fold of the whole text, on the characters where a fold token by token could differ."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from brief.base.text import fold
    from brief.query.pg_text import _WORD
    from brief.query.pg_text import words as words_python
    from brief.remote.binary import words_native
    from test_sync import TRICKY

    spaces = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\u2028"])
    pieces = st.one_of(st.sampled_from(TRICKY.split(" ")), st.text(max_size=6), spaces)

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def same(text: str) -> None:
        expected = _WORD.findall(fold(text))
        assert words_native(text) == words_python(text) == expected
        assert words_native(text) == expected  # remembered

    same()
    assert words_native(TRICKY * 3) == _WORD.findall(fold(TRICKY * 3))


# what a child table's field may hold in an invalid brief (the rows are made for valid ones, but the readers bear any)
FIELD_VALUES: list[Any] = ["x", "", "Wagner", "Côte d’Ivoire", "  Choguel   MAÏGA ", "2021", "2021-09", "2021-09-30",
                           "2021-02-30", "2021-13", "21-09", "+2021", " 2021", "2021-9-1", "abc", "2021-09-30-1", 0, 1,
                           -3, 2**70, True, False, 2.5, float("nan"), None, [], ["a"], ["a", ""], ["a", "b"],
                           ["a", "b", "c"], ["a", 1, "b"], [1, 2], {"actor": "x"}, {}, "\x1b[31m"]  # fmt: skip


def random_child_data(rng: random.Random) -> dict[str, Any]:
    """A brief's lists of mappings as the child tables read them, every field they read holding anything."""
    from brief.remote.rows import CHILDREN

    fields = sorted({field for items, inner, needs, inner_needs, columns in CHILDREN.values()
                     for field in [*(f for _, f in needs), *(f for _, f in inner_needs), *(f for *_, f in columns),
                                   *(inner[1:] if inner else ())] if field})  # fmt: skip

    def mapping(depth: int) -> dict[str, Any]:
        made: dict[str, Any] = {}
        for field in rng.sample(fields, rng.randint(len(fields) // 2, len(fields))):
            value = rng.choice(FIELD_VALUES) if rng.random() < 0.6 else rng.choice(["Wagner", "mali", "2021-09", 3])
            if depth and rng.random() < 0.2:
                value = [mapping(depth - 1) if rng.random() < 0.7 else rng.choice(FIELD_VALUES)
                         for _ in range(rng.randint(0, 4))]  # fmt: skip
            made[field] = value
        return made

    data: dict[str, Any] = {}
    for items in {items for items, *_ in CHILDREN.values()}:
        roll = rng.random()
        if roll < 0.8:
            data[items] = [mapping(1) if rng.random() < 0.85 else rng.choice(FIELD_VALUES)
                           for _ in range(rng.randint(0, 6))]  # fmt: skip
        elif roll < 0.9:
            data[items] = rng.choice(FIELD_VALUES)
    return data


@pytest.mark.skipif(encode_native is None, reason="brief.remote._binary is not built here")
def test_the_c_child_rows_are_the_python_ones() -> None:
    """The rows C makes of the declaration (rows.py CHILDREN) are Python's, value for value and type for type, on
    data holding anything anywhere, with caches small enough to be emptied as it goes; and the C module's codes are
    the declaration's names."""
    from brief.remote import rows
    from brief.remote.native import native

    assert native("SOURCES") == tuple(rows.SOURCES)
    assert native("REQUIRE") == rows.REQUIRE
    rng = random.Random(7)
    small = (*rows._HELPERS[:3], {}, {}, {}, 3)
    made = 0
    for n in range(1200):
        data = random_child_data(rng)
        expected, in_c, tiny = rows.empty_rows(), rows.empty_rows(), rows.empty_rows()
        rows.child_rows_python(data, n, expected)
        rows.child_rows_native(data, n, in_c)
        native("rows")(data, n, tiny, rows._SPEC, small)
        for table in expected:
            assert repr(in_c[table]) == repr(tiny[table]) == repr(expected[table]), (table, data)
            assert [list(map(type, row)) for row in in_c[table]] == [list(map(type, row)) for row in expected[table]]
            assert all(len(row) == len(rows.COLUMNS[table]) for row in in_c[table])
        made += sum(map(len, in_c.values()))
    assert made > 3_000


@pytest.mark.skipif(encode_native is None, reason="brief.remote._binary is not built here")
def test_the_c_child_rows_refuse_a_bad_declaration_with_a_python_error() -> None:
    from brief.remote import rows
    from brief.remote.native import native

    made = native("rows")
    data = {"actors": [{"id": "a", "name": "b"}]}
    with pytest.raises(TypeError):
        made(data, 1, rows.empty_rows(), (("actors", "actors"),), rows._HELPERS)
    with pytest.raises(ValueError):
        made(data, 1, rows.empty_rows(), (("actors", "actors", 0, "", (), (), ((99, "id"),)),), rows._HELPERS)
    with pytest.raises(KeyError):
        made(data, 1, {}, rows._SPEC, rows._HELPERS)
    with pytest.raises(TypeError):
        made(data, 1, rows.empty_rows(), rows._SPEC, rows._HELPERS[:3])


KIND_VALUES: dict[str, Any] = {}  # filled on first use: hypothesis strategies per column kind


def kind_values(kind: str) -> Any:
    from hypothesis import strategies as st

    if not KIND_VALUES:
        text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)
        KIND_VALUES.update({
            "q": st.integers(-(2**63), 2**63 - 1), "i": st.integers(-(2**31), 2**31 - 1),
            "h": st.integers(-(2**15), 2**15 - 1), "f": st.one_of(st.floats(allow_nan=False), st.integers(-10, 10)),
            "d": st.dates(), "t": text, "a": st.lists(text, max_size=5), "b": st.binary(max_size=30),
        })  # fmt: skip
    return st.one_of(st.none(), KIND_VALUES[kind])


@pytest.mark.skipif(encode_native is None, reason="brief.remote._binary is not built here")
def test_the_c_copy_stream_is_the_python_one_byte_for_byte() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from brief.remote.rows import KINDS

    assert encode_native is not None

    @settings(max_examples=500, deadline=None)
    @given(st.data())
    def same(data: st.DataObject) -> None:
        kinds = data.draw(st.sampled_from([*KINDS.values(), "qihfdtab", "a", "t"]))
        rows = data.draw(st.lists(st.tuples(*[kind_values(k) for k in kinds]), max_size=8))
        assert encode_native(rows, kinds) == encode_python(rows, kinds)

    same()
    assert encode_native([], "qt") == encode_python([], "qt")
    for rows, kinds in [([(1, 2)], "q"), ([("x",)], "q"), ([(2**31,)], "i"), ([(1,)], "t"), ([("\ud800",)], "t"),
                        ([(1,)], "z"), ([("x",)], "d"), ([(["a", 1],)], "a")]:  # fmt: skip
        with pytest.raises((ValueError, TypeError, OverflowError, UnicodeEncodeError, AttributeError)):
            encode_native(rows, kinds)
        with pytest.raises((ValueError, TypeError, struct.error, UnicodeEncodeError, AttributeError)):
            encode_python(rows, kinds)


def test_the_binary_tsvector_is_what_the_server_makes_of_the_literal(pg_dsn: str) -> None:  # noqa: F811
    """The proof that sending vectors in binary changed nothing written: for each case, the server's tsvector read
    from the binary form equals the one it parses from the text literal (`_tsvector` above) that a sync sent
    before; tsvector equality compares lexemes, positions and weights. And the rich words made with the vector
    are their definition read from the stored vector (schema version 7's brief.briefs.rich_terms): the lexemes
    with a position in class A and at least two positions, in the vector's order."""
    import psycopg

    made = cases(400)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE vectors (n integer, binary_form tsvector, literal text, rich text[])")
        rows = []
        for n, (fields, classes) in enumerate(made):
            binary, rich = tsvector_python(fields, weights_of(classes, FTS_COLUMNS))
            literal = _tsvector(dict(zip(FTS_COLUMNS, fields, strict=True)), classes)
            rows.append((n, binary, literal.encode(), rich))
        with conn.cursor().copy("COPY vectors FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(encode(rows, "ibba"))
        differ = conn.execute("SELECT n FROM vectors WHERE binary_form <> literal::tsvector ORDER BY n").fetchall()
        assert differ == []
        checked = conn.execute("SELECT count(*), count(*) FILTER (WHERE length(binary_form) > 1000), "
                               "max(length(binary_form)) FROM vectors").fetchone()  # fmt: skip
        assert checked is not None and checked[0] == len(made) and checked[1] >= 3 and checked[2] > 10_000
        defined = ("coalesce((SELECT array_agg(u.lexeme ORDER BY u.lexeme COLLATE \"C\") FROM unnest(binary_form) u "
                   "WHERE 'A' = ANY(u.weights) AND cardinality(u.positions) > 1), '{}')")  # fmt: skip
        wrong = conn.execute(f"SELECT n FROM vectors WHERE rich <> {defined} ORDER BY n").fetchall()
        assert wrong == []
        some = conn.execute("SELECT count(*) FILTER (WHERE cardinality(rich) > 0), count(*) FILTER (WHERE "
                            "cardinality(rich) = 0 AND length(binary_form) > 0) FROM vectors").fetchone()
        assert some is not None and some[0] > 50 and some[1] > 0, "rich words, and vectors without any"


def test_the_kinds_are_the_database_column_types(pg_dsn: str) -> None:  # noqa: F811
    from brief.remote.connect import connect
    from brief.remote.rows import COLUMNS, KINDS
    from brief.remote.schema import ensure_schema

    kind_of = {"bigint": "q", "integer": "i", "smallint": "h", "double precision": "f", "date": "d", "text": "t",
               "text[]": "a", "jsonb": "b", "tsvector": "b"}  # fmt: skip
    with connect(pg_dsn) as conn:
        ensure_schema(conn)
        for table, columns in COLUMNS.items():
            types = dict(conn.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0", (f"brief.{table}",)).fetchall())  # fmt: skip
            assert "".join(kind_of[types[column]] for column in columns) == KINDS[table], table


def test_every_kind_of_value_reads_back_as_written(pg_dsn: str) -> None:  # noqa: F811
    import psycopg

    rows: list[tuple[Any, ...]] = [
        (2**62, -7, 32000, 2.5, date(2021, 8, 15), "Maïga\t\\ \"x\" \n ✓", ["a", "", "é,{}\"\\"],
         b"\x01[1,{\"a\":\"\\u00e9\"}]"),
        (-(2**62), 0, -32000, -1e300, date(1, 1, 1), "", [], b"\x01{}"),
        (1, None, None, None, None, None, None, None),
        (0, 2**31 - 1, 0, 3, date(9999, 12, 31), "x" * 100_000, ["y"] * 1000, b"\x01" + b'"' + b"z" * 50_000 + b'"'),
    ]  # fmt: skip
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("CREATE TEMPORARY TABLE kinds (q bigint, i integer, h smallint, f double precision, d date, "
                     "t text, a text[], b jsonb)")  # fmt: skip
        with conn.cursor().copy("COPY kinds FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(encode(rows, "qihfdtab"))
        back = conn.execute("SELECT q, i, h, f, d, t, a, b::text FROM kinds").fetchall()
    import json

    expected = [(*row[:7], None if row[7] is None else json.dumps(json.loads(row[7][1:]), ensure_ascii=False))
                for row in rows]  # fmt: skip
    assert back == expected


def test_a_sync_without_the_c_module_writes_the_same_vectors(tmp_path: Path, pg_server: str) -> None:  # noqa: F811
    from pgserver import new_database
    from test_sync import make_collection, query, report, sync

    folder = make_collection(tmp_path, "sahel")
    columns = "SELECT path, search::text, scopes::text, search_head::text, data FROM brief.briefs ORDER BY path"
    with new_database(pg_server) as native, new_database(pg_server) as python:
        assert report(sync(folder, native))["added"] == 10
        assert report(sync(folder, python, env={"BRIEF_NO_EXTENSION": "1"}))["added"] == 10
        written = query(native, columns)
        assert written == query(python, columns) and all(row[1] and row[2] and row[3] for row in written)
