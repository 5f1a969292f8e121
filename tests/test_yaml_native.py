"""brief.format._yaml, the C module that builds an ordinary YAML brief straight from libyaml's events, against
brief's full loader: on every YAML text the tests hold (valid and invalid briefs, hostile files, the YAML test
suite, the examples, generated briefs) and on generated YAML, both give the same data, the same repeated-key
flag, the same type problems and the same error (rule, message, line:col). The C module takes only the common
case and declines the rest; this checks it never answers differently, and that it does answer the common case."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.format import loading
from conftest import DATA, ROOT, bench_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent / "suites"))
import yaml_suite  # tests/suites/yaml_suite.py

NATIVE = loading.native_yaml()
pytestmark = pytest.mark.skipif(
    NATIVE is None and not os.environ.get("CI"), reason="brief.format._yaml is not built here (needs libyaml-dev)"
)


@contextmanager
def full_loader_only() -> Iterator[None]:
    saved = loading._native
    loading._native = None
    try:
        yield
    finally:
        loading._native = saved


def outcome(text: str, kind: str = "yaml") -> tuple[Any, ...]:
    try:
        loaded = loading.load_text(text, "t", kind)  # type: ignore[arg-type]
    except loading.LoadError as exc:
        return ("error", exc.rule, exc.message, exc.line, exc.column)
    return ("data", _exact(loaded.data), loaded.has_duplicate_keys, loaded.type_problems)


def _exact(value: Any) -> Any:
    """Data with each scalar's type kept (1, 1.0 and True are equal in Python, not in a brief)."""
    if isinstance(value, dict):
        return [(_exact(k), _exact(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_exact(v) for v in value]
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


def both(text: str, kind: str = "yaml") -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    native = outcome(text, kind)
    with full_loader_only():
        full = outcome(text, kind)
    return native, full


def _texts() -> list[tuple[str, str]]:
    found = []
    for folder in (DATA, ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".yml", ".md") and path.is_file():
                try:
                    text = path.read_bytes().decode("utf-8")
                except UnicodeDecodeError:
                    continue
                found.append((str(path.relative_to(ROOT)), text))
    found += [(f"yaml-test-suite/{case.ident}", case.text) for case in yaml_suite.cases()]
    return found


TEXTS = _texts()


def test_the_module_is_built_in_ci() -> None:
    assert NATIVE is not None, "brief.format._yaml is not built: .ci/run installs libyaml-dev for it"


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[name for name, _ in TEXTS])
def test_the_same_answer_as_the_full_loader(name: str, text: str) -> None:
    kind = "markdown" if name.endswith(".md") else "yaml"
    native, full = both(text, kind)
    assert native == full


def test_it_answers_the_common_case() -> None:
    """Every example brief is built by the C module (the loader does not fall back to composing nodes)."""
    assert NATIVE is not None
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    assert examples
    for path in examples:
        built = NATIVE(path.read_text(encoding="utf-8"))
        assert built is not None, path
        with full_loader_only():
            assert _exact(built[0]) == _exact(loading.load_text(path.read_text(encoding="utf-8"), "t", "yaml").data)


@pytest.mark.parametrize(
    "text",
    [
        "a: NO\nb: on\nc: 1_000\nd: 0b11\ne: 1:30\nf: 0o17\ng: 2021-09-20\nh: .5\ni: -.inf\nj: .NaN\nk: ~\nl:\n",
        "a: 1\na: 2\n",  # a repeated key
        "a: !!int 3\n",  # an explicit tag: the full loader's
        "a: ! 3\nb: !foo x\n",
        "a: &x 1\nb: *x\n",  # anchors and aliases: the full loader's
        "---\na: 1\n---\nb: 2\n",  # two documents
        "%YAML 1.2\n---\na: 1\n",
        "? [1, 2]\n: x\n",  # a complex key
        "[1, 2: 3]\n",
        "",
        "# only a comment\n",
        "a: [1, 2\n",  # a syntax error
        "a: 'b\n",
        "a:\n  - b\n  -\n  - {c: d, e: [f, 'g', \"h\"]}\n",
        "a: |\n  line\n  more\nb: >-\n  folded\n  text\n",
        "a: \"\\u00e9\\t\"\nb: caf\u00e9\nc: \U0001f600\n",
        "a: 1\n...\n",
        "1: one\n1.5: two\ntrue: three\nnull: four\n",
        "- " * 70 + "x\n",  # deeper than MAX_DEPTH
        "{" * 70 + "}" * 70 + "\n",
        "a: \x1b[31mred\n",  # a character YAML refuses
    ],
)
def test_edge_cases(text: str) -> None:
    native, full = both(text)
    assert native == full


_SCALARS = st.one_of(
    st.sampled_from(["NO", "on", "1_000", "0x1F", "0o17", "1e3", "-1", "+2.5", ".inf", "~", "null", "true", "False",
                     "2021-09-20", "1:30", "x y", "'q'", '"d"', "!x", "&a", "*a", "[1]", "{a: 1}", "#", "- x", ": y"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
)  # fmt: skip


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """Block mappings and sequences of scalars, some nested, some broken: text shaped like a brief's, and not."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = "  " * draw(st.integers(0, 3))
        key = draw(st.sampled_from(["id", "title", "a", "b", "- ", "- a", "1", "? k", "c"]))
        value = draw(_SCALARS)
        separator = draw(st.sampled_from([": ", ":", " ", ": |\n" + indent + "  "]))
        lines.append(f"{indent}{key}{separator}{value}")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n---\n", "\n...\n"]))


@settings(max_examples=int(os.environ.get("BRIEF_FUZZ_EXAMPLES", "12")) * 25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(yaml_texts())
def test_generated_yaml(text: str) -> None:
    native, full = both(text)
    assert native == full


def test_generated_briefs(tmp_path: Path) -> None:
    """Briefs of the benchmark corpus's shape (bench/corpus.py), in YAML and Markdown."""
    folder = tmp_path / "corpus"
    with bench_corpus() as corpus:
        corpus.generate(folder, 60, seed=7, formats="yaml,md", corpus="rich")
    names = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".md"))
    assert len(names) >= 50
    for path in names:
        native, full = both(path.read_text(encoding="utf-8"), "markdown" if path.suffix == ".md" else "yaml")
        assert native == full, path


_EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.yaml"))]
_HOSTILE = ["&a ", "*a", "!x ", "!!str ", "--- ", "\n---\n", "...", "[", "]", "{", "}", ": ", "- ", "? ", "#", "'",
            '"', "|", ">", "\t", "\n", "  ", "\\", "%YAML 1.2\n", "<<: ", "~", "1e9", "0x1F", ".nan", "\u2028",
            "\ufeff", "\x00", "\x1b", "é", "\U0001f600"]  # fmt: skip


@settings(max_examples=int(os.environ.get("BRIEF_FUZZ_EXAMPLES", "12")) * 25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.sampled_from(range(len(_EXAMPLE_TEXTS))),
       st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), st.sampled_from(_HOSTILE)), min_size=1, max_size=6))
def test_mangled_briefs(which: int, edits: list[tuple[float, int, str]]) -> None:
    """Real briefs with a few bytes cut and hostile text put in their place: both loaders agree."""
    text = _EXAMPLE_TEXTS[which]
    for where, cut, put in edits:
        at = int(where * len(text))
        text = text[:at] + put + text[at + cut :]
    native, full = both(text)
    assert native == full
