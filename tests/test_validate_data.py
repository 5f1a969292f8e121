"""Every file in data/invalid gives exactly the errors in data/expected; every file in data/valid is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, run

INVALID = sorted(p.name for p in (DATA / "invalid").iterdir())
VALID = sorted(p.name for p in (DATA / "valid").iterdir())


@pytest.mark.parametrize("name", INVALID)
def test_invalid_file_reports_exact_errors(name: str, in_data: Path) -> None:
    result = run("validate", f"invalid/{name}")
    expected = (DATA / "expected" / f"{name}.txt").read_text(encoding="utf-8")
    assert result.output == expected
    assert result.exit_code == 1


@pytest.mark.parametrize("name", VALID)
def test_valid_file_passes(name: str, in_data: Path) -> None:
    result = run("validate", f"valid/{name}")
    assert result.output == "Checked 1 file: all valid.\n"
    assert result.exit_code == 0


def test_every_invalid_file_has_expected_output() -> None:
    expected = {p.name.removesuffix(".txt") for p in (DATA / "expected").iterdir()}
    assert expected == set(INVALID)


def test_one_broken_file_never_hides_the_others(in_data: Path) -> None:
    result = run("validate", "invalid", "valid")
    files_reported = {line.split(":")[0] for line in result.output.splitlines()[:-1]}
    assert files_reported == {f"invalid/{name}" for name in INVALID}
    errors = sum(len((DATA / "expected" / f"{n}.txt").read_text().splitlines()) - 1 for n in INVALID)
    summary = f"Checked {len(INVALID) + len(VALID)} files: {len(INVALID)} invalid, {errors} errors."
    assert result.output.splitlines()[-1] == summary
    assert result.exit_code == 1
