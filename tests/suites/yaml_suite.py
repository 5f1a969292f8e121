"""The YAML test suite (tests/suites/yaml-test-suite, release data-2022-01-17) run through brief's YAML loader.

    python tests/suites/yaml_suite.py      # prints the agreement figure the README quotes

Each case ends in one of these outcomes:
  agree      valid YAML that loads to the suite's JSON; invalid YAML that is refused as a syntax error; valid
             YAML with no JSON form (a list as a key, a !!set) that loads with its `yaml-type` problems
  refused    a documented refusal: several documents in one file (`multiple-documents`), or none (an empty
             stream, refused as `not-a-mapping` by `brief validate`)
  disagree   anything else; every such case is listed, with the reason, in yaml-disagreements.json
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parent / "yaml-test-suite"
DISAGREEMENTS = Path(__file__).resolve().parent / "yaml-disagreements.json"


@dataclass(frozen=True)
class Case:
    ident: str
    folder: Path

    @property
    def text(self) -> str:
        return (self.folder / "in.yaml").read_bytes().decode("utf-8")

    @property
    def title(self) -> str:
        return (self.folder / "===").read_text(encoding="utf-8").strip()

    @property
    def invalid(self) -> bool:
        return (self.folder / "error").exists()

    @property
    def expected(self) -> list[Any] | None:
        """The documents the suite expects, or None when the YAML has no JSON form."""
        path = self.folder / "in.json"
        if not path.exists():
            return None
        text, decoder, documents, index = path.read_text(encoding="utf-8"), json.JSONDecoder(), [], 0
        while True:
            while index < len(text) and text[index].isspace():
                index += 1
            if index == len(text):
                return documents
            document, index = decoder.raw_decode(text, index)
            documents.append(document)


def cases() -> list[Case]:
    found = []
    for folder in sorted(p for p in SUITE.iterdir() if p.is_dir()):
        if (folder / "in.yaml").exists():
            found.append(Case(folder.name, folder))
        else:
            found.extend(Case(f"{folder.name}/{sub.name}", sub) for sub in sorted(folder.iterdir()))
    return found


def as_json(value: Any) -> Any:
    """Data as the suite's JSON renders it: keys as text, 1.0 and 1 alike."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else json.dumps(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def outcome(case: Case) -> tuple[str, str]:
    """(agree | refused | disagree, what happened), for one case, through brief's loader."""
    from brief.format import loading

    try:
        data, _, problems = loading._parse_yaml(loading.Source("in.yaml", "yaml", case.text))
    except loading.LoadError as exc:
        if case.invalid:
            return "agree", f"refused: {exc.rule}"
        if exc.rule == "multiple-documents":
            return "refused", "several documents"
        return "disagree", f"valid YAML refused: {exc.message}"
    if case.invalid:
        return "disagree", "invalid YAML accepted"
    expected = case.expected
    if expected is None:
        return "agree", f"loaded, {len(problems)} yaml-type problem(s)"
    if not expected:
        return "refused", "no document"  # an empty stream: brief validate says not-a-mapping
    if len(expected) > 1:
        return "disagree", "several documents read as one"
    if as_json(data) == as_json(expected[0]):
        return "agree", "same data"
    return "disagree", f"different data: {json.dumps(as_json(data))[:80]}"


def run_all() -> tuple[dict[str, tuple[str, str]], float]:
    results, slowest = {}, 0.0
    for case in cases():
        start = time.perf_counter()
        results[case.ident] = outcome(case)
        slowest = max(slowest, time.perf_counter() - start)
    return results, slowest


def main() -> None:
    sys.path.insert(0, str(SUITE.parents[2] / "src"))
    results, slowest = run_all()
    counts = Counter(kind for kind, _ in results.values())
    print(
        f"{len(results)} cases: {counts['agree']} agree, {counts['refused']} refused as documented, "
        f"{counts['disagree']} disagree; slowest case {slowest * 1000:.0f} ms"
    )
    valid_refused = sum(1 for k, (kind, why) in results.items() if why.startswith("valid YAML refused"))
    accepted = sum(1 for kind, why in results.values() if why == "invalid YAML accepted")
    print(f"valid refused: {valid_refused}; invalid accepted: {accepted}")
    for ident, (kind, why) in results.items():
        if kind == "disagree":
            print(f"  {ident}: {why}")


if __name__ == "__main__":
    main()
