"""`brief graph`: the actor network across briefs (analysis/network.py), its Mermaid, DOT and JSON writers with
their escaping (render/graph.py), and Graphviz's real `dot` drawing what they write."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
import yaml

from brief.analysis.network import build_network
from brief.render.graph import clean, dot_quote, mermaid_text, to_dot, to_json, to_mermaid, wrap
from brief.render.palette import DECLARED, EXPECTED
from conftest import DATA, ROOT, run, run_process

GRAPH = DATA / "graph"
HOSTILE = DATA / "hostile"
DOT = shutil.which("dot")
# CI (.ci/run) installs Graphviz: there its absence fails these tests; elsewhere they are skipped
needs_dot = pytest.mark.skipif(DOT is None and not os.environ.get("CI"), reason="Graphviz's dot is not installed")


def records(folder: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        found.append((data["id"], str(data["date"]), str(path), data))
    return found


# -- the model ----------------------------------------------------------------------------------------------------


def test_actors_merge_by_id_and_alias_and_edges_keep_the_latest_state_with_the_change() -> None:
    network = build_network(records(GRAPH))
    assert network.briefs == ["alpha-2021", "beta-2022", "gamma-2023"]
    france, russia = network.nodes["fr"], network.nodes["ru"]
    assert (france.label, france.ids, france.aliases) == ("France", ["fr", "paris"], ["France"])
    assert france.briefs == ["alpha-2021", "beta-2022", "gamma-2023"]
    assert russia.ids == ["ru", "moscow"] and russia.briefs == ["alpha-2021", "beta-2022"]
    assert sorted(network.nodes) == ["fr", "mali", "ru", "wagner"]

    edges = {(e.type, e.source, e.target): e for e in network.edges}
    rift = edges[("relation", "fr", "ru")]  # beta writes the pair the other way round: still one edge
    assert (rift.latest.value, rift.latest.trend) == ("tension", "deteriorating")
    assert rift.briefs == ["alpha-2021", "beta-2022"]
    assert rift.changed and rift.previous is not None
    assert (rift.previous.value, rift.previous.trend, rift.previous.brief) == ("cooperation", "stable", "alpha-2021")
    proxy = edges[("affiliation", "wagner", "ru")]
    assert (proxy.latest.value, proxy.latest.status, proxy.changed, proxy.directed) == ("proxy", "alleged", False, True)
    assert not edges[("relation", "fr", "mali")].changed  # one brief only
    assert len(network.edges) == 4


def test_positions_add_issues_and_stance_edges() -> None:
    network = build_network(records(GRAPH), positions=True)
    issue = network.nodes["issue:partnership"]
    assert (issue.type, issue.label, issue.briefs) == ("issue", "A Mali–Wagner security partnership",
                                                        ["alpha-2021", "beta-2022"])  # fmt: skip
    stances = {e.source: e for e in network.edges if e.type == "stance"}
    assert stances["fr"].latest.value == "strongly-opposes" and stances["fr"].previous.value == "opposes"
    assert stances["fr"].latest.change == "Hardened once the first contractors arrived."
    assert stances["ru"].latest.value == "supports" and not stances["ru"].changed  # basis changed, stance did not
    assert stances["mali"].briefs == ["beta-2022"]


def test_two_actors_of_one_brief_are_never_merged_and_invalid_data_is_read_defensively() -> None:
    data = {"id": "odd", "date": "2024-01-01", "actors": [
        {"id": "a", "name": "Same"}, {"id": "b", "name": "Same"}, "not a mapping", {"name": "no id"}],
        "relations": [{"actors": ["a", "b"], "kind": "tension"}, {"actors": ["a"], "kind": "alliance"},
                      {"actors": ["a", "ghost"], "kind": 3}, {"actors": "a b", "kind": "alliance"}],
        "positions": [{"actor": "a", "issue": "i", "stance": "nonsense"}, {"actor": None, "issue": "i"}]}  # fmt: skip
    network = build_network([("odd", "2024-01-01", "odd.yaml", data), ("x", "", "x.yaml", "not a brief")],
                            positions=True)  # fmt: skip
    assert sorted(network.nodes) == ["a", "b", "ghost", "issue:i"]  # ghost: named, not defined
    assert [(e.source, e.target, e.latest.value) for e in network.edges] == [
        ("a", "b", "tension"), ("a", "ghost", "3"), ("a", "issue:i", "nonsense")]  # fmt: skip


def test_core_keeps_the_actors_in_most_briefs() -> None:
    network = build_network(records(GRAPH)).core(2)
    assert sorted(network.nodes) == ["fr", "ru"] and network.left_out == 2
    assert [(e.source, e.target) for e in network.edges] == [("fr", "ru")]


def test_every_vocabulary_value_has_a_style() -> None:
    assert DECLARED == EXPECTED


# -- the writers --------------------------------------------------------------------------------------------------


def test_mermaid_output() -> None:
    assert (
        to_mermaid(build_network(records(GRAPH)), "amber")
        == """\
---
title: TLP:AMBER
---
flowchart LR
  n1["France"]:::state
  n2["Russia"]:::state
  n3[["Wagner"]]:::privatemilitarycompany
  n4("Malian government"):::government
  n3 -.->|"proxy #40;alleged#41;"| n2
  n1 ===|"tension ↓ #40;was cooperation#41;"| n2
  n4 ---|"partnership ↑"| n2
  n1 ===|"hostility ↓"| n4
  linkStyle 0 stroke:#5f5f5f
  linkStyle 1 stroke:#d6604d,stroke-width:4px
  linkStyle 2 stroke:#4d9221,stroke-width:2px
  linkStyle 3 stroke:#b2182b,stroke-width:4px
  classDef state fill:#cfe2f3,stroke:#333333,color:#000000
  classDef privatemilitarycompany fill:#f4cccc,stroke:#333333,color:#000000
  classDef government fill:#d9ead3,stroke:#333333,color:#000000
"""
    )


def test_dot_output() -> None:
    assert (
        to_dot(build_network(records(GRAPH)), None)
        == """\
digraph brief {
  graph [rankdir="LR", fontname="Helvetica", fontsize="12", nodesep="0.3", overlap="false", splines="true"];
  node [fontname="Helvetica", fontsize=11, penwidth=1, color="#333333"];
  edge [fontname="Helvetica", fontsize=9, fontcolor="#333333"];
  "fr" [label="France", shape="box", style="filled", fillcolor="#cfe2f3"];
  "ru" [label="Russia", shape="box", style="filled", fillcolor="#cfe2f3"];
  "wagner" [label="Wagner", shape="octagon", style="filled", fillcolor="#f4cccc"];
  "mali" [label="Malian government", shape="box", style="rounded,filled", fillcolor="#d9ead3"];
  "wagner" -> "ru" [label="proxy (alleged)", style="dotted", color="#5f5f5f", arrowhead="empty"];
  "fr" -> "ru" [label="tension ↓ (was cooperation)", dir="none", color="#d6604d", penwidth="4.0", fontcolor="#b2182b", style="dashed,bold"];
  "mali" -> "ru" [label="partnership ↑", dir="none", color="#4d9221", penwidth="2"];
  "fr" -> "mali" [label="hostility ↓", dir="none", color="#b2182b", penwidth="4.0", fontcolor="#b2182b", style="bold"];
}
"""  # noqa: E501
    )


def test_json_output() -> None:
    data = json.loads(to_json(build_network(records(GRAPH), positions=True), "red"))
    assert (data["version"], data["tlp"], data["positions"], data["left_out"]) == (1, "red", True, 0)
    assert data["briefs"] == ["alpha-2021", "beta-2022", "gamma-2023"]
    france = next(node for node in data["nodes"] if node["id"] == "fr")
    assert france == {"id": "fr", "type": "actor", "label": "France", "kind": "state", "country": "FR",
                      "ids": ["fr", "paris"], "aliases": ["France"],
                      "briefs": ["alpha-2021", "beta-2022", "gamma-2023"]}  # fmt: skip
    rift = next(e for e in data["edges"] if e["type"] == "relation" and e["target"] == "ru")
    assert rift == {
        "source": "fr", "target": "ru", "type": "relation", "directed": False, "value": "tension",
        "trend": "deteriorating", "briefs": ["alpha-2021", "beta-2022"], "latest_brief": "beta-2022", "changed": True,
        "previous": {"brief": "alpha-2021", "date": "2021-03-01", "value": "cooperation", "trend": "stable"},
        "history": [{"brief": "alpha-2021", "date": "2021-03-01", "value": "cooperation", "trend": "stable"},
                    {"brief": "beta-2022", "date": "2022-05-01", "value": "tension", "trend": "deteriorating"}],
    }  # fmt: skip


NASTY = [
    'quote " backslash \\ and \\" escaped quote',
    "newline\nand\r\nreturn\tand tab",
    "end",
    "subgraph x; a-->b; %% comment",
    '"]; click n1 call alert(1); n2["',
    "} digraph g { node [shape=box] a -> b } \\N \\G \\L \\n",
    "<b>html</b> &amp; &lt; & #quot; #35; `code` **bold**",
    "escape \x1b[31m bell \x07 nul \x00 del \x7f c1 \x9b bidi \u202e",
    "lone \ud800 surrogate and noncharacters \ufffe \uffff \ufdd0",
    "o",
    "x",
    "</svg><script>alert(1)</script>",
]


def test_clean_makes_any_text_one_writable_harmless_line() -> None:
    for text in NASTY:
        cleaned = clean(text)
        cleaned.encode("utf-8")  # no lone surrogate left
        assert "\n" not in cleaned and "\x1b" not in cleaned and "\u202e" not in cleaned and "\ufffe" not in cleaned
    assert clean("a\x1bb \ud800") == "a\\x1bb \\ud800"
    assert wrap("one two three four", 9) == ["one two", "three", "four"]
    assert wrap("x" * 50, 10) == ["x" * 10, "x" * 10, "x" * 10, "x" * 20]  # cut past twice the width


def decode_mermaid(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def test_mermaid_text_leaves_no_syntax_and_reads_back() -> None:
    for text in NASTY:
        escaped = mermaid_text(text)
        assert re.fullmatch(r"[^\"`<>\[\](){}|;%\\:&#]*", re.sub(r"#\d+;", "", escaped)), escaped
        assert decode_mermaid(escaped) == clean(text)


def test_dot_quote_reads_back() -> None:
    for text in NASTY:
        quoted = dot_quote(text)
        inner = quoted[1:-1]
        assert re.fullmatch(r'(?:[^"\\]|\\\\|\\")*', inner), quoted  # no quote ends it, every backslash escaped
        assert inner.replace('\\"', '"').replace("\\\\", "\\").replace("&amp;", "&") == clean(text)


def nasty_network(positions: bool = True) -> Any:
    actors = [{"id": f"a{n}", "name": text, "kind": "state", "aliases": [text]} for n, text in enumerate(NASTY)]
    actors[0]["affiliations"] = [{"actor": "a1", "role": NASTY[4]}]
    data = {
        "id": "nasty", "date": "2024-01-01", "actors": actors,
        "issues": [{"id": "end", "statement": NASTY[5]}],
        "relations": [{"actors": [f"a{n}", f"a{n + 1}"], "kind": "tension", "trend": "deteriorating"}
                      for n in range(len(NASTY) - 1)],
        "positions": [{"actor": f"a{n}", "issue": "end", "stance": "supports"} for n in range(len(NASTY))],
    }  # fmt: skip
    return build_network([("nasty", "2024-01-01", "nasty.yaml", data)], positions=positions)


NODE = re.compile(r'  ([ni]\d+)(\[|\(|\{\{|\(\[|\[\[|\[/|\[\(|\(\(|>|\{)"([^"]*)"'
                  r"(\]|\)|\}\}|\]\)|\]\]|/\]|\\\]|\)\]|\)\)|\}):::([a-z]+)")  # fmt: skip
EDGE = re.compile(r'  ([ni]\d+) (---|===|-\.-|-->|-\.->)\|"([^"]*)"\| ([ni]\d+)')


def test_mermaid_of_hostile_names_is_one_statement_a_line() -> None:
    text = to_mermaid(nasty_network(), "clear")
    lines = text.splitlines()
    assert lines[:4] == ["---", "title: TLP:CLEAR", "---", "flowchart LR"]
    labels = []
    for line in lines[4:]:
        node, edge = NODE.fullmatch(line), EDGE.fullmatch(line)
        assert node or edge or re.fullmatch(r"  (linkStyle \d+|classDef [a-z]+) [a-z0-9:#.,\- ]+", line), line
        if node:
            labels.append(decode_mermaid(node.group(3)).replace("<br>", " "))
    assert labels[: len(NASTY)] == [clean(text) for text in NASTY]


@needs_dot
def test_dot_draws_hostile_names_and_every_label_reads_back() -> None:
    network = nasty_network()
    done = subprocess.run([DOT, "-Tsvg"], input=to_dot(network).encode(), capture_output=True, check=True)
    svg = ElementTree.fromstring(done.stdout)  # well-formed XML: no control character reached it
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = svg.findall(".//s:g[@class='node']", ns)
    assert len(nodes) == len(network.nodes)
    drawn = {" ".join(t.text or "" for t in node.findall("s:text", ns)) for node in nodes}
    for text in NASTY:
        assert clean(text) in drawn
    assert len(svg.findall(".//s:g[@class='edge']", ns)) == len(network.edges)
    assert not svg.findall(".//s:script", ns) and b"<script" not in done.stdout


# -- the command --------------------------------------------------------------------------------------------------


def test_graph_command_mermaid_by_default_withholding_red_briefs() -> None:
    result = run_process("graph", str(GRAPH))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == to_mermaid(build_network(records(GRAPH)[:2]), "amber")
    assert result.stderr.decode() == (
        "brief: withheld 1 brief marked above TLP:AMBER: 1 TLP:RED (--max-tlp red includes them)\n"
    )


def test_graph_command_json_with_every_brief_and_a_ref(tmp_path: Path) -> None:
    result = run("graph", str(GRAPH), "--format", "json", "--max-tlp", "red")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["briefs"] == ["alpha-2021", "beta-2022", "gamma-2023"]
    one = run("graph", str(GRAPH), "beta-2022", "--format", "json", "--positions")
    assert one.exit_code == 0 and json.loads(one.stdout)["briefs"] == ["beta-2022"]
    assert json.loads(one.stdout)["tlp"] == "amber"
    queried = run("graph", str(GRAPH), "rift", "--format", "dot", "-o", str(tmp_path / "g.dot"))
    assert queried.exit_code == 0
    assert (tmp_path / "g.dot").read_text() == to_dot(build_network(records(GRAPH)[1:2]), "amber")
    assert "wrote 3 actors and 2 edges to" in queried.stderr


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_render_draws_with_dot(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"graph{suffix}"
    result = run_process("graph", str(HOSTILE), "--positions", "--render", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().endswith(f"brief: drew 5 actors and 8 edges to {target}\n")
    picture = target.read_bytes()
    if suffix == ".png":
        assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) > 10_000
    else:
        svg = ElementTree.fromstring(picture)
        texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
        assert "Actor subgraph" in texts and "TLP:AMBER" in texts and "window.__pwned=1" in html.unescape(texts)
        assert b"<script" not in picture


def test_render_without_graphviz_says_how_to_install_it(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_process("graph", str(GRAPH), "--render", str(tmp_path / "g.svg"), env={"PATH": str(empty)})
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "apt-get install graphviz" in lines[0] and "Traceback" not in lines[0]
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--render", "g.jpg"], "give a file ending in .svg or .png"),
        (["--render", "g.svg", "-o", "x"], "leave out -o"),
        (["--format", "gif"], "'gif' is not one of"),
        (["no/such/folder"], "no file or folder 'no/such/folder'"),
        (["-o", "/no/such/folder/g.mmd"], "no such folder"),
        (["--top", "-1"], "-1 is not in the range"),
        (["wagner", "--query", "mali"], "give the query once"),
        (["tlp:purple"], "brief: error: "),
    ],
)
def test_usage_errors_exit_2_in_one_line(args: list[str], message: str) -> None:
    result = run_process("graph", str(GRAPH), *args, cwd=ROOT)
    assert result.returncode == 2
    assert message in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_invalid_briefs_are_left_out_and_named_with_exit_1(tmp_path: Path) -> None:
    shutil.copytree(GRAPH, tmp_path / "briefs")
    bad = "schema_version: '1.0'\nid: bad-one\ntitle: x\ndate: 2024-01-01\nlanguage: en\n"
    bad += "actors: [{id: q, name: Q, kind: x}]\n"
    (tmp_path / "briefs" / "bad.yaml").write_text(bad)
    (tmp_path / "briefs" / "broken.yaml").write_text("id: [unclosed\n")
    result = run_process("graph", str(tmp_path / "briefs"), "--format", "json")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "1 brief with validation errors not drawn" in err and "bad.yaml" in err
    assert "1 unreadable file(s) not drawn" in err and "broken.yaml" in err
    assert json.loads(result.stdout)["briefs"] == ["alpha-2021", "beta-2022"]
    included = run_process("graph", str(tmp_path / "briefs"), "--format", "json", "--include-invalid")
    assert included.returncode == 1 and "bad-one" in json.loads(included.stdout)["briefs"]
    assert "q" in [node["id"] for node in json.loads(included.stdout)["nodes"]]
