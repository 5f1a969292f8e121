"""`brief new`: scaffolds that validate in every format, ids made from titles and unique in the collection,
English and French words mapped to the format's values, prompts only on a terminal, never an overwrite without
--force, a team's template, and --edit with a fake editor."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from brief.authoring import ids
from brief.format.checker import Checker
from conftest import ROOT, run, run_process


def process(*args: str, cwd: Path, input: bytes | None = None) -> tuple[int, bytes, bytes]:
    """The real `brief` in its own process: (exit code, stdout, stderr) as bytes, as they were written."""
    result = run_process(*args, cwd=cwd, input=input, timeout=60)
    return result.returncode, cast(bytes, result.stdout), cast(bytes, result.stderr)


EXAMPLES = ROOT / "examples"
BRIEF_EXE = Path(sys.executable).with_name("brief")
TITLE = "Côte d’Ivoire: élections sous tension"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A collection as a team keeps one: brief.toml naming briefs/, which holds two of the examples."""
    (tmp_path / "brief.toml").write_text('paths = ["briefs/"]\n', encoding="utf-8")
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    for name in ("2021-09-mali-wagner.md", "2023-08-niger-coup.yaml"):
        shutil.copy(EXAMPLES / name, briefs / name)
    return tmp_path


def new(folder: Path, *args: str) -> tuple[int, str, str]:
    result = run("-C", str(folder), "new", *args)
    return result.exit_code, result.stdout, result.stderr


def load(path: Path) -> dict[str, Any]:
    data, result = Checker().load_path(str(path))
    assert data is not None
    assert result.diagnostics == [], [d.message for d in result.diagnostics]
    return data


@pytest.mark.parametrize(("fmt", "extension"), [("md", ".md"), ("yaml", ".yaml"), ("json", ".json")])
def test_every_format_validates_as_written(team: Path, fmt: str, extension: str) -> None:
    code, out, err = new(team, "--title", TITLE, "--date", "2025-10-25", "--format", fmt, "--nation", "Côte d'Ivoire",
                         "--region", "Afrique de l'Ouest", "--domain", "Politique", "--tag", "Élections",
                         "--author", "Awa Traoré")  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"briefs/cote-divoire-elections-sous-tension-2025{extension}\n"
    path = team / out.strip()
    data = load(path)
    assert data["id"] == "cote-divoire-elections-sous-tension-2025"
    assert data["title"] == TITLE
    assert (data["date"], data["language"]) == ("2025-10-25", "en")
    assert (data["nations"], data["regions"], data["domains"]) == (["CI"], ["west-africa"], ["politics-governance"])
    assert (data["tags"], data["authors"]) == (["elections"], ["Awa Traoré"])
    assert run("validate", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    for guidance in (
        "almost-no-chance (1–5%)",
        "strongly-supports",
        "A completely reliable",
        "private-military-company",
    ):
        assert guidance in text  # ICD 203 words, the stance scale, Admiralty grades, actor kinds


def test_the_guidance_examples_validate_once_uncommented(team: Path) -> None:
    _, out, _ = new(team, "--title", "Uncommented", "--date", "2024-01-31")
    path = team / out.strip()
    lines = path.read_text(encoding="utf-8").split("\n")
    examples = {"actors:", "issues:", "positions:", "key_judgments:", "sources:"}
    uncommented, inside = [], False
    for line in lines:
        body = line[2:] if line.startswith("# ") else None
        if body is not None and body in examples:
            inside = True
        elif body is None or not body.startswith("  "):
            inside = False
        uncommented.append(body if inside and body is not None else line)
    text = "\n".join(uncommented).replace("…", "Something")
    path.write_text(text, encoding="utf-8")
    data = load(path)
    assert [a["id"] for a in data["actors"]] == ["wagner"]
    assert data["positions"][0]["stance"] == "supports"


def test_ids_follow_the_collections_style() -> None:
    title = "The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the Fight Against Terrorism"
    assert ids.make_id(title, "2021-09-28") == "beginning-awkward-russo-malian-military-cooperation-2021"
    examples = ["mali-wagner-2021", "niger-coup-2023", "aes-confederation-2024"]
    assert ids.style_of(examples) == "suffix-year"
    assert ids.style_of(["2021-09-28-mali-wagner", "2023-07-26-niger-coup"]) == "prefix-day"
    assert ids.make_id("Mali & Wagner", "2021-09-28", "prefix-day") == "2021-09-28-mali-wagner"
    assert ids.make_id("Mali 2021", "2021-09-28") == "mali-2021"  # the year is not written twice
    assert ids.style_of(["mali-wagner", "niger-coup"]) == "none"
    assert ids.style_of(["x-000123", "y-000456"]) == ids.DEFAULT_STYLE  # no clear style: as examples/
    assert ids.unique("a-2021", {"a-2021", "a-2021-2"}.__contains__) == "a-2021-3"


def test_an_id_taken_in_the_collection_is_made_unique(team: Path) -> None:
    # examples/2021-09-mali-wagner.md has the id mali-wagner-2021
    code, out, _ = new(team, "--title", "Mali — Wagner", "--date", "2021-12-01")
    assert code == 0 and out == "briefs/mali-wagner-2021-2.md\n"
    code, out, _ = new(team, "--title", "Mali — Wagner", "--date", "2021-12-01")
    assert code == 0 and out == "briefs/mali-wagner-2021-3.md\n"  # the file just written counts too
    assert load(team / "briefs" / "mali-wagner-2021-3.md")["id"] == "mali-wagner-2021-3"


def test_prefixed_collection_gets_prefixed_ids(tmp_path: Path) -> None:
    for number, name in enumerate(("2021-09-28-mali", "2022-02-17-france", "2023-07-26-niger")):
        data = {"schema_version": "1.0", "id": name, "title": f"Brief {number}", "date": name[:10], "language": "en"}
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = new(tmp_path, "--title", "Tchad: la transition", "--date", "2024-05-06", "--format", "json")
    assert (code, out) == (0, "2024-05-06-tchad-transition.json\n")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--region", "Sahell", "brief: error: region 'Sahell' is not one brief knows; did you mean sahel?\n"),
        ("--domain", "Cuisine", "brief: error: domain 'Cuisine' is not one brief knows\n"),
        ("--nation", "Malli", "brief: error: nation 'Malli' is not one brief knows; did you mean ML (Mali)?\n"),
        ("--date", "28/09/2021", "brief: error: date '28/09/2021' is not a date as YYYY-MM-DD\n"),
        ("--lang", "klingon", "brief: error: language 'klingon' is not an ISO 639-1 code or a language name\n"),
    ],
)
def test_a_value_that_names_nothing_is_a_usage_error(team: Path, option: str, value: str, message: str) -> None:
    code, out, err = new(team, "--title", "T", option, value)
    assert (code, out, err) == (2, "", message)
    assert sorted(p.name for p in (team / "briefs").iterdir()) == ["2021-09-mali-wagner.md", "2023-08-niger-coup.yaml"]


@pytest.mark.parametrize(
    ("option", "typed", "expected"),
    [
        ("--domain", "Défense Sécurité", ["defence-security"]),
        ("--domain", "Diplomatie, défense et sécurité", ["diplomacy", "defence-security"]),
        ("--region", "Afrique de l’Ouest", ["west-africa"]),
        ("--region", "Sahel Afrique de l'Ouest", ["sahel", "west-africa"]),
        ("--region", "Asie du Sud-Est", ["southeast-asia"]),
        ("--nation", "Burkina Faso, Niger", ["BF", "NE"]),
        ("--nation", "Côte d’Ivoire", ["CI"]),
        ("--tag", "Private military company", ["private-military-company"]),
    ],
)
def test_english_and_french_words_map_to_values(team: Path, option: str, typed: str, expected: list[str]) -> None:
    code, out, err = new(team, "--title", "Mapping", option, typed, "--format", "json")
    assert code == 0, err
    field = {"--domain": "domains", "--region": "regions", "--nation": "nations", "--tag": "tags"}[option]
    assert load(team / out.strip())[field] == expected


def test_lang_takes_a_name(team: Path) -> None:
    code, out, _ = new(team, "--title", "En français", "--lang", "français", "--format", "yaml")
    assert code == 0 and load(team / out.strip())["language"] == "fr"


def test_no_title_off_a_terminal_is_an_error_and_nothing_is_asked(team: Path) -> None:
    # a real process with standard input that would answer a prompt: it must not be read
    code, out, err = process("new", cwd=team, input=b"A title typed\n")
    assert (code, out) == (2, b"")
    assert err == b"brief: error: --title is required when not on a terminal (nothing is asked for)\n"
    assert len(list((team / "briefs").iterdir())) == 2


def test_off_a_terminal_missing_lists_stay_empty_without_asking(team: Path) -> None:
    code, out, err = process("new", "--title", "Quiet", "--date", "2024-01-01", cwd=team, input=b"sahel\n")
    assert code == 0, err
    data = load(team / out.decode().strip())
    assert (data["regions"], data["nations"], data["domains"]) == ([], [], [])


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_what_is_missing_is_asked_for(team: Path) -> None:
    import pty

    primary, secondary = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    process = subprocess.Popen(
        [str(BRIEF_EXE), "new", "--date", "2024-03-01"], cwd=team, stdin=secondary, stdout=secondary,
        stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    os.close(secondary)
    # title; domains; a region that names nothing, asked again; then nations
    answers = [b"", "Le Tchad après Déby".encode(), "Défense".encode(), b"Sahell", b"Sahel", b"Tchad"]
    screen = b""
    for answer in answers:
        os.write(primary, answer + b"\n")
    try:
        while chunk := os.read(primary, 65536):
            screen += chunk
    except OSError:  # EIO once the process has closed the terminal
        pass
    os.close(primary)
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None
    asked = process.stderr.read().decode()  # prompts go where click puts them (readline's side), not to stdout
    assert "region 'Sahell' is not one brief knows; did you mean sahel?" in asked
    assert asked.count("Title:") == 2  # an empty title is asked again
    assert "Domains (e.g." in asked and asked.count("Regions (e.g.") == 2 and "Nations (ISO" in asked
    written = team / "briefs" / "tchad-apres-deby-2024.md"
    assert screen.decode().endswith(f"briefs/{written.name}\r\n")  # stdout: the path, after the echoed answers
    data = load(written)
    assert (data["title"], data["domains"], data["regions"], data["nations"]) == (
        "Le Tchad après Déby",
        ["defence-security"],
        ["sahel"],
        ["TD"],
    )


def test_a_refused_overwrite_leaves_the_file_byte_identical(team: Path) -> None:
    target = team / "mine.md"
    original = b"---\nnot: a brief\n---\nKeep me \xe2\x80\x94 exactly.\n"
    target.write_bytes(original)
    os.utime(target, (1_000_000_000, 1_000_000_000))
    code, out, err = new(team, "--title", "Again", "-o", "mine.md")
    assert (code, out) == (1, "")
    assert err == "brief: error: mine.md exists; not overwritten (--force replaces it)\n"
    assert target.read_bytes() == original and target.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in team.iterdir()) == ["brief.toml", "briefs", "mine.md"]  # no temporary left
    code, out, _ = new(team, "--title", "Again", "-o", "mine.md", "--force")
    assert (code, out) == (0, "mine.md\n")
    assert load(target)["title"] == "Again"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "brief.txt"], "brief: error: brief.txt: a brief file ends in .md, .yaml, .yml or .json\n"),
        (["-o", "b.json", "--format", "yaml"], "brief: error: --format yaml does not match the file name b.json\n"),
    ],
)
def test_output_name_and_format_must_agree(team: Path, args: list[str], message: str) -> None:
    assert new(team, "--title", "T", *args) == (2, "", message)


def test_a_team_template_replaces_the_built_in_one(team: Path) -> None:
    (team / "templates").mkdir()
    (team / "templates" / "brief.yaml").write_text(
        'schema_version: "1.0"\nid: $id\ntitle: $title\ndate: $date\nlanguage: $language\nnations: $nations\n'
        "x-desk: Sahel desk ($$5 a day)\n# Our house rules: one brief per event.\n",
        encoding="utf-8",
    )
    (team / "brief.toml").write_text('paths = ["briefs/"]\ntemplate = "templates/brief.yaml"\n', encoding="utf-8")
    code, out, err = new(team, "--title", "Gao: attaque", "--nation", "Mali", "--date", "2024-02-02")
    assert (code, out, err) == (0, "briefs/gao-attaque-2024.yaml\n", "")
    text = (team / out.strip()).read_text(encoding="utf-8")
    assert "# Our house rules" in text and "Next, fill in" not in text
    assert load(team / out.strip())["x-desk"] == "Sahel desk ($5 a day)"
    assert new(team, "--title", "T", "--format", "json")[0] == 2  # the team's template is YAML


def test_a_scaffold_a_stricter_team_schema_rejects_is_written_and_reported(team: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    schema["required"] = [*schema["required"], "summary"]
    (team / "team.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (team / "brief.toml").write_text('paths = ["briefs/"]\nschema = "team.schema.json"\n', encoding="utf-8")
    code, out, err = new(team, "--title", "Strict", "--date", "2024-01-01")
    assert (code, out) == (1, "briefs/strict-2024.md\n")
    assert err == "briefs/strict-2024.md:2:1: $: missing required field 'summary' [schema-required]\n"


def test_a_template_with_an_unknown_placeholder_is_a_configuration_error(team: Path) -> None:
    (team / "t.md").write_text("---\nid: $id\ntitle: $titel\n---\n", encoding="utf-8")
    (team / "brief.toml").write_text('paths = ["briefs/"]\ntemplate = "t.md"\n', encoding="utf-8")
    code, _, err = new(team, "--title", "T")
    assert code == 2 and err.startswith("brief: error: ") and "unknown placeholder $titel" in err


# --- --edit ------------------------------------------------------------------------------------------------------


def editor(folder: Path, name: str, script: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_edit_opens_visual_before_editor_and_checks_the_result(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = team / "editor.log"
    visual = editor(team, "visual.sh", f'echo "visual $1" >> "{log}"\nprintf "summary: Done.\\n" >> "$1"\n')
    monkeypatch.setenv("VISUAL", visual)
    monkeypatch.setenv("EDITOR", editor(team, "editor.sh", f'echo "editor $1" >> "{log}"\n'))
    code, out, err = new(team, "--title", "Edited", "--format", "yaml", "--edit", "--date", "2024-01-01")
    assert (code, err) == (0, "")
    assert log.read_text(encoding="utf-8") == f"visual {team / 'briefs' / 'edited-2024.yaml'}\n"
    assert out == "briefs/edited-2024.yaml\n"
    assert load(team / out.strip())["summary"] == "Done."


def test_edit_reports_errors_with_line_and_column(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor(team, "bad.sh", 'printf "positions:\\n  - {actor: nobody}\\n" >> "$1"\n'))
    code, out, err = new(team, "--title", "Broken", "--format", "yaml", "--edit", "--date", "2024-01-01")
    assert code == 1 and out == "briefs/broken-2024.yaml\n"
    lines = err.splitlines()
    assert any(line.startswith("briefs/broken-2024.yaml:") and "[schema-required]" in line for line in lines), err
    line_col = lines[0].split(":")[1:3]
    assert all(part.isdigit() for part in line_col)  # file:line:col
    assert lines[-1].startswith("brief: briefs/broken-2024.yaml is kept with these errors")
    assert "Reopen" not in err  # not a terminal: no question


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_edit_on_a_terminal_offers_to_reopen_until_valid(team: Path) -> None:
    import pty

    count = team / "count"
    script = editor(
        team,
        "twice.sh",
        f"""n=$(cat "{count}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "{count}"
if [ $n -eq 1 ]; then printf "positions:\\n  - {{actor: nobody}}\\n" >> "$1"; else sed -i '/^positions:/,$d' "$1"; fi
""",
    )
    primary, secondary = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "EDITOR": script}
    env.pop("VISUAL", None)
    args = [str(BRIEF_EXE), "new", "--title", "Twice", "--format", "yaml", "--date", "2024-01-01", "--edit",
            "--domain", "diplomacy", "--region", "sahel", "--nation", "ML"]  # fmt: skip
    process = subprocess.Popen(args, cwd=team, stdin=secondary, stdout=secondary, stderr=subprocess.PIPE, env=env)
    os.close(secondary)
    os.write(primary, b"y\n")
    try:
        while os.read(primary, 65536):
            pass
    except OSError:
        pass
    os.close(primary)
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None
    said = process.stderr.read().decode()
    assert said.count("Reopen it in the editor? [Y/n]") == 1 and "[schema-required]" in said
    assert count.read_text(encoding="utf-8") == "2\n"
    assert "positions" not in load(team / "briefs" / "twice-2024.yaml")


def test_edit_with_an_editor_that_fails(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor(team, "fail.sh", "exit 3\n"))
    code, out, err = new(team, "--title", "Failing", "--edit", "--date", "2024-01-01")
    assert (code, out) == (0, "briefs/failing-2024.md\n")  # the scaffold as written is valid
    assert err == "brief: the editor exited with status 3; briefs/failing-2024.md is kept as it is\n"


def test_edit_without_an_editor_writes_nothing(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert new(team, "--title", "T", "--edit") == (
        2,
        "",
        "brief: error: --edit needs an editor: set VISUAL or EDITOR\n",
    )
    assert len(list((team / "briefs").iterdir())) == 2


def test_the_scaffold_is_plain_yaml_a_reader_can_parse(team: Path) -> None:
    """Titles that YAML would misread (a colon, a leading quote, 'yes', a number) are quoted."""
    for title in ('"Quoted" start', "Yes", "2024", "Mali: #1 - again", "- dash", "Tab\there"):
        code, out, err = new(team, "--title", title, "--format", "yaml", "--date", "2024-01-01")
        assert code == 0, err
        data = yaml.safe_load((team / out.strip()).read_text(encoding="utf-8"))
        assert data["title"] == " ".join(title.split())
