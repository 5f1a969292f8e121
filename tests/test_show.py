"""`brief show REF` and the single-brief renderers behind it (src/brief/render/).

Expected outputs of the seed brief are in tests/data/show/; after a deliberate change to the rendering,
regenerate them with, for example:
    COLUMNS=80 brief show examples/2021-09-mali-wagner.md > tests/data/show/mali-wagner.text.txt
(`--format markdown` > mali-wagner.markdown.txt, `--format json` > mali-wagner.json.txt) and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from brief.format.checker import Checker
from brief.render.markdown import render_markdown
from brief.render.show import SECTIONS, render
from brief.render.show.data import FIELDS, normalised, render_json, render_yaml
from brief.render.show.markdown import render_markdown_document
from brief.render.show.text import render_text
from brief.render.summary import brief_summary
from conftest import DATA, ROOT, run, run_process

SEED = ROOT / "examples" / "2021-09-mali-wagner.md"
EXPECTED = DATA / "show"
BRIEF_EXE = Path(sys.executable).with_name("brief")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed width and no colour, whatever terminal the tests run in."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def seed_data() -> dict[str, Any]:
    data, result = Checker().load_path(str(SEED))
    assert data is not None and result.valid
    return data


def write_brief(path: Path, data: dict[str, Any]) -> Path:
    """Write a brief in the format its extension names (front matter + body for .md)."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    elif path.suffix == ".md":
        front = {key: value for key, value in data.items() if key != "body"}
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + data.get("body", "")
        path.write_text(text, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def minimal(**fields: Any) -> dict[str, Any]:
    brief = {
        "schema_version": "1.0",
        "id": "test-brief",
        "title": "A test brief",
        "date": "2024-01-02",
        "language": "en",
    }
    brief.update(fields)
    return brief


# -- the seed brief, exactly --------------------------------------------------------------------------------------

SEED_METADATA_AND_POSITIONS = """\
The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the
Fight Against Terrorism
==============================================================================

id        mali-wagner-2021
date      2021-09-28
language  English, translated from French
domains   defence-security
regions   west-africa, sahel
nations   Mali (ML), France (FR), Russia (RU), Niger (NE)
tags      wagner, barkhane, takuba, private-military-company, counter-terrorism,
          russia, france

POSITIONS
Actor                            1    2    3
------------------------------  ---  ---  ----
Malian transitional government  +*   -*   (+)*
Choguel Maïga                   +*
Sadio Camara                    +*
Russia                          +*
France                           -    +    +
Wagner                          +*

1  A Mali–Wagner security partnership
2  The end of Operation Barkhane and the reduction of French forces in the Sahel
3  A continued French military presence in the Sahel

+ supports, (+) leans supports, - opposes, blank: no position; * inferred (else
stated)
"""


def test_seed_text_metadata_and_positions() -> None:
    result = run("show", str(SEED), "--section", "metadata", "--section", "positions")
    assert result.exit_code == 0, result.output
    assert result.stdout == SEED_METADATA_AND_POSITIONS
    assert result.stderr == ""


def test_seed_text_in_full() -> None:
    result = run("show", str(SEED))
    assert result.exit_code == 0
    assert result.stdout == (EXPECTED / "mali-wagner.text.txt").read_text(encoding="utf-8")
    headings = [line for line in result.stdout.splitlines() if line.isupper() and line.strip()]
    assert headings == [
        "SUMMARY",
        "KEY JUDGMENTS",
        "ACTORS",
        "POSITIONS",
        "RELATIONS",
        "FIGURES",
        "SOURCES",
        "TEXT",
    ]
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_seed_text_reads_as_specified() -> None:
    out = run("show", str(SEED)).stdout
    assert "1. France will keep trying to prevent the Mali–Wagner partnership from\n   materialising." in out
    assert "   very likely (80–95%), moderate confidence; sources: reuters-2021-09-13 [B2]" in out
    assert "  Choguel Maïga — Prime Minister, Malian transitional government\n" in out
    assert "  Wagner — proxy, Russia (alleged)\n" in out
    assert "Malian transitional government – France: tension, ↓ deteriorating" in out
    assert "Malian transitional government – Russia: cooperation, ↑ improving" in out
    assert "French troop numbers in the Sahel after the announced reduction: 5,100 troops\n  (2023, projected)" in out
    assert "[C2] Mali’s authorities asked private Russian military company for help — Lavrov" in out
    # the body: Markdown rendered, not shown raw
    assert "\n• The controversial perception" in out
    assert "\n- The controversial" not in out


def test_seed_markdown() -> None:
    result = run("show", str(SEED), "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == (EXPECTED / "mali-wagner.markdown.txt").read_text(encoding="utf-8")


def test_seed_json() -> None:
    result = run("show", str(SEED), "--format", "json")
    assert result.exit_code == 0
    assert result.stdout == (EXPECTED / "mali-wagner.json.txt").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == {"version": 1, "brief": seed_data()}
    assert "Maïga" in result.stdout  # ensure_ascii=False


def test_seed_yaml_round_trips() -> None:
    result = run("show", str(SEED), "--format", "yaml")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == seed_data()
    assert result.stdout.startswith("schema_version: '1.0'\nid: mali-wagner-2021\n")
    assert "body: |" in result.stdout  # prose as a literal block, readable


# -- one brief in three formats gives one output -------------------------------------------------------------------


def test_json_is_identical_from_md_yaml_and_json(tmp_path: Path) -> None:
    data = seed_data()
    shuffled = dict(reversed(list(data.items())))  # keys out of schema order: the output restores it
    shuffled["actors"] = [dict(reversed(list(actor.items()))) for actor in data["actors"]]
    copies = [
        write_brief(tmp_path / "copy.md", data),
        write_brief(tmp_path / "copy.yaml", data),
        write_brief(tmp_path / "copy.json", data),
        write_brief(tmp_path / "shuffled.json", shuffled),
        write_brief(tmp_path / "shuffled.yaml", shuffled),
    ]
    expected = (EXPECTED / "mali-wagner.json.txt").read_text(encoding="utf-8")
    for copy in copies:
        for output_format in ("json", "yaml", "markdown", "text"):
            assert (
                run("show", str(copy), "--format", output_format).stdout
                == run("show", str(SEED), "--format", output_format).stdout
            ), (copy.name, output_format)
        assert run("show", str(copy), "--format", "json").stdout == expected


def test_field_order_follows_the_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    assert FIELDS["brief"] == tuple(schema["properties"])
    for name in ("actor", "issue", "position", "relation", "judgment", "figure", "source"):
        assert FIELDS[name] == tuple(schema["$defs"][name]["properties"]), name
    affiliation = schema["$defs"]["actor"]["properties"]["affiliations"]["items"]["properties"]
    assert FIELDS["affiliation"] == tuple(affiliation)


def test_extension_and_unknown_fields_come_last_and_stay() -> None:
    data = {"x-team": {"owner": "desk"}, "title": "T", "id": "t", "schema_version": "1.0"}
    assert list(normalised(data)) == ["schema_version", "id", "title", "x-team"]


# -- sections -----------------------------------------------------------------------------------------------------


def test_section_filters_text() -> None:
    out = run("show", str(SEED), "--section", "sources").stdout
    assert out.startswith("SOURCES\n[B2] Deal allowing Russian mercenaries")
    assert "SUMMARY" not in out and "Fight Against Terrorism" not in out
    out = run("show", str(SEED), "--section", "summary", "--section", "judgments").stdout
    assert out.startswith("SUMMARY\n") and "\n\nKEY JUDGMENTS\n1. France" in out
    assert "ACTORS" not in out


def test_sections_keep_their_usual_order() -> None:
    a = run("show", str(SEED), "--section", "positions", "--section", "metadata").stdout
    b = run("show", str(SEED), "--section", "metadata", "--section", "positions").stdout
    assert a == b == SEED_METADATA_AND_POSITIONS


def test_section_filters_json_yaml_and_markdown() -> None:
    sources = json.loads(run("show", str(SEED), "--format", "json", "--section", "sources").stdout)["brief"]
    assert list(sources) == ["sources"]
    positions = json.loads(run("show", str(SEED), "--format", "json", "--section", "positions").stdout)["brief"]
    assert list(positions) == ["issues", "positions"]
    metadata = yaml.safe_load(run("show", str(SEED), "--format", "yaml", "--section", "metadata").stdout)
    assert list(metadata) == [
        "schema_version",
        "id",
        "title",
        "date",
        "language",
        "original_language",
        "domains",
        "regions",
        "nations",
        "tags",
    ]
    markdown = run("show", str(SEED), "--format", "markdown", "--section", "figures").stdout
    assert markdown == (
        "## Figures\n\n"
        "| Figure | Value | Unit | Date | Status | Sources |\n"
        "|---|--:|---|---|---|---|\n"
        "| French troop numbers in the Sahel after the announced reduction | 5,100 | troops | 2023 | projected |   |\n"
    )


def test_every_section_alone(tmp_path: Path) -> None:
    for section in SECTIONS:
        result = run("show", str(SEED), "--section", section)
        assert result.exit_code == 0 and result.stdout.strip(), section


def test_an_empty_section_asked_for_says_so() -> None:
    assert render_text(minimal(), ["figures"]) == "FIGURES\n(none)\n"
    assert "FIGURES" not in render_text(minimal())  # a full view leaves empty sections out


def test_unknown_section_is_a_usage_error() -> None:
    result = run("show", str(SEED), "--section", "apendix")
    assert result.exit_code == 2
    assert "Invalid value for '--section': 'apendix' is not one of 'metadata', 'summary'," in result.stderr
    assert "'body'" in result.stderr
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error() -> None:
    result = run("show", str(SEED), "--format", "html")
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.stderr


# -- errors -------------------------------------------------------------------------------------------------------


def test_unknown_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a folder with no collection, so no id can match either
    result = run("show", str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"brief: error: no [a-z ]*file[a-z ]* '{re.escape(str(tmp_path / 'nope.md'))}'\n", result.stderr
    )
    assert result.stdout == ""


def test_ref_by_id_and_unique_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # brief.toml: the examples are the collection
    for ref in ("mali-wagner-2021", "mali-wag"):
        result = run("show", ref, "--section", "metadata", "--section", "positions")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == SEED_METADATA_AND_POSITIONS


def test_unknown_id_suggests_close_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("show", "mali-wagner-2012")
    assert result.exit_code == 2
    assert result.stderr.startswith("brief: error: no brief file or id 'mali-wagner-2012'\ndid you mean: ")
    assert "mali-wagner-2021" in result.stderr.splitlines()[1]
    assert result.stdout == ""


def test_ref_error_candidates_are_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    import brief.collection.refs

    def ambiguous(ref: str, schema_path: str | None = None) -> None:
        candidates = ["mali-wagner-2021", "mali-withdrawal-2022"]
        raise brief.collection.refs.RefError(f"'{ref}' matches several briefs", candidates)

    monkeypatch.setattr(brief.collection.refs, "load_ref", ambiguous)
    result = run("show", "mali")
    assert result.exit_code == 2
    assert result.stderr == (
        "brief: error: 'mali' matches several briefs\ndid you mean: mali-wagner-2021, mali-withdrawal-2022?\n"
    )


def test_control_characters_in_the_ref_are_neutralised(tmp_path: Path) -> None:
    result = run("show", "\x1b[2Jgone")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b[2Jgone" in result.stderr


def test_invalid_brief_is_shown_with_a_warning(tmp_path: Path) -> None:
    data = minimal(
        actors=[{"id": "france", "name": "France", "kind": "state"}],
        issues=[{"id": "i", "statement": "An issue"}],
        positions=[{"actor": "france", "issue": "i", "stance": "opose"}],
    )
    path = write_brief(tmp_path / "bad.yaml", data)
    result = run("show", str(path))
    assert result.exit_code == 0
    assert result.stderr == f"brief: warning: {path} has 1 validation error (run brief validate {path})\n"
    assert result.stdout.startswith("A test brief\n")
    assert re.search(r"\nFrance +opose\n", result.stdout)  # the value as written


def test_unreadable_brief_exits_1_with_the_validate_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    result = run("show", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}:2:1: $: YAML syntax error")
    assert result.stderr.rstrip().endswith("[yaml-syntax]")


# -- untrusted text -----------------------------------------------------------------------------------------------

HOSTILE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
CSI_C1 = "\x9b31m"


def hostile_brief() -> dict[str, Any]:
    return minimal(
        title=f"Title {HOSTILE} and {CLEAR}",
        authors=[f"Author{CLEAR}"],
        summary=f"Summary {CLEAR}{CSI_C1} text",
        actors=[
            {"id": "a", "name": f"Actor{HOSTILE}", "kind": "state", "description": CLEAR},
            {"id": "b", "name": "Beta", "kind": "person", "affiliations": [{"actor": "a", "role": f"r{CLEAR}"}]},
        ],
        issues=[{"id": "i", "statement": f"Issue {CLEAR}"}],
        positions=[{"actor": "a", "issue": "i", "stance": "supports"}],
        relations=[{"actors": ["a", "b"], "kind": "tension", "factors": [f"f{HOSTILE}"]}],
        key_judgments=[{"statement": f"J {CLEAR}", "likelihood": "likely", "confidence": "low"}],
        figures=[{"label": f"L{CLEAR}", "value": 3, "unit": f"u{HOSTILE}"}],
        sources=[{"id": "s", "title": f"S{HOSTILE}", "url": "https://example.org/x", "publisher": CLEAR}],
        body=f"# Head {CLEAR}\n\nText {HOSTILE} and &#27;[2J entity and \x9b2J.\n\n- item {CLEAR}\n",
    )


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "yaml"])
def test_escape_sequences_never_reach_the_output(tmp_path: Path, suffix: str, output_format: str) -> None:
    path = write_brief(tmp_path / f"hostile{suffix}", hostile_brief())
    result = run("show", str(path), "--format", output_format)
    assert result.exit_code == 0, result.stderr
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in result.stdout, (output_format, raw)
        assert raw not in result.stderr
    if output_format in ("json", "yaml"):
        # the data itself is unchanged, the characters written as the format's escapes
        loaded = json.loads(result.stdout)["brief"] if output_format == "json" else yaml.safe_load(result.stdout)
        assert loaded["title"] == f"Title {HOSTILE} and {CLEAR}"
        assert loaded["summary"] == f"Summary {CLEAR}{CSI_C1} text"
    else:
        assert "\\x1b]0;pwned\\x07" in result.stdout.replace("\\\\", "\\")


def test_escape_sequences_in_every_text_section() -> None:
    data = hostile_brief()
    for section in SECTIONS:
        out = render_text(data, [section], colour=True)
        assert not re.search(r"\x1b(?!\[[0-9;]*m)", out), section  # only our own colour codes
        assert "\x07" not in out and "\x9b" not in out
    assert "\x1b" not in brief_summary(data) and "\x07" not in brief_summary(data)


def test_markdown_escapes_tables_and_html(tmp_path: Path) -> None:
    data = minimal(
        title="Pipes | and <script>alert(1)</script>",
        summary="- not a list; **not bold**; [not](javascript:alert(1)) a link",
        actors=[
            {"id": "a", "name": "A|B <img src=x onerror=alert(1)>", "kind": "state"},
            {"id": "b", "name": "`code` & more", "kind": "state"},
        ],
        issues=[{"id": "i", "statement": "2021. Issue | with <b>tags</b>"}],
        positions=[{"actor": "a", "issue": "i", "stance": "opposes"}, {"actor": "b", "issue": "i", "stance": "x|y"}],
        relations=[{"actors": ["a", "b"], "kind": "tension", "factors": ["one | two", "<three>"]}],
        figures=[{"label": "count|x", "value": 1234567.5, "unit": "<u>"}],
        sources=[
            {"id": "s", "title": "Safe", "url": "https://example.org/a?b=c&d=e"},
            {"id": "t", "title": "Unsafe", "url": "javascript:alert(1)"},
        ],
        body="Body <script>alert(1)</script> and `<kept>` and <https://example.org>\n\n# Heading\n\n```\n<pre>\n",
    )
    path = write_brief(tmp_path / "pipes.json", data)
    out = run("show", str(path), "--format", "markdown").stdout
    for tag in ("<script", "<img", "<b>", "<u>", "<three>"):
        assert tag not in out.replace("`<kept>`", "").replace("```\n<pre>", ""), tag
    assert "# Pipes \\| and &lt;script&gt;alert(1)&lt;/script&gt;\n" in out
    assert "\\- not a list; \\*\\*not bold\\*\\*; \\[not\\](javascript:alert(1)) a link" in out
    assert "1. 2021\\. Issue \\| with &lt;b&gt;tags&lt;/b&gt;" in out
    assert "\\`code\\` &amp; more" in out
    assert "| A\\|B &lt;img src=x onerror=alert(1)&gt; | - |" in out
    assert "| 1,234,567.5 |" in out
    assert "Safe <https://example.org/a?b=c&d=e>" in out
    assert "Unsafe javascript:alert(1)" in out  # not a link
    # the body keeps its Markdown, with HTML made inert and headings nested under the document's
    assert "Body &lt;script>alert(1)&lt;/script> and `<kept>` and <https://example.org>" in out
    assert "\n### Heading\n" in out
    assert out.rstrip().endswith("```\n<pre>\n```")  # an unclosed fence is closed
    # every table row has as many cells as its header
    for table in re.findall(r"(?:^\|.*\|\n)+", out, re.MULTILINE):
        rows = table.splitlines()
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


# -- terminal behaviour -------------------------------------------------------------------------------------------


def test_colour_only_when_asked_and_aligned(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b" not in run("show", str(SEED)).stdout  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run("show", str(SEED), "--no-pager").stdout
    assert "\x1b[1mPOSITIONS\x1b[0m" in coloured and "\x1b[32m+*\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == (EXPECTED / "mali-wagner.text.txt").read_text(encoding="utf-8")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in run("show", str(SEED), "--no-pager").stdout
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b" not in run("show", str(SEED), "--format", "markdown").stdout  # colour is for text only


def test_no_pager_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("paged although stdout is not a terminal")

    monkeypatch.setattr(click, "echo_via_pager", refuse)
    assert run("show", str(SEED)).exit_code == 0


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_pager", [False, True])
def test_pager_on_a_terminal_unless_no_pager(tmp_path: Path, no_pager: bool) -> None:
    import pty

    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\ncat > '{paged}'\n", encoding="utf-8")
    pager.chmod(0o755)
    primary, secondary = pty.openpty()
    env = {**os.environ, "PAGER": str(pager), "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "80"}
    args = [str(BRIEF_EXE), "show", str(SEED), "--section", "summary"] + (["--no-pager"] if no_pager else [])
    try:
        process = subprocess.run(
            args, stdin=secondary, stdout=secondary, stderr=subprocess.PIPE, env=env, timeout=60, check=False
        )
    finally:
        os.close(secondary)
    shown = b""
    try:
        while chunk := os.read(primary, 65536):
            shown += chunk
    except OSError:  # EIO: the terminal's other side is closed
        pass
    os.close(primary)
    assert process.returncode == 0, process.stderr
    if no_pager:
        assert not paged.exists()
        assert b"SUMMARY" in shown
    else:
        assert paged.read_text(encoding="utf-8").startswith("SUMMARY\nMali's transitional government")
        assert b"SUMMARY" not in shown


def test_width_follows_the_terminal_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = run("show", str(SEED), "--section", "summary").stdout.splitlines()
    assert max(len(line) for line in lines) <= 60 and max(len(line) for line in lines) > 50
    monkeypatch.setenv("COLUMNS", "300")
    lines = run("show", str(SEED), "--section", "body").stdout.splitlines()
    assert max(len(line) for line in lines) == 100


def test_head_ends_quietly() -> None:
    """`brief show X | head -1` in a real shell pipeline: no traceback, no 'Broken pipe', exit 0."""
    script = f'"{BRIEF_EXE}" show "{SEED}" | head -1; echo "status=${{PIPESTATUS[0]}}" >&2'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the\n"
    assert result.stderr == "status=0\n"


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """The reader gone before anything is written (a large brief, so the write cannot fit the pipe buffer)."""
    body = "".join(f"Paragraph {n} of a long body, long enough to fill any pipe buffer.\n\n" for n in range(20000))
    path = write_brief(tmp_path / "long.json", minimal(body=body))
    process = subprocess.Popen(
        [str(BRIEF_EXE), "show", str(path), "--format", "text"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert stderr == ""
    script = f'"{BRIEF_EXE}" show "{path}" | head -1; echo "status=${{PIPESTATUS[0]}}" >&2'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "A test brief\n"
    assert result.stderr == "status=0\n"


def test_real_process_output_matches() -> None:
    result = run_process("show", str(SEED), "--section", "metadata", "--section", "positions", env={"COLUMNS": "80"})
    assert result.returncode == 0
    assert result.stdout.decode() == SEED_METADATA_AND_POSITIONS
    assert result.stderr == b""


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom brief.cli.main import main\n"
        "try:\n    main(['show', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'yaml', 'tabulate', 'pycountry', 'jsonschema', 'jsonschema_rs', 'sqlite3'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith('brief.render')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_command_choices_match_the_renderer() -> None:
    from brief.cli import show_cmd
    from brief.render import show as core

    assert show_cmd.SECTIONS == core.SECTIONS
    assert show_cmd.FORMATS == core.FORMATS


# -- the renderers on their own -----------------------------------------------------------------------------------


def test_render_dispatches_and_refuses_unknown_formats() -> None:
    data = seed_data()
    assert render(data, "json") == render_json(data)
    assert render(data, "yaml") == render_yaml(data)
    assert render(data, "markdown") == render_markdown_document(data)
    assert render(data, "text", width=60) == render_text(data, width=60)
    with pytest.raises(ValueError):
        render(data, "html")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": 5, "actors": "not a list", "positions": [1, None, {"stance": ["x"]}], "nations": True},
        {"actors": [{"id": "a", "affiliations": {"actor": "b"}}], "relations": [{"actors": "a", "trend": {}}]},
        {"key_judgments": [{"likelihood": ["likely"], "confidence": {}}], "figures": [{"value": float("nan")}]},
        {"sources": [{"id": 1, "reliability": [], "url": 3}], "body": 42, "summary": {"a": 1}},
        {"issues": [{"id": "i"}], "positions": [{"actor": "ghost", "issue": "i", "stance": "supports"}]},
        {"x-bytes": b"\x1b[2J", "x-set": {1, 2}, "date": 20240101, 3: "int key"},
    ],
)
def test_odd_briefs_render_without_error(data: dict[Any, Any]) -> None:
    for output_format in ("text", "markdown", "json", "yaml"):
        out = render(data, output_format)
        assert isinstance(out, str) and "\x1b[2J" not in out
    assert brief_summary(data).endswith("\n")


def test_unresolved_ids_show_as_themselves() -> None:
    data = minimal(issues=[{"id": "i", "statement": "S"}], positions=[{"actor": "ghost", "issue": "i", "stance": "+"}])
    out = render_text(data, ["positions"])
    assert re.search(r"\nghost +\+\n", out)


def test_stance_symbols_and_legend() -> None:
    stances = ["strongly-supports", "supports", "leans-supports", "neutral", "leans-opposes", "opposes"]
    stances += ["strongly-opposes", "unknown"]
    actors = [{"id": f"a{n}", "name": f"Actor {n}", "kind": "state"} for n in range(len(stances))]
    positions = [
        {"actor": f"a{n}", "issue": "i", "stance": stance, "basis": "stated"} for n, stance in enumerate(stances)
    ]
    out = render_text(
        minimal(actors=actors, issues=[{"id": "i", "statement": "S"}], positions=positions), ["positions"]
    )
    cells = [line.split()[-1] for line in out.splitlines()[3:11]]
    assert cells == ["++", "+", "(+)", "0", "(-)", "-", "--", "?"]
    assert out.endswith(
        "++ strongly supports, + supports, (+) leans supports, 0 neutral, (-) leans\n"
        "opposes, - opposes, -- strongly opposes, ? unknown\n"
    )


# -- Markdown for the terminal ------------------------------------------------------------------------------------


def test_markdown_text_blocks() -> None:
    text = (
        "# Title *here*\n\nSome **bold**, _em_, snake_case_name, `code *x*` and a [link](https://e.org/a_(b)).\n"
        "Second line of the paragraph with <https://auto.example>.\n\n"
        "Setext\n---\n\n- one\n- two that is long enough to wrap past the width we give it here\n  - nested\n"
        "1. first\n\n> quoted **words**\n\n```\ncode  kept   as is\n```\n\n***\n\n"
        "| a | b \\| c |\n|---|---|\n| 1 | **2** |\n\n[ref]: https://ref.example\nA [ref] and [x][ref].\n"
    )
    assert render_markdown(text, 40) == (
        "Title here\n"
        "==========\n"
        "\n"
        "Some bold, em, snake_case_name, code *x*\n"
        "and a link (https://e.org/a_(b)). Second\n"
        "line of the paragraph with\n"
        "https://auto.example.\n"
        "\n"
        "Setext\n"
        "------\n"
        "\n"
        "• one\n"
        "• two that is long enough to wrap past\n"
        "  the width we give it here\n"
        "  ◦ nested\n"
        "\n"
        "1. first\n"
        "\n"
        "│ quoted words\n"
        "\n"
        "    code  kept   as is\n"
        "\n"
        "* * *\n"
        "\n"
        "a  b | c\n"
        "-  -----\n"
        "1  2\n"
        "\n"
        "A ref (https://ref.example) and x\n"
        "(https://ref.example)."
    )


def test_markdown_text_keeps_hard_breaks_and_long_words() -> None:
    url = "https://example.org/" + "x" * 60
    assert render_markdown(f"line one  \nline two\\\nline three {url}", 30) == (
        f"line one\nline two\nline three\n{url}"
    )


def test_markdown_text_neutralises_entities_and_controls() -> None:
    out = render_markdown("a &#27;[2J b \x1b]0;x\x07 c &lt;tag&gt;", 80)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;x\\x07" in out and "<tag>" in out


def test_markdown_text_heading_style() -> None:
    assert render_markdown("## Big", 40, lambda s: f"<{s}>") == "<Big>\n---"


def test_crlf_line_ends_are_line_ends() -> None:
    assert render_markdown("a\r\nb\r\n\r\nc\rd", 80) == "a b\n\nc d"
    out = render_text(minimal(summary="one\r\ntwo", body="# H\r\n\r\ntext\r\n"), ["summary", "body"])
    assert "x0d" not in out and "\r" not in out
    assert out == "SUMMARY\none two\n\nTEXT\nH\n=\n\ntext\n"
