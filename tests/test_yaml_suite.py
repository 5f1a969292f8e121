"""The YAML test suite, vendored at a fixed release: every case ends as the suite expects, in a documented
refusal, or in a disagreement listed with its reason; never a traceback, never a hang."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "suites"))
import yaml_suite  # tests/suites/yaml_suite.py

CASES = yaml_suite.cases()
KNOWN = json.loads(yaml_suite.DISAGREEMENTS.read_text(encoding="utf-8"))
SECONDS_PER_CASE = 5.0  # each takes milliseconds; this only catches a hang


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 402
    assert sum(case.invalid for case in CASES) == 94


@pytest.mark.parametrize("case", CASES, ids=[case.ident for case in CASES])
def test_case_ends_as_the_suite_expects_or_as_documented(case: yaml_suite.Case) -> None:
    start = time.perf_counter()
    kind, why = yaml_suite.outcome(case)
    assert time.perf_counter() - start < SECONDS_PER_CASE
    if case.ident in KNOWN:
        assert kind == "disagree", f"{case.ident} now {kind} ({why}): remove it from yaml-disagreements.json"
        assert why == KNOWN[case.ident]["brief"]
    else:
        assert kind in ("agree", "refused"), f"{case.ident} ({case.title}): {why}"


@pytest.mark.parametrize("case", CASES, ids=[case.ident for case in CASES])
def test_brief_validate_reports_every_case_without_a_traceback(case: yaml_suite.Case) -> None:
    from brief.base.text import neutralise
    from brief.format.checker import Checker

    _, result = Checker().load_bytes(case.text.encode("utf-8"), "in.yaml", "yaml")
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        assert "\n" not in neutralise(diagnostic.message) and "Traceback" not in diagnostic.message


def test_the_agreement_figure_in_the_readme_is_current() -> None:
    from collections import Counter

    counts = Counter(yaml_suite.outcome(case)[0] for case in CASES)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    figure = (
        f"{counts['agree']} of the 402 cases end as the suite expects, {counts['refused']} in a documented "
        f"refusal and {counts['disagree']} differently"
    )
    assert figure in readme.replace("\n", " ")


def test_the_whole_suite_through_brief_validate_in_a_real_process(tmp_path: Path) -> None:
    from conftest import run_process

    for case in CASES:
        (tmp_path / (case.ident.replace("/", "-") + ".yaml")).write_bytes((case.folder / "in.yaml").read_bytes())
    result = run_process("validate", "--format", "json", "-j", "2", str(tmp_path), timeout=120)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr and result.stderr == b""
    report = json.loads(result.stdout)
    assert report["files_checked"] == len(CASES)
    assert {error["rule"] for error in report["errors"]} >= {"yaml-syntax", "multiple-documents", "yaml-type"}
