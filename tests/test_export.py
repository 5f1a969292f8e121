"""`brief export`: every format end to end through the command line, selection, invalid briefs, atomic output,
CSV injection, the STIX bundle (deterministic, checked by the official stix2-validator), and the OpenSearch
mapping. The TLP withholding rule is tested in tests/test_tlp.py."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from brief.cli import export_cmd
from brief.export import stix, tables
from brief.export.documents import write_ndjson
from conftest import COLLECTION, ROOT, run, run_process

EXAMPLES = ROOT / "examples"
VALID = ["mali-wagner-2021", "france-withdrawal-2022", "niger-coup-2023", "aes-confederation-2024"]  # date order


def decoded(output: object) -> str:
    """A process's output as text (conftest.run_process captures bytes)."""
    return output.decode() if isinstance(output, bytes) else str(output)


def export(*args: str, folder: Path = COLLECTION) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `brief export FOLDER ARGS…`, run in a process of its own."""
    result = run_process("-C", str(folder), "export", ".", *args)  # the folder's own brief.toml applies
    return result.returncode, decoded(result.stdout), decoded(result.stderr)


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of examples/ as a collection of its own, with a default marking."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    (folder / "brief.toml").write_text('tlp = "amber"\n', encoding="utf-8")
    return folder


# -- json and ndjson ---------------------------------------------------------------------------------------------


def test_json_is_a_versioned_list_of_normalised_briefs_as_show_prints_them() -> None:
    code, out, err = export()
    assert code == 1  # broken.yaml is invalid: left out, and said so
    document = json.loads(out)
    assert list(document) == ["version", "briefs"]
    assert document["version"] == 1
    assert [brief["id"] for brief in document["briefs"]] == VALID
    shown = json.loads(run("show", str(COLLECTION / "niger-2023.md"), "--format", "json").output)["brief"]
    assert document["briefs"][2] == shown  # a .md brief: its body is a field, nations are codes, schema order
    assert "broken.yaml" in err and "--include-invalid" in err


def test_ndjson_is_one_brief_per_line_in_date_order() -> None:
    code, out, _ = export("--format", "ndjson")
    assert code == 1
    lines = out.splitlines()
    assert [json.loads(line)["id"] for line in lines] == VALID
    assert json.loads(lines[0]) == json.loads(export()[1])["briefs"][0]


def test_include_invalid_exports_invalid_briefs_as_written_and_still_exits_1() -> None:
    code, out, err = export("--format", "ndjson", "--include-invalid")
    assert code == 1
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert ids == ["mali-wagner-2021", "france-withdrawal-2022", "broken-brief", "niger-coup-2023",
                   "aes-confederation-2024"]  # fmt: skip
    assert "exported 1 brief with validation errors, as written: " in err and "broken.yaml" in err


def test_only_valid_briefs_exit_0(tmp_path: Path) -> None:
    shutil.copytree(COLLECTION, tmp_path / "c")
    (tmp_path / "c" / "broken.yaml").unlink()
    code, out, err = export("--format", "ndjson", folder=tmp_path / "c")
    assert (code, len(out.splitlines())) == (0, 4)
    assert "without a TLP marking" in err  # no marking and no default: exported, and said so


def test_a_file_changed_since_the_index_is_checked_again(collection_copy: Path) -> None:
    """The index's validity is trusted only for the content it checked (same hash): with --no-refresh, a brief
    made invalid after indexing is still found invalid, and left out."""
    assert export("--format", "ndjson", folder=collection_copy)[0] == 1  # builds the index
    path = collection_copy / "mali-2021.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("language: en", "language: english"), encoding="utf-8")
    code, out, err = export("--format", "ndjson", "--no-refresh", folder=collection_copy)
    assert code == 1
    assert "mali-wagner-2021" not in out
    assert "2 briefs with validation errors not exported" in err and "mali-2021.yaml" in err


def test_an_unreadable_file_is_named_and_exits_1(collection_copy: Path) -> None:
    (collection_copy / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    code, out, err = export("--format", "ndjson", "--include-invalid", folder=collection_copy)
    assert code == 1
    assert len(out.splitlines()) == 5
    assert "1 unreadable file(s) not exported: " in err and "bad.yaml" in err


# -- selection -------------------------------------------------------------------------------------------------


def exported_ids(*args: str) -> list[str]:
    code, out, err = export("--format", "ndjson", *args)
    assert code in (0, 1), err
    return [json.loads(line)["id"] for line in out.splitlines()]


def test_the_list_filters_and_the_search_language_select() -> None:
    assert exported_ids("--nation", "Mali", "--since", "2022") == ["france-withdrawal-2022", "aes-confederation-2024"]
    for query in ("wagner nation:ML", "barkhane -tag:draft", "aes OR barkhane"):
        found = run("search", query, str(COLLECTION), "--format", "ids", "--sort", "date", "--limit", "0")
        assert exported_ids("--query", query) == found.output.split(), query
    assert exported_ids("--query", "barkhane -tag:draft") == ["mali-wagner-2021"]


def test_a_first_argument_that_is_no_path_is_the_query() -> None:
    result = run_process("export", "barkhane -tag:draft", str(COLLECTION), "--format", "ndjson")
    assert [json.loads(line)["id"] for line in decoded(result.stdout).splitlines()] == ["mali-wagner-2021"]


def test_nothing_selected_is_an_empty_export() -> None:
    code, out, err = export("--query", "nothingmatchesthis")
    assert (code, json.loads(out)) == (0, {"version": 1, "briefs": []})
    assert "no brief matches the filters and query" in err
    code, out, _ = export("--query", "nothingmatchesthis", "--format", "stix")
    assert code == 0
    assert list(json.loads(out)) == ["type", "id"]  # a bundle's objects, when present, must not be empty


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "Invalid value for '--format'"),
        (["--table", "positions", "--format", "json"], "--table is for --format csv"),
        (["--bulk", "briefs", "--format", "csv"], "--bulk writes NDJSON"),
        (["--bulk", "_briefs"], "is not an index name"),
        (["--query", "OR wagner"], "OR needs a search term on each side"),
        (["--query", "nation:atlantis"], "unknown nation 'atlantis'"),
        (["--max-tlp", "white"], "Invalid value for '--max-tlp'"),
        (["-o", "/no/such/folder/out.json"], "no such folder"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = export(*args)
    assert code == 2
    assert message in err
    assert out == ""


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_process("export", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no file or folder" in decoded(result.stderr) and "--query" in decoded(result.stderr)
    result = run_process("export", "wagner", "not-there")
    assert result.returncode == 2
    assert "no file or folder 'not-there'" in decoded(result.stderr)


# -- OpenSearch bulk -----------------------------------------------------------------------------------------------


def test_bulk_pairs_an_index_action_keyed_by_brief_id_with_each_brief() -> None:
    code, out, _ = export("--bulk", "briefs")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2 * len(VALID)
    actions, documents = [json.loads(x) for x in lines[::2]], [json.loads(x) for x in lines[1::2]]
    assert actions == [{"index": {"_index": "briefs", "_id": ident}} for ident in VALID]
    assert documents == [json.loads(x) for x in export("--format", "ndjson")[1].splitlines()]
    assert export("--bulk", "briefs", "--format", "ndjson")[1] == out


def test_the_mapping_maps_every_field_of_the_schema() -> None:
    mapping = json.loads((ROOT / "schemas" / "opensearch-mapping.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node or node.get("type") == "array":
            node = defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node["items"]
        return node

    def check(properties: dict[str, Any], mapped: dict[str, Any], where: str) -> None:
        assert set(mapped) == set(properties), where
        for name, node in properties.items():
            node = resolve(node)
            if "properties" in node:
                check(node["properties"], mapped[name]["properties"], f"{where}.{name}")

    check(schema["properties"], mapping["mappings"]["properties"], "$")
    fields = mapping["mappings"]["properties"]
    assert mapping["mappings"]["dynamic"] is False  # x- fields are kept in _source, not indexed
    for name in ("id", "tlp", "nations", "domains", "language"):
        assert fields[name]["type"] == "keyword"
    assert fields["positions"]["properties"]["stance"]["type"] == "keyword"
    assert fields["date"]["type"] == fields["sources"]["properties"]["date"]["type"] == "date"
    for name in ("title", "summary", "body"):
        assert fields[name]["analyzer"] == "folded"
    assert fields["actors"]["properties"]["name"]["analyzer"] == "folded"  # `maiga` finds `Maïga`
    analyzer = mapping["settings"]["analysis"]["analyzer"]["folded"]
    assert analyzer["filter"] == ["lowercase", "asciifolding"]


# -- CSV -----------------------------------------------------------------------------------------------------------


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_is_one_row_per_brief_with_lists_joined() -> None:
    code, out, _ = export("--format", "csv")
    assert code == 1
    table = rows(out)
    assert [row["id"] for row in table] == VALID
    assert list(table[0]) == list(tables.BRIEF_COLUMNS)
    assert table[0]["nations"] == "ML; FR"
    assert table[0]["tags"] == "wagner; barkhane"


@pytest.mark.parametrize("table", export_cmd.TABLES)
def test_every_table_names_its_brief_and_marking(table: str, examples: Path) -> None:
    code, out, _ = export("--format", "csv", "--table", table, folder=examples)
    assert code == 0
    parsed = rows(out)
    assert out.splitlines()[0] == ",".join(tables.TABLES[table][0])
    key = "id" if table == "briefs" else "brief"
    assert len({row[key] for row in parsed}) > 1
    assert {row["tlp"] for row in parsed} == {"amber"}


def test_the_tables_of_the_command_are_the_exports() -> None:
    assert tuple(tables.TABLES) == export_cmd.TABLES
    assert export_cmd.TABLES == ("briefs", "positions", "actors", "relations", "judgments", "sources")


def test_table_positions_is_tidy() -> None:
    parsed = rows(export("--format", "csv", "--table", "positions")[1])
    row = next(row for row in parsed if row["actor"] == "mali-government")
    assert (row["brief"], row["actor_name"], row["issue"], row["issue_statement"], row["stance"]) == (
        "mali-wagner-2021", "Malian transitional government", "mali-wagner-partnership",
        "A Mali–Wagner security partnership", "supports",
    )  # fmt: skip
    assert len(parsed) == sum(
        len(json.loads(line).get("positions", [])) for line in export("--format", "ndjson")[1].splitlines()
    )


INJECTED = """\
schema_version: "1.0"
id: injection
title: "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
date: 2024-01-01
language: en
summary: "+1+1"
authors: ["@SUM(A1:A9)", "-2+3", "\\t=1+1", "\\r=1+1"]
actors:
  - {id: a, name: "=cmd|' /C calc'!A0", kind: person, aliases: ["-alias"], description: "\\u001b[31mred"}
issues:
  - {id: i, statement: "@issue"}
positions:
  - {actor: a, issue: i, stance: supports, rationale: ["=1", "fine"], salience: 5}
key_judgments:
  - {statement: "+judgment", likelihood: likely, confidence: low}
sources:
  - {id: s, title: "-source", publisher: "=pub"}
"""


def test_formula_cells_are_neutralised_in_every_table(tmp_path: Path) -> None:
    (tmp_path / "injection.yaml").write_text(INJECTED, encoding="utf-8")
    seen: list[str] = []
    for table in export_cmd.TABLES:
        code, out, err = export("--format", "csv", "--table", table, "--include-invalid", folder=tmp_path)
        assert code in (0, 1), err
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (table, cell)
                seen.append(cell)
    for expected in ("'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+1", "'@SUM(A1:A9); -2+3; \t=1+1; \\x0d=1+1",
                     "'=cmd|' /C calc'!A0", "'-alias", "\\x1b[31mred", "'@issue", "'=1; fine", "'+judgment",
                     "'-source", "'=pub"):  # fmt: skip
        assert expected in seen, expected
    assert "5" in seen  # numbers stay numbers


def test_safe_cell() -> None:
    assert tables.safe_cell("=1+1") == "'=1+1"
    assert tables.safe_cell("a=1") == "a=1"
    assert tables.safe_cell(-5) == "-5"
    assert tables.safe_cell(["a", "b"]) == "a; b"
    assert tables.safe_cell(["-a", "b"]) == "'-a; b"
    assert tables.safe_cell(True) == "true"
    assert tables.safe_cell(None) == ""


# -- output ----------------------------------------------------------------------------------------------------


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.ndjson"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    code, out, err = export("--format", "ndjson", "-o", str(target))
    assert (code, out) == (1, "")
    assert f"exported 4 briefs to {target}" in err
    assert [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()] == VALID
    assert os.stat(target).st_mode & 0o777 == 0o640  # the replaced file's permissions are kept
    code, _, _ = export("--query", "OR", "-o", str(target))  # fails before writing: the file is untouched
    assert code == 2
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ndjson"]  # no temporary file left behind


def test_an_interrupted_export_leaves_the_old_file(tmp_path: Path) -> None:
    from brief.export.output import output

    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), output(str(target)) as out:
        out.write("half of a")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_writing_streams_brief_by_brief() -> None:
    """Each brief is written before the next is read: an export holds one brief at a time."""
    out = io.StringIO()

    def briefs() -> Any:
        for number in range(3):
            assert out.getvalue().count("\n") == number  # the previous ones are written already
            yield {"id": f"b{number}"}

    write_ndjson(briefs(), out)
    assert out.getvalue().count("\n") == 3


def test_export_reads_in_worker_processes_in_order(tmp_path: Path) -> None:
    """Past PARALLEL_THRESHOLD briefs, files are read on every core; the order and the output are the same."""
    from brief.base.pool import PARALLEL_THRESHOLD

    source = (COLLECTION / "mali-2021.yaml").read_text(encoding="utf-8")
    for number in range(PARALLEL_THRESHOLD + 36):
        text = source.replace("id: mali-wagner-2021", f"id: brief-{number:03d}")
        text = text.replace("date: 2021-09-28", f"date: 2021-{1 + number % 12:02d}-{1 + number % 28:02d}")
        (tmp_path / f"b{number:03d}.yaml").write_text(text, encoding="utf-8")
    from brief.export.briefs import read_all

    tasks = [(str(p), "green", None) for p in sorted(tmp_path.iterdir())]
    serial = list(read_all(tasks, None, jobs=1, count=len(tasks)))
    parallel = list(read_all(tasks, None, jobs=2, count=len(tasks)))
    assert parallel == serial
    assert [read[0]["id"] for read in parallel if read[0]] == [f"brief-{n:03d}" for n in range(len(tasks))]
    assert {read[2] for read in parallel} == {"green"}


EDGES = {  # what the index cannot tell apart by itself: an empty body, no body, the word body
    "empty-body.md": '---\nschema_version: "1.0"\nid: empty-md\ntitle: T\ndate: 2024-01-01\nlanguage: en\n---\n',
    "empty-body.yaml": 'schema_version: "1.0"\nid: empty-yaml\ntitle: T\ndate: 2024-01-02\nlanguage: en\nbody: ""\n',
    "no-body.yaml": 'schema_version: "1.0"\nid: no-body\ntitle: T\ndate: 2024-01-03\nlanguage: en\n',
    "somebody.yaml": 'schema_version: "1.0"\nid: somebody\ntitle: Somebody\ndate: 2024-01-04\nlanguage: en\n',
    "names.yaml": 'schema_version: "1.0"\nid: names\ntitle: T\ndate: 2024-01-05\nlanguage: en\nnations: [Tchad, ML]\n',
}


def test_data_taken_from_the_index_is_what_the_checker_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid brief whose file is unchanged is taken from the index rather than parsed again: the same data."""
    from brief.collection.config import collection
    from brief.collection.index import open_index
    from brief.export import briefs
    from brief.query.filters import Filters
    from brief.query.selection import select

    folder = tmp_path / "c"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(COLLECTION, folder / "collection")
    for name, text in EDGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = open_index(collection([str(folder)]))
    selection = select(index.connection(), Filters(), max_tlp="red")
    taken: list[dict[str, Any] | None] = []
    original = briefs._indexed

    def counted(path: str, raw: bytes, row: int) -> dict[str, Any] | None:
        taken.append(original(path, raw, row))
        return taken[-1]

    monkeypatch.setattr(briefs, "_indexed", counted)

    def exported(index_path: str | None) -> list[dict[str, Any]]:
        return list(briefs.Exported(selection, "green", "red", True, None, index_path, jobs=1).briefs())

    from_index, parsed = exported(index.path), exported(None)
    assert from_index == parsed
    assert len(from_index) == len(list(EXAMPLES.iterdir())) + 5 + len(EDGES)
    used = sum(1 for data in taken if data is not None)
    assert len(from_index) - 4 <= used < len(from_index)  # not the invalid brief, nor the empty yaml body
    by_id = {brief["id"]: brief for brief in from_index}
    assert by_id["empty-md"]["body"] == "" and by_id["empty-yaml"]["body"] == ""
    assert "body" not in by_id["no-body"] and "body" not in by_id["somebody"]
    assert by_id["names"]["nations"] == ["TD", "ML"]


def test_a_large_export_to_a_file_ends(tmp_path: Path) -> None:
    """Workers read the files of a large export; writing to a file (which handles SIGTERM, to remove its temporary
    file) must not keep them from ending when the pool is closed."""
    from brief.base.pool import PARALLEL_THRESHOLD

    source = (COLLECTION / "mali-2021.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(2 * PARALLEL_THRESHOLD):
        (folder / f"b{number:03d}.yaml").write_text(source.replace("mali-wagner-2021", f"b-{number:03d}"), "utf-8")
    target = tmp_path / "out.ndjson"
    result = run_process("export", str(folder), "--format", "ndjson", "-o", str(target), timeout=60)
    assert result.returncode == 0, decoded(result.stderr)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2 * PARALLEL_THRESHOLD


def test_workers_keep_the_default_sigterm_action(tmp_path: Path) -> None:
    """The pool ends its workers with SIGTERM: they must not inherit the handler of an export to a file."""
    import signal

    from brief.base.pool import process_pool
    from brief.export.briefs import _init_worker_process
    from brief.export.output import output

    with output(str(tmp_path / "out")), process_pool(1, _init_worker_process, (None, None)) as pool:
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # the exporting process handles it
        assert pool.apply(signal.getsignal, (signal.SIGTERM,)) == signal.SIG_DFL


def test_help_lists_the_formats() -> None:
    text = run("export", "--help").output
    for word in ("json", "ndjson", "csv", "stix", "--bulk", "--max-tlp", "--include-invalid", "--table"):
        assert word in text


# -- STIX ----------------------------------------------------------------------------------------------------------


def bundle_of(folder: Path, *args: str) -> tuple[str, dict[str, Any]]:
    code, out, err = export("--format", "stix", *args, folder=folder)
    assert code == 0, err
    return out, json.loads(out)


def test_stix_export_is_byte_for_byte_deterministic(examples: Path, tmp_path: Path) -> None:
    first, _ = bundle_of(examples)
    again, _ = bundle_of(examples)
    assert first == again
    other = run_process(
        "-C", str(examples), "export", "--format", "stix", env={"BRIEF_CACHE_DIR": str(tmp_path / "c2")}
    )
    assert decoded(other.stdout) == first  # a fresh index too


def test_stix_ids_are_deterministic_uuids(examples: Path) -> None:
    _, bundle = bundle_of(examples)
    ids = [obj["id"] for obj in bundle["objects"]]
    assert len(ids) == len(set(ids))
    for ident in [bundle["id"], *ids]:
        kind, _, value = ident.partition("--")
        assert uuid.UUID(value).version == 4 or kind == "marking-definition"
    # the namespace and the key scheme are part of the format: changing them would duplicate every import
    assert stix.stix_id("report", "mali-wagner-2021") == "report--7756bd8e-0ee8-40f5-9578-aecede5cd3cb"


def test_stix_bundle_holds_reports_and_what_they_refer_to(examples: Path) -> None:
    _, bundle = bundle_of(examples)
    objects = {obj["id"]: obj for obj in bundle["objects"]}
    reports = [obj for obj in bundle["objects"] if obj["type"] == "report"]
    assert len(reports) == len(list(EXAMPLES.iterdir()))
    for report in reports:
        assert all(ref in objects for ref in report["object_refs"])
        assert report["published"].endswith("T00:00:00Z")
        assert report["object_marking_refs"] == [stix.TLP_MARKINGS["amber"]]
    mali = next(r for r in reports if r["name"].startswith("The Beginning of an Awkward"))
    held = [objects[ref] for ref in mali["object_refs"]]
    kinds = {obj["type"] for obj in held}
    assert kinds == {"identity", "location", "relationship", "x-brief-issue", "note"}
    assert {o["country"] for o in held if o["type"] == "location" and "country" in o} >= {"ML", "FR", "RU"}
    people = {o["name"]: o for o in held if o["type"] == "identity"}
    assert people["Choguel Maïga"]["identity_class"] == "individual"
    assert people["France"]["identity_class"] == "organization"
    assert {ref["external_id"] for ref in mali["external_references"]} >= {"reuters-2021-09-13"}
    affiliation = next(o for o in held if o.get("relationship_type") == "affiliated-with")
    assert affiliation["description"].startswith("role: Prime Minister")
    assert "created_by_ref" not in mali  # the examples name no authors
    markings = [obj for obj in bundle["objects"] if obj["type"] == "marking-definition"]
    assert markings == [stix.tlp_marking("amber")]
    assert markings[0]["name"] == "TLP:AMBER"


def test_stix_confidence_follows_appendix_a(examples: Path) -> None:
    _, bundle = bundle_of(examples)
    objects = bundle["objects"]
    for note in (o for o in objects if o["type"] == "note" and "key-judgment" in o.get("labels", ())):
        likelihood = next(label.split(":", 1)[1] for label in note["labels"] if label.startswith("likelihood:"))
        assert note["confidence"] == stix.DNI_SCALE[likelihood]
    positions = [
        o for o in objects if o["type"] == "relationship" and o["relationship_type"] in stix.POSITION_TYPES.values()
    ]
    assert positions
    for position in positions:
        stated = next((line for line in position["description"].splitlines() if "confidence: " in line), "")
        level = stated.rsplit("confidence: ", 1)[-1] if stated else None
        if level in stix.CONFIDENCE:
            assert position["confidence"] == stix.CONFIDENCE[level]
    assert stix.DNI_SCALE == {"almost-no-chance": 5, "very-unlikely": 15, "unlikely": 30, "roughly-even-chance": 50,
                              "likely": 70, "very-likely": 85, "almost-certain": 95}  # fmt: skip
    assert stix.CONFIDENCE == {"low": 15, "moderate": 50, "high": 85}
    assert stix.ADMIRALTY_CREDIBILITY == {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}


def test_every_region_has_a_stix_counterpart_or_stays_a_label() -> None:
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    assert list(stix.REGIONS) == schema["properties"]["regions"]["items"]["enum"]
    assert [region for region, value in stix.REGIONS.items() if value is None] == ["arctic", "global"]


def test_the_custom_relationship_types_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in stix.RELATIONSHIP_TYPES:
        assert f"`{kind}`" in readme, kind
    assert f"`{stix.ISSUE_TYPE}`" in readme


# The validator's warnings that the README documents: custom relationship types (202), and sources' URLs without
# hashes of their content (302), which brief never fetches.
DOCUMENTED_WARNINGS = {"202", "302"}


def validate_bundle(bundle: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the official stix2-validator, every check on, with the network out of reach."""
    import socket

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the STIX validator tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from stix2validator import ValidationOptions, validate_instance  # type: ignore[import-untyped]

    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    return [str(e) for e in result.errors], [str(w) for w in result.warnings]


def test_the_bundle_passes_the_official_stix2_validator(examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("stix2validator")
    _, bundle = bundle_of(examples, "--max-tlp", "red")
    errors, warnings = validate_bundle(bundle, monkeypatch)
    assert errors == []
    codes = {warning.split("{", 1)[1].split("}", 1)[0] for warning in warnings}
    assert codes <= DOCUMENTED_WARNINGS, warnings
    for warning in (w for w in warnings if "{202}" in w):
        kind = warning.split("} '", 1)[1].split("'", 1)[0]
        assert kind in stix.RELATIONSHIP_TYPES, warning
    assert "{202}" in " ".join(warnings)  # the check ran, and saw the custom types


def test_invalid_briefs_still_make_a_valid_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("stix2validator")
    code, out, _ = export("--format", "stix", "--include-invalid")
    assert code == 1
    errors, warnings = validate_bundle(json.loads(out), monkeypatch)
    assert errors == []
    assert {w.split("{", 1)[1][:3] for w in warnings} <= DOCUMENTED_WARNINGS


def test_authors_are_the_reports_creator(collection_copy: Path) -> None:
    _, bundle = bundle_of(collection_copy, "--query", "id:aes-confederation-2024")
    objects = {obj["id"]: obj for obj in bundle["objects"]}
    report = next(obj for obj in bundle["objects"] if obj["type"] == "report")
    creator = objects[report["created_by_ref"]]
    assert (creator["type"], creator["name"], creator["identity_class"]) == ("identity", "Awa Traoré, Sam Lee", "group")
    assert report["lang"] == "en" and report["labels"] == ["diplomacy", "aes", "ecowas"]


@pytest.mark.parametrize("args", [["--format", "json"], ["--bulk", "b"], ["--format", "csv", "--table", "positions"],
                                  ["--format", "stix"]])  # fmt: skip
def test_whatever_invalid_briefs_hold_every_format_is_written(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/data/invalid holds every kind of broken brief: each readable one is exported as written, the others
    are named; nothing fails."""
    shutil.copytree(ROOT / "tests" / "data" / "invalid", tmp_path / "invalid")
    (tmp_path / "invalid" / "injection.yaml").write_text(INJECTED, encoding="utf-8")
    code, out, err = export(*args, "--include-invalid", folder=tmp_path / "invalid")
    assert code == 1, err
    assert "Traceback" not in err
    assert "unreadable file(s) not exported" in err and "with validation errors, as written" in err
    if args[1] == "stix":
        pytest.importorskip("stix2validator")
        errors, warnings = validate_bundle(json.loads(out), monkeypatch)
        assert errors == []
        assert {w.split("{", 1)[1][:3] for w in warnings} <= DOCUMENTED_WARNINGS


def test_a_bare_brief_refers_to_a_note_of_its_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = 'schema_version: "1.0"\nid: bare\ntitle: Bare\ndate: 2024-02-03\nlanguage: en\n'
    (tmp_path / "bare.yaml").write_text(bare, encoding="utf-8")
    _, bundle = bundle_of(tmp_path)
    note, report = bundle["objects"]
    assert (note["type"], report["type"]) == ("note", "report")
    assert report["object_refs"] == [note["id"]] and note["object_refs"] == [report["id"]]
    pytest.importorskip("stix2validator")
    assert validate_bundle(bundle, monkeypatch) == ([], [])
