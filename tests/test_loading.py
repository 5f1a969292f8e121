"""The YAML loader: YAML 1.2's core schema (as JSON Schema tools read YAML), the fast path equal to the
reference construction, and what JSON cannot hold reported as `yaml-type` problems at their position."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
import yamlcore

from brief.format import loading
from conftest import DATA, ROOT


def parse(text: str) -> tuple[Any, bool, list[loading.TypeProblem]]:
    return loading._parse_yaml(loading.Source("t", "yaml", text))


def reference(text: str) -> Any:
    """yamlcore's pure-Python core-schema loader: the types the fast path must give."""
    return yaml.load(text, Loader=yamlcore.CoreLoader)


# (plain scalar as typed, the value YAML 1.2's core schema gives it)
CORE_SCHEMA = [
    ("NO", "NO"),
    ("no", "no"),
    ("No", "No"),
    ("yes", "yes"),
    ("Yes", "Yes"),
    ("on", "on"),
    ("OFF", "OFF"),
    ("y", "y"),
    ("n", "n"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("null", None),
    ("Null", None),
    ("NULL", None),
    ("~", None),
    ("nULL", "nULL"),
    ("1_000", "1_000"),
    ("1:30", "1:30"),
    ("1:30.5", "1:30.5"),
    ("0b101", "0b101"),
    ("-0b101", "-0b101"),
    ("0o17", 15),
    ("0x1F", 31),
    ("012", 12),
    ("+12", 12),
    ("-0", 0),
    ("0xff_ff", "0xff_ff"),
    ("1.5", 1.5),
    (".5", 0.5),
    ("1.", 1.0),
    ("1e3", 1000.0),
    ("6.8523015e+5", 685230.15),
    ("1.10", 1.1),
    (".inf", float("inf")),
    ("-.Inf", float("-inf")),
    ("+.INF", float("inf")),
    ("2021-09-20", "2021-09-20"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("=", "="),
    ("<<", "<<"),
]


@pytest.mark.parametrize(("typed", "value"), CORE_SCHEMA)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(typed: str, value: Any) -> None:
    data, duplicates, problems = parse(f"a: {typed}\n")
    assert repr(data["a"]) == repr(value)  # same type too (1 vs 1.0 vs True)
    assert (duplicates, problems) == (False, [])


def test_nan_is_a_float() -> None:
    value = parse("a: .NaN\n")[0]["a"]
    assert value != value


def test_norway_is_a_country_code_and_norwegian_a_language() -> None:
    data, _, _ = parse("nations: [NO, FR]\nlanguage: no\n")
    assert data == {"nations": ["NO", "FR"], "language": "no"}


def test_merge_keys_are_ordinary_keys_in_yaml_1_2() -> None:
    data, _, problems = parse("base: &b {x: 1}\nmerged: {<<: *b, z: 3}\n")
    assert data == {"base": {"x": 1}, "merged": {"<<": {"x": 1}, "z": 3}}
    assert problems == []


SAMPLES = [
    "a: 1\nb: 0x1F\nc: 1_000\nd: 1:30\ne: 0o17\nf: -0b101\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: 1e3\ne: 6.8523015e+5\nf: 1:30.5\n",
    "a: yes\nb: No\nc: ON\nd: off\ne: true\nf: FALSE\n",
    "a: ~\nb: null\nc:\nd: ''\n",
    "a: 2021-09-20\nb: 2001-12-14t21:59:43.10-05:00\nc: '2021-09-20'\n",
    "a: !!str 123\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'true'\ne: !!null ''\n",
    "list: &l [1, 2]\nagain: *l\nnested: [[*l, *l], {k: *l}]\n",
    'text: |\n  multi\n  line\nfolded: >\n  folded\n  text\nquoted: "é\\t\\u00e9"\n',
    "1: one\n2.5: two\n~: four\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_loader_matches_the_reference_core_schema_loader(text: str) -> None:
    data, _, problems = parse(text)
    assert repr(data) == repr(reference(text))
    assert problems == []


def test_aliases_stay_one_object() -> None:
    data, _, _ = parse("list: &l [1, 2]\nagain: *l\n")
    assert data["list"] is data["again"]


def test_duplicates_are_noticed() -> None:
    assert parse("a: 1\na: 2\n")[1] is True
    assert parse("b: {c: 1, c: 2}\n")[1] is True
    assert parse("b: !!map {c: 1, c: 2}\n")[1] is True  # the careful builder too
    assert parse(SAMPLES[0])[1] is False


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")) + sorted((DATA / "valid").glob("*.yaml")))
def test_real_briefs_load_as_the_reference_reads_them(path: Any) -> None:
    text = path.read_text(encoding="utf-8-sig")
    data, duplicates, problems = parse(text)
    assert data == reference(text)
    assert (duplicates, problems) == (False, [])


# (YAML, the data kept, [(json path, line, column, message start)])
TYPE_PROBLEMS = [
    ("a: !local bar\n", {"a": "bar"}, [(("a",), 1, 4, "YAML tag !local is not allowed")]),
    ("a: !!binary aGVsbG8=\n", {"a": "aGVsbG8="}, [(("a",), 1, 4, "YAML tag !!binary is not allowed")]),
    ("a: !!timestamp 2021-09-20\n", {"a": "2021-09-20"}, [(("a",), 1, 4, "YAML tag !!timestamp")]),
    ("s: !!set {x, y}\n", {"s": {"x": None, "y": None}}, [(("s",), 1, 4, "YAML tag !!set is not allowed")]),
    ("o: !!omap [{a: 1}]\n", {"o": [{"a": 1}]}, [(("o",), 1, 4, "YAML tag !!omap is not allowed")]),
    ("x: !<tag:example.com,2000:app/foo> v\n", {"x": "v"}, [(("x",), 1, 4, "YAML tag tag:example.com")]),
    ("a: !!int abc\n", {"a": "abc"}, [(("a",), 1, 4, "'abc' is not a valid !!int")]),
    ("a: !!bool yes\n", {"a": "yes"}, [(("a",), 1, 4, "'yes' is not a valid !!bool")]),
    ("? [a, b]\n: c\nd: 1\n", {"d": 1}, [((), 1, 3, "a list used as a key; keys must be text")]),
    ("x:\n  ? {a: 1}\n  : c\n", {"x": {}}, [(("x",), 2, 5, "a mapping used as a key")]),
    ("a: &x [1, *x]\n", {"a": [1, None]}, [(("a", 1), 1, 4, "an alias to the list or mapping that contains it")]),
    ("! a: ! b\n", {"a": "b"}, []),  # the non-specific tag: a plain string
]


@pytest.mark.parametrize(("text", "data", "expected"), TYPE_PROBLEMS)
def test_tags_and_complex_keys_are_type_problems_with_positions(
    text: str, data: Any, expected: list[tuple[tuple[Any, ...], int, int, str]]
) -> None:
    loaded, _, problems = parse(text)
    assert loaded == data
    assert [(p.path, p.line, p.column) for p in problems] == [e[:3] for e in expected]
    for problem, (*_, start) in zip(problems, expected, strict=True):
        assert problem.message.startswith(start), problem.message


def test_type_problems_reach_the_checker_as_yaml_type() -> None:
    from brief.format.checker import Checker

    _, result = Checker().load_bytes(
        b'schema_version: "1.0"\nid: t\ntitle: !x T\ndate: 2021-01-01\nlanguage: en\n', "t.yaml", "yaml"
    )
    assert [(d.line, d.column, d.path, d.rule) for d in result.diagnostics] == [(3, 8, "$.title", "yaml-type")]


def test_front_matter_positions_count_the_opening_line() -> None:
    loaded = loading.load_text("---\ntitle: !x T\n---\nbody\n", "t.md", "markdown")
    assert [(p.line, p.column) for p in loaded.type_problems] == [(2, 8)]


@pytest.mark.parametrize(
    ("text", "line", "column"), [("a: 1\n---\nb: 2\n", 2, 1), ("---\na: 1\n...\n---\nb: 2\n", 4, 1)]
)
def test_several_documents_are_refused_where_the_second_starts(text: str, line: int, column: int) -> None:
    with pytest.raises(loading.LoadError) as caught:
        loading.load_text(text, "t.yaml", "yaml")
    assert (caught.value.rule, caught.value.line, caught.value.column) == ("multiple-documents", line, column)


def test_one_explicit_document_is_fine() -> None:
    assert loading.load_text("---\na: 1\n...\n", "t.yaml", "yaml").data == {"a": 1}


@pytest.mark.parametrize(("text", "what"), [("NO\n", "a string"), ("- a\n", "a list"), ("# only\n", "nothing")])
def test_a_top_level_that_is_not_a_mapping_is_refused(text: str, what: str) -> None:
    with pytest.raises(loading.LoadError) as caught:
        loading.load_text(text, "t.yaml", "yaml")
    assert caught.value.rule == "not-a-mapping"
    assert caught.value.message.endswith(what)


def test_read_file_reads_what_a_pipe_gives_up_to_the_bound(tmp_path: Any) -> None:
    import os
    import threading

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    text = b"a: 1\n" * 20_000  # more than one pipe buffer: several short reads

    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    assert loading.read_file(str(fifo)) == text
    writer.join()


def test_read_file_refuses_past_the_bound_and_names_directories(tmp_path: Any) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (loading.MAX_BYTES + 1))
    with pytest.raises(loading.LoadError) as caught:
        loading.read_file(str(big))
    assert caught.value.rule == "too-large"
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"#" * loading.MAX_BYTES)
    assert len(loading.read_file(str(exact))) == loading.MAX_BYTES
    with pytest.raises(loading.LoadError) as caught:
        loading.read_file(str(tmp_path))
    assert (caught.value.rule, caught.value.message) == ("unreadable", "is a directory")


@pytest.mark.parametrize("depth", [3, 64, 65])
def test_json_nesting_is_bounded_exactly(depth: int) -> None:
    text = '{"a": ' + "[" * (depth - 1) + '"[[[["' + "]" * (depth - 1) + "}"
    if depth <= loading.MAX_DEPTH:
        assert loading.load_text(text, "t.json", "json").data["a"] is not None
    else:
        with pytest.raises(loading.LoadError) as caught:
            loading.load_text(text, "t.json", "json")
        assert caught.value.rule == "too-deep"


@pytest.mark.parametrize(
    "text",
    ["[" * 65 + "]" * 65 + " x",  # deep and broken: the depth is said first
     "[" * 5000 + "]" * 5000,  # deeper than Python's recursion limit
     '{"a": ' + "[" * 70 + "1" + "]" * 70 + "}"],
)  # fmt: skip
def test_too_deep_json_is_refused_at_its_position(text: str) -> None:
    with pytest.raises(loading.LoadError) as caught:
        loading.load_text(text, "t.json", "json")
    assert caught.value.rule == "too-deep" and caught.value.line == 1 and caught.value.column > 60


@pytest.mark.parametrize(
    ("value", "text"),
    [("NO", True), ("on", True), ("1_000", True), ("", False), ("0o17", False), ("1e3", False), ("019", False),
     ("true", False), ("~", False), ("2021-09-20", True), ("-.inf", False), ("x", True)],
)  # fmt: skip
def test_reads_as_text_follows_the_loader(value: str, text: bool) -> None:
    assert loading.reads_as_text(value) is text
    if value:
        assert isinstance(parse(f"a: {value}\n")[0]["a"], str) is text


TRICKY = ["0o17", "1e3", "019", "NO", "on", "1_000", "true", "~", "null", ".5", "0x1F", "1:30", "=", "<<"]


def test_what_brief_writes_as_yaml_reads_back_as_text() -> None:
    from brief.authoring.emit import scalar
    from brief.render.show.data import render_yaml

    brief = {"schema_version": "1.0", "id": "t", "title": "0o17", "tags": TRICKY, "summary": "1e3"}
    assert parse(render_yaml(brief))[0] == brief
    for value in TRICKY:
        assert parse(f"a: {scalar(value)}\n")[0] == {"a": value}, value
