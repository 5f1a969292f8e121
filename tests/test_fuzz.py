"""Every command, fed generated and mutated briefs, queries and option values, ends with exit code 0, 1 or 2,
without a traceback, within a time bound per input, and leaves the user's files as they were.

CI runs a few examples per command (`BRIEF_FUZZ_EXAMPLES`, default 12); the README gives the command of the long
campaign and its last figures. Inputs that once broke a command are kept as regression fixtures in
tests/data/invalid/ and as explicit @example cases here.
"""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.cli.app import cli
from brief.cli.commands import COMMANDS
from fuzzing import (
    EXAMPLE_COUNT,
    EXAMPLES,
    Fuzzed,
    articles,
    briefs,
    dates,
    filter_args,
    hostile_text,
    nations,
    queries,
)
from pgserver import pg_dsn, pg_server  # noqa: F401  (fixtures)

SECONDS_PER_INPUT = 30  # generous: the slowest inputs (a 3 MB string) take about a second here
FUZZ = settings(
    max_examples=EXAMPLE_COUNT,
    deadline=None,
    derandomize=EXAMPLE_COUNT <= 50,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Hang(Exception):
    pass


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def collection(brief: Fuzzed) -> Iterator[Path]:
    """A folder holding the fuzzed brief beside an intact example (one broken file must not hide the others)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "briefs"
        root.mkdir()
        (root / brief.name).write_bytes(brief.content)
        intact = next(e for e in EXAMPLES if e.name != brief.name)
        (root / intact.name).write_bytes(intact.read_bytes())
        yield root


FAILURES = Path(tempfile.gettempdir()) / "brief-fuzz-failures"


def _keep(root: Path) -> Path:
    """A copy of the input that failed, for the regression fixtures (the report names it)."""
    import shutil

    kept = FAILURES / f"case-{len(list(FAILURES.glob('case-*'))) if FAILURES.exists() else 0}"
    shutil.copytree(root, kept, dirs_exist_ok=True)
    return kept


def invoke(command: str, args: list[str], root: Path) -> Result:
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    with time_bound(SECONDS_PER_INPUT):
        result = CliRunner().invoke(cli, [command, *args], catch_exceptions=True)
    where = f"brief {command} {args!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{where} raised (input kept in {_keep(root)}):\n{trace}")
    assert result.exit_code in (0, 1, 2), f"{where} exited {result.exit_code}:\n{result.output[-2000:]}"
    assert "Traceback (most recent call last)" not in result.output, f"{where}:\n{result.output[-2000:]}"
    assert "\x1b" not in result.output, f"{where} wrote an escape sequence to a file or pipe"
    for path, content in before.items():
        assert path.read_bytes() == content, f"{where} changed {path.name}"
    return result


@FUZZ
@given(brief=briefs, output=st.sampled_from(["text", "json", "github"]))
def test_validate(brief: Fuzzed, output: str) -> None:
    with collection(brief) as root:
        result = invoke("validate", ["-j", "1", "--format", output, str(root)], root)
        # the intact example beside the fuzzed file is always checked and named when the fuzzed one fails
        if result.exit_code == 1 and output == "text":
            assert brief.name in result.output


@FUZZ
@given(brief=briefs, data=st.data(), output=st.sampled_from(["table", "json", "jsonl", "csv", "markdown", "ids"]))
def test_list(brief: Fuzzed, data: st.DataObject, output: str) -> None:
    with collection(brief) as root:
        invoke("list", [str(root), "--format", output, *filter_args(data.draw)], root)


@FUZZ
@given(brief=briefs, query=queries, data=st.data(), output=st.sampled_from(["table", "json", "csv", "ids"]))
def test_search(brief: Fuzzed, query: str, data: st.DataObject, output: str) -> None:
    with collection(brief) as root:
        invoke("search", [query, str(root), "--format", output, *filter_args(data.draw)], root)


@FUZZ
@given(brief=briefs, output=st.sampled_from(["text", "markdown", "json", "yaml"]))
def test_show(brief: Fuzzed, output: str) -> None:
    with collection(brief) as root:
        invoke("show", [str(root / brief.name), "--format", output, "--no-pager"], root)


@FUZZ
@given(
    brief=briefs,
    data=st.data(),
    output=st.sampled_from(["text", "markdown", "json"]),
    by=st.sampled_from([[], ["--by", "nation"], ["--by", "actor"], ["--by", "month"]]),
)
def test_summary(brief: Fuzzed, data: st.DataObject, output: str, by: list[str]) -> None:
    with collection(brief) as root:
        invoke("summary", [str(root), "--format", output, *by, *filter_args(data.draw)], root)


@FUZZ
@given(
    brief=briefs,
    issue=st.one_of(st.sampled_from(["mali-wagner-partnership", "x"]), hostile_text),
    output=st.sampled_from(["table", "csv", "json", "markdown", "html"]),
    by=st.sampled_from([[], ["--by", "year"], ["--by", "brief"], ["--long"]]),
)
def test_compare(brief: Fuzzed, issue: str, output: str, by: list[str]) -> None:
    with collection(brief) as root:
        invoke("compare", [str(root / brief.name), "--format", output], root)
        invoke("compare", ["--issue", issue, str(root), "--format", output, *by], root)


@FUZZ
@given(
    brief=briefs,
    query=st.one_of(st.just(""), queries),
    data=st.data(),
    output=st.sampled_from(["json", "ndjson", "csv", "stix"]),
)
def test_export(brief: Fuzzed, query: str, data: st.DataObject, output: str) -> None:
    with collection(brief) as root:
        target = root.parent / "out" / "export.txt"
        target.parent.mkdir()
        args = [str(root), "--format", output, "-o", str(target), "--include-invalid", *filter_args(data.draw)]
        invoke("export", ([query] if query else []) + args, root)


@FUZZ
@given(article=articles, date=st.one_of(st.just("2024-01-02"), dates), lang=st.sampled_from(["en", "fr", "xx", ""]))
def test_import(article: tuple[str, bytes], date: str, lang: str) -> None:
    name, content = article
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_bytes(content)
        out = root / "drafts"
        invoke("import", [str(root / name), "-o", str(out), "--date", date, "--lang", lang, "--no-link"], root)


@FUZZ
@given(
    title=hostile_text,
    date=st.one_of(st.just("2024-01-02"), dates),
    nation=nations,
    output=st.sampled_from(["md", "yaml", "json"]),
    tag=hostile_text,
)
def test_new(title: str, date: str, nation: str, output: str, tag: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        target = root / f"new.{output}"
        args = [
            "-o",
            str(target),
            "--format",
            output,
            "--title",
            title,
            "--date",
            date,
            "--nation",
            nation,
            "--tag",
            tag,
        ]
        invoke("new", args, root)


@FUZZ
@given(
    brief=briefs,
    query=st.one_of(st.just(""), queries),
    output=st.sampled_from(["mermaid", "dot", "json"]),
    extra=st.sampled_from([[], ["--positions"], ["--top", "3"], ["--include-invalid"]]),
)
def test_graph(brief: Fuzzed, query: str, output: str, extra: list[str]) -> None:
    with collection(brief) as root:
        args = [str(root), "--format", output, *extra] + (["-q", query] if query else [])
        invoke("graph", args, root)


@FUZZ
@given(
    brief=briefs,
    query=st.one_of(st.just(""), queries),
    output=st.sampled_from(["html", "json"]),
    title=st.one_of(st.just("Weekly"), hostile_text),
)
def test_report(brief: Fuzzed, query: str, output: str, title: str) -> None:
    with collection(brief) as root:
        target = root.parent / f"report.{output}"
        args = [str(root), "--format", output, "-o", str(target), "--title", title, "--include-invalid"]
        result = invoke("report", args + (["-q", query] if query else []), root)
        if output == "html" and result.exit_code != 2:  # a usage error (a malformed query) writes nothing
            page = target.read_text(encoding="utf-8")
            assert "<script" not in page.lower()  # the page runs no script: hostile text stays text


@FUZZ
@given(brief=briefs)
def test_index(brief: Fuzzed) -> None:
    with collection(brief) as root:
        invoke("index", [str(root)], root)


@FUZZ
@given(brief=briefs, output=st.sampled_from(["text", "json"]), max_tlp=st.sampled_from(["clear", "amber", "red"]))
def test_sync(brief: Fuzzed, output: str, max_tlp: str, pg_dsn: str) -> None:  # noqa: F811  (the fixture)
    """Into a real PostgreSQL database (tests/pgserver.py): hostile text must reach it and come back intact."""
    with collection(brief) as root:
        invoke("sync", [pg_dsn, str(root), "--format", output, "--max-tlp", max_tlp, "--collection", "fuzz"], root)
        invoke("search", ["--db", pg_dsn, "wagner", "--collection", "fuzz", "--format", "json"], root)


def test_every_command_is_fuzzed() -> None:
    """A new command gets a property here (`test_<command>`): this fails until it does."""
    untested = sorted(name for name in COMMANDS if f"test_{name}" not in globals())
    assert not untested, f"commands with no fuzz property: {untested}"


# Inputs the fuzzer once broke a command with (the JSON case is tests/data/invalid/lone-surrogate.json): an option
# value holding an escape sequence was written back to the terminal in the error that quoted it.
ESCAPE = "\x1b]52;c;aGVsbG8=\x07\x1b[31m"
REGRESSIONS = [
    ["list", "{root}", "--nation", ESCAPE],
    ["summary", "{root}", "--nation", ESCAPE, "--since", "2022"],
    ["import", "{root}/2021-09-mali-wagner.md", "-o", "{root}/drafts", "--date", ESCAPE, "--no-link"],
    ["new", "-o", "{root}/new.md", "--title", "x", "--date", ESCAPE],
    ["list", "{root}", "--format", ESCAPE],
    ["search", ESCAPE, "{root}", "--tag", ESCAPE],
]


@pytest.mark.parametrize("args", REGRESSIONS, ids=lambda args: args[0])
def test_regressions(args: list[str]) -> None:
    with collection(Fuzzed("2023-08-niger-coup.yaml", EXAMPLES[0].read_bytes())) as root:
        result = invoke(args[0], [arg.replace("{root}", str(root)) for arg in args[1:]], root)
        assert "\\x1b" in result.output or result.exit_code == 1  # quoted, visibly


def test_regression_control_character_in_a_sampled_brief() -> None:
    """Found by the campaign: a YAML brief starting with an escape sequence and an anchor crashed the index build
    (the compression dictionary's sample read it; the depth scan let libyaml's ReaderError through)."""
    bad = (Path(__file__).parent / "data" / "invalid" / "control-character.yaml").read_bytes()
    with collection(Fuzzed("2023-08-niger-coup.yaml", bad)) as root:
        result = invoke("report", [str(root), "-o", str(root.parent / "r.html"), "--include-invalid"], root)
        assert result.exit_code == 1 and "unreadable" in result.output  # the other brief is in the report
        assert invoke("validate", [str(root)], root).exit_code == 1
