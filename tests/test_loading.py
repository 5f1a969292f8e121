"""The loader's fast YAML path gives exactly what PyYAML's safe loader gives (timestamps kept as typed)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from brief.format import loading
from conftest import DATA, ROOT


class Reference(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, the behaviour the fast path must match."""


Reference.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: str(node.value))

SAMPLES = [
    "a: 1\nb: 0x1F\nc: 1_000\nd: 1:30\ne: 0o17\nf: -0b101\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: 1e3\ne: 6.8523015e+5\nf: 1:30.5\n",
    "a: yes\nb: No\nc: ON\nd: off\ne: true\nf: FALSE\n",
    "a: ~\nb: null\nc:\nd: ''\n",
    "a: 2021-09-20\nb: 2001-12-14t21:59:43.10-05:00\nc: '2021-09-20'\n",
    "a: !!str 123\nb: !!int '7'\nc: !!float '1'\nd: !!binary aGVsbG8=\n",
    "base: &b {x: 1, y: 2}\nother: *b\nmerged: {<<: *b, z: 3}\n",
    "list: &l [1, 2]\nagain: *l\nnested: [[*l, *l], {k: *l}]\n",
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "set: !!set {a, b}\nomap: !!omap [{a: 1}, {b: 2}]\npairs: !!pairs [{a: 1}, {a: 2}]\n",
    'text: |\n  multi\n  line\nfolded: >\n  folded\n  text\nquoted: "é\\t\\u00e9"\n',
    "1: one\n2.5: two\ntrue: three\n~: four\n",
]


def both(text: str) -> tuple[Any, Any]:
    fast = loading._parse_yaml(loading.Source("t", "yaml", text))[0]
    return fast, yaml.load(text, Loader=Reference)


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_path_matches_pyyaml(text: str) -> None:
    fast, reference = both(text)
    assert fast == reference
    assert repr(fast) == repr(reference)  # same types too (1 vs 1.0 vs True)


def test_aliases_stay_one_object_as_in_pyyaml() -> None:
    fast, _ = both("list: &l [1, 2]\nagain: *l\n")
    assert fast["list"] is fast["again"]


def test_duplicates_are_noticed() -> None:
    assert loading._parse_yaml(loading.Source("t", "yaml", "a: 1\na: 2\n"))[1] is True
    assert loading._parse_yaml(loading.Source("t", "yaml", "b: {c: 1, c: 2}\n"))[1] is True
    assert loading._parse_yaml(loading.Source("t", "yaml", SAMPLES[0]))[1] is False


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")) + sorted((DATA / "valid").glob("*.yaml")))
def test_real_briefs_load_identically(path: Any) -> None:
    text = path.read_text(encoding="utf-8-sig")
    fast, reference = both(text)
    assert fast == reference


def test_unhashable_key_is_a_clear_error() -> None:
    with pytest.raises(loading.LoadError) as caught:
        loading.load_text("? {a: 1}\n: b\n", "t.yaml", "yaml")
    assert caught.value.rule == "yaml-syntax"
