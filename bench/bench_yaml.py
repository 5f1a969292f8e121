#!/usr/bin/env python3
"""YAML parsers measured for brief: speed on the rich corpus, and what the checker needs from them.

    pip install fastyaml-rs yaml-rs py-yaml12 libfyaml ruamel.yaml     # the candidates (not brief's dependencies)
    python bench/bench_yaml.py [--count 2000] [--rounds 5] [--corpus bench/corpus/...]

For each parser that is installed: the median time per brief to parse the YAML of rich briefs (the .yaml files
and the front matter of the .md files; rounds interleaved, so load on a shared machine hits all alike), its
ratio to brief's own loader, and five checks the checker depends on:

  1.2 core   `NO`, `on`, `1_000`, `0b11`, `1:30` read as text, `0o17` as 15, dates as text
  dup keys   a repeated key is noticed (not silently the last value)
  tags       an unknown tag (`!local x`) can be seen, to be reported as `yaml-type`
  several    a file of two documents can be told from one
  line:col   a syntax error says where

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

CORE = "a: NO\nb: on\nc: 1_000\nd: 0b11\ne: 1:30\nf: 0o17\ng: 2021-09-20\n"
CORE_EXPECTED = {"a": "NO", "b": "on", "c": "1_000", "d": "0b11", "e": "1:30", "f": 15, "g": "2021-09-20"}
BROKEN = "a: 1\nb: [1, 2\nc: 3\n"  # the flow sequence is never closed; every parser should say line 3


def brief_loader(text: str) -> Any:
    from brief.format import loading

    try:
        data, duplicates, problems = loading._parse_yaml(loading.Source("t", "yaml", text))
    except loading.LoadError as exc:
        raise ValueError(f"{exc.message} at line {exc.line}, column {exc.column}") from None
    if duplicates or problems:
        raise ValueError("duplicate key" if duplicates else problems[0].message)
    return data


def pyyaml_c(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=yaml.CSafeLoader)


def fastyaml(text: str) -> Any:
    import fast_yaml

    return fast_yaml.safe_load(text)


def yaml_rs(text: str) -> Any:
    import yaml_rs

    return yaml_rs.loads(text, parse_datetime=False)


def yaml12(text: str) -> Any:
    import yaml12

    return yaml12.parse_yaml(text)


def libfyaml(text: str) -> Any:
    import libfyaml

    return libfyaml.loads(text).to_python()


_ruamel: Any = None


def ruamel_c(text: str) -> Any:
    global _ruamel
    if _ruamel is None:
        from ruamel.yaml import YAML

        _ruamel = YAML(typ="safe", pure=False)
    return _ruamel.load(text)


PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "brief (libyaml + YAML 1.2 core)": ("yaml", brief_loader),
    "PyYAML CSafeLoader (YAML 1.1)": ("yaml", pyyaml_c),
    "fastyaml-rs": ("fast_yaml", fastyaml),
    "yaml-rs": ("yaml_rs", yaml_rs),
    "py-yaml12": ("yaml12", yaml12),
    "libfyaml": ("libfyaml", libfyaml),
    "ruamel.yaml (safe, C)": ("ruamel.yaml", ruamel_c),
}


def available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def yaml_texts(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml":
            texts.append(text)
        elif path.suffix == ".md":
            texts.append(text[4 : text.index("\n---\n", 3) + 1])
    return texts


def checks(parse: Callable[[str], Any]) -> dict[str, str]:
    def attempt(text: str) -> tuple[Any, str | None]:
        try:
            return parse(text), None
        except Exception as exc:  # each parser has its own exception types
            return None, str(exc)

    out = {}
    data, _ = attempt(CORE)
    out["1.2 core"] = "yes" if data == CORE_EXPECTED else "no"
    data, error = attempt("a: 1\na: 2\n")
    out["dup keys"] = "yes" if error else "no (keeps the last)"
    data, error = attempt("a: !local x\n")
    out["tags"] = "yes" if error or not isinstance(data, dict) or data.get("a") != "x" else "no (dropped)"
    data, error = attempt("a: 1\n---\nb: 2\n")
    out["several"] = "yes" if error or isinstance(data, list) else "no (first only)"
    _, error = attempt(BROKEN)
    found = re.search(r"line\D{0,3}(\d+)", error or "")
    out["line:col"] = f"yes (line {found.group(1)})" if found else "no"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="rich briefs generated (default 2000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder instead of generating one")
    args = parser.parse_args()

    import corpus  # bench/corpus.py

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.corpus
        if folder is None:
            folder = Path(scratch) / "rich"
            corpus.generate(folder, args.count, 1, {"yaml": 70, "json": 15, "md": 15}, corpus="rich")
        texts = yaml_texts(folder)
    chosen = {name: parse for name, (module, parse) in PARSERS.items() if available(module)}
    for parse in chosen.values():
        parse(texts[0])  # imports, first-call setup
    rounds: dict[str, list[float]] = {name: [] for name in chosen}
    names = list(chosen)
    for index in range(args.rounds):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            start = time.perf_counter()
            for text in texts:
                chosen[name](text)
            rounds[name].append((time.perf_counter() - start) / len(texts))
    reference = statistics.median(rounds[names[0]])
    print(f"{len(texts)} YAML texts (rich corpus: .yaml files and .md front matter), {args.rounds} rounds\n")
    print("| parser | µs per brief | ratio to brief | 1.2 core | dup keys | tags | several docs | line:col |")
    print("|---|--:|--:|---|---|---|---|---|")
    for name in names:
        median = statistics.median(rounds[name])
        found = checks(chosen[name])
        print(
            f"| {name} | {median * 1e6:.0f} | {median / reference:.2f}× | {found['1.2 core']} | {found['dup keys']} "
            f"| {found['tags']} | {found['several']} | {found['line:col']} |"
        )


if __name__ == "__main__":
    main()
