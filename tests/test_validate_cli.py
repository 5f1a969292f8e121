"""`brief validate` end to end: formats, exit codes, stdin, discovery, cross-file rules, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA, ROOT, run, run_process

MINIMAL = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_json_format_is_one_document_with_locations(in_data: Path) -> None:
    result = run("validate", "--format", "json", "invalid/references.yaml", "valid/minimal.yaml")
    document = json.loads(result.output)
    assert document["valid"] is False
    assert (document["files_checked"], document["files_invalid"], document["error_count"]) == (2, 1, 9)
    first = document["errors"][0]
    assert first == {
        "file": "invalid/references.yaml",
        "line": 5,
        "column": 10,
        "path": "$.updated",
        "rule": "date-order",
        "message": "updated 2022-02-01 is before the brief's date 2022-03-01",
    }
    assert result.exit_code == 1


def test_github_format_prints_annotations(in_data: Path) -> None:
    result = run("validate", "--format", "github", "invalid/yaml-numbers.yaml")
    lines = result.output.splitlines()
    assert lines[0] == (
        "::error file=invalid/yaml-numbers.yaml,line=1,col=17,title=brief schema-type::$.schema_version: expected"
        ' string, got number 1.10 (YAML reads unquoted 1.10 as the number 1.1; quote it: "1.10") [schema-type]'
    )
    assert lines[-1] == "Checked 1 file: 1 invalid, 3 errors."


def test_quiet_prints_nothing(in_data: Path) -> None:
    assert run("validate", "-q", "invalid").output == ""
    assert run("validate", "-q", "invalid").exit_code == 1
    assert run("validate", "--quiet", "valid").exit_code == 0


def test_no_path_checks_current_folder_recursively_skipping_hidden(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "a/b/one.yaml", MINIMAL)
    write(tmp_path, ".hidden/broken.yaml", "id: [")
    write(tmp_path, "notes.txt", "not a brief")
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.output == "Checked 1 file: all valid.\n"
    assert result.exit_code == 0


def test_missing_path_is_a_usage_error(in_data: Path) -> None:
    result = run_process("validate", "no/such/dir", cwd=DATA)
    assert result.returncode == 2
    assert result.stderr == b"brief: error: no/such/dir: no such file or folder\n"
    assert b"Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    assert run_process("validate", "--format", "xml").returncode == 2


def test_stdin_yaml_and_named_stdin(in_data: Path) -> None:
    result = run("validate", "-", input=MINIMAL.replace("language: en", "language: xx"))
    assert result.output.startswith("<stdin>:5:11: $.language: 'xx' is not allowed")
    assert result.exit_code == 1
    text = (DATA / "valid" / "plain.json").read_text(encoding="utf-8")
    result = run("validate", "-", "--stdin-filename", "briefs/new.json", input=text)
    assert result.output == "Checked 1 file: all valid.\n"
    md = (DATA / "valid" / "front-matter.md").read_text(encoding="utf-8")
    assert run("validate", "-", input=md).exit_code == 0  # sniffed as Markdown front matter


def test_duplicate_brief_ids_across_files_name_both(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", MINIMAL)
    write(tmp_path, "two.md", "---\n" + MINIMAL + "---\nBody\n")
    result = run("validate", str(tmp_path / "one.yaml"), str(tmp_path / "two.md"))
    assert result.output.splitlines()[0] == (
        f"{tmp_path}/two.md:3:5: $.id: brief id 'minimal-brief' is also used by {tmp_path}/one.yaml:2:5 "
        "[duplicate-brief-id]"
    )
    assert result.exit_code == 1


def test_custom_schema(tmp_path: Path) -> None:
    strict = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    strict["required"].append("summary")
    write(tmp_path, "strict.json", json.dumps(strict))
    brief = write(tmp_path, "b.yaml", MINIMAL)
    result = run("validate", "--schema", str(tmp_path / "strict.json"), str(brief))
    assert f"{brief}:1:1: $: missing required field 'summary' [schema-required]" in result.output
    assert run("validate", str(brief)).exit_code == 0


def test_unusable_schema_is_a_usage_error(tmp_path: Path) -> None:
    brief = write(tmp_path, "b.yaml", MINIMAL)
    write(tmp_path, "broken.json", "{")
    write(tmp_path, "bad.json", '{"type": 12}')
    write(tmp_path, "fmt.json", '{"type": "string", "format": "no-such-format"}')
    for schema in ("broken.json", "bad.json", "fmt.json", "missing.json"):
        result = run_process("validate", "--schema", str(tmp_path / schema), str(brief))
        assert result.returncode == 2, schema
        assert result.stderr.startswith(b"brief: error: "), schema
        assert result.stderr.count(b"\n") == 1, schema


def test_huge_file_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write(MINIMAL + "body: |\n")
        line = "  " + "x" * 98 + "\n"
        for _ in range(50_000):  # 5 MB
            handle.write(line)
    result = run("validate", str(path))
    assert result.output.splitlines()[0] == f"{path}: $: file is larger than 4 MiB; not a brief [too-large]"
    assert result.exit_code == 1


def test_hostile_files_finish_quickly_in_a_real_process(in_data: Path) -> None:
    # a guard, not a benchmark: without the bounds these would run for minutes or exhaust memory
    result = run_process("validate", "invalid/alias-bomb.yaml", "invalid/deep-flow.yaml", cwd=DATA, timeout=30)
    assert result.returncode == 1
    assert b"[alias-bomb]" in result.stdout and b"[too-deep]" in result.stdout


def test_terminal_escapes_in_file_names_are_neutralised(tmp_path: Path) -> None:
    path = write(tmp_path, "evil\x1b[2Jname.yaml", "id: [")
    result = run("validate", str(path))
    assert "\x1b" not in result.output
    assert "evil\\x1b[2Jname.yaml" in result.output


def test_many_files_use_worker_processes_and_keep_order(tmp_path: Path) -> None:
    for index in range(150):
        write(tmp_path, f"b{index:03d}.yaml", MINIMAL.replace("minimal-brief", f"brief-{index}"))
    write(tmp_path, "b075.yaml", MINIMAL.replace("minimal-brief", "brief-75").replace("language: en", "language: 1"))
    write(tmp_path, "b140.yaml", MINIMAL.replace("minimal-brief", "brief-1"))
    result = run_process("validate", "-j", "2", str(tmp_path))
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith(f"{tmp_path}/b075.yaml:5:11: $.language: expected string, got number 1")
    assert lines[1].startswith(f"{tmp_path}/b140.yaml:2:5: $.id: brief id 'brief-1' is also used by")
    assert lines[-1] == "Checked 150 files: 2 invalid, 2 errors."


def test_python_dash_m_and_version() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "brief", "--version"], capture_output=True, text=True, check=False)
    assert result.stdout.startswith("brief 0.1.0 (freshness check: ")  # C or Python: tests/test_build.py
    assert run_process("--version").stdout == result.stdout.encode()


def test_without_paths_the_configured_collection_and_schema_are_used(tmp_path: Path) -> None:
    strict = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    strict["required"].append("summary")
    write(tmp_path, "team.schema.json", json.dumps(strict))
    write(tmp_path, "briefs/one.yaml", MINIMAL)
    write(tmp_path, "notes/README.md", "# not a brief\n")  # outside the configured paths: not checked
    write(tmp_path, "brief.toml", 'paths = ["briefs"]\nschema = "team.schema.json"\n')
    result = run_process("-C", str(tmp_path / "notes"), "validate")
    assert result.stdout.decode().splitlines() == [
        f"{tmp_path}/briefs/one.yaml:1:1: $: missing required field 'summary' [schema-required]",
        "Checked 1 file: 1 invalid, 1 error.",
    ]
    assert result.returncode == 1
    assert run_process("-C", str(tmp_path), "validate").stdout.decode().startswith("briefs/one.yaml:1:1: ")
