"""`brief report` in a real browser: Debian's Chromium, headless, driven by Playwright (the system browser; nothing
is downloaded). One browser for the module. The page's screenshot and PDF are kept in build/test-artefacts/, which
the end of the test run names."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, run_process

ARTEFACTS = ROOT / "build" / "test-artefacts"
# records what the page's policy refused: nothing may even try
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class ArtefactNote:
    """Names the artefacts' folder in pytest's closing summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(f"report screenshots and PDF: {ARTEFACTS}")


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        message = "Chromium is needed for the report's browser tests (.ci/run installs Debian's chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    if not request.config.pluginmanager.has_plugin("brief-report-artefacts"):
        request.config.pluginmanager.register(ArtefactNote(), "brief-report-artefacts")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("browser")
    made = {}
    for name, source in (("graph", DATA / "graph"), ("hostile", DATA / "hostile")):
        target = folder / f"{name}.html"
        result = run_process(
            "report",
            str(source),
            "--max-tlp",
            "red",
            "-o",
            str(target),
            env={"BRIEF_CACHE_DIR": str(folder / "cache"), "SOURCE_DATE_EPOCH": "1700000000"},
        )
        assert result.returncode == 0, result.stderr
        made[name] = target
    return made


def open_page(browser: Any, path: Path, bypass_csp: bool = False) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=bypass_csp)
    requests: list[str] = []
    problems: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.add_init_script(WATCH)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, requests, problems


STATE = """() => {
  const colour = el => el ? getComputedStyle(el).backgroundColor : null;
  const beta = [...document.querySelectorAll('article.brief')]
    .find(a => a.querySelector('.meta').textContent.startsWith('beta-2022'));
  const row = name => [...beta.querySelectorAll('table.matrix tbody tr')]
    .find(r => r.querySelector('th').textContent === name);
  const cell = name => row(name).querySelector('td');
  const graph = document.querySelector('#graph svg');
  const nodes = [...graph.querySelectorAll('g.node')];
  const map = beta.querySelector('svg.map');
  const tlp = document.querySelector('article .tlp-amber');
  return {
    cells: {France: [cell('France').textContent, colour(cell('France'))],
            Russia: [cell('Russia').textContent, colour(cell('Russia'))],
            Mali: [cell('Malian government').textContent, colour(cell('Malian government'))]},
    graphNodes: nodes.map(n => [...n.querySelectorAll('text')].map(t => t.textContent).join(' ')).sort(),
    graphSize: [graph.getBoundingClientRect().width, graph.getBoundingClientRect().height],
    wide: [...graph.querySelectorAll('g.edge path')].map(p => p.getAttribute('stroke-width')).filter(w => w === '4'),
    mapDiscs: [...map.querySelectorAll('circle')]
      .map(c => [c.parentNode.querySelector('text').textContent, getComputedStyle(c).fill]).sort(),
    mapSize: map.getBoundingClientRect().height,
    maps: document.querySelectorAll('svg.map').length,
    tlp: [tlp.textContent, getComputedStyle(tlp).color, getComputedStyle(tlp).backgroundColor],
    violations: window.__violations,
    scripts: document.scripts.length,
  };
}"""


def test_the_report_renders_with_its_matrix_graph_and_maps_and_fetches_nothing(
    browser: Any, reports: dict[str, Path]
) -> None:
    context, page, requests, problems = open_page(browser, reports["graph"])
    state = page.evaluate(STATE)
    assert state["cells"] == {
        "France": ["-- H", "rgb(178, 24, 43)"],
        "Russia": ["+ M", "rgb(103, 169, 207)"],
        "Mali": ["++ H", "rgb(33, 102, 172)"],
    }
    assert state["graphNodes"] == ["France", "Malian government", "Russia", "Wagner"]
    assert state["graphSize"][0] > 300 and state["graphSize"][1] > 100
    assert len(state["wide"]) == 2  # two deteriorating relations
    assert state["mapDiscs"] == [
        ["France", "rgb(178, 24, 43)"],
        ["Malian government", "rgb(33, 102, 172)"],
        ["Russia", "rgb(103, 169, 207)"],
    ]
    assert state["maps"] == 2 and state["mapSize"] > 150
    assert state["tlp"] == ["TLP:AMBER", "rgb(255, 192, 0)", "rgb(0, 0, 0)"]
    assert state["violations"] == [] and state["scripts"] == 0
    assert requests == [reports["graph"].as_uri()]  # the page itself, and nothing else
    assert problems == []

    # by keyboard: the skip link first, to the contents, then the contents' first link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contents"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#legend"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#graph"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#graph"

    page.screenshot(path=str(ARTEFACTS / "report.png"), full_page=True)
    assert (ARTEFACTS / "report.png").stat().st_size > 20_000

    # printed: a page per brief, nothing cut or scrolled away
    page.emulate_media(media="print")
    printed = page.evaluate("""() => ({
      breaks: [...document.querySelectorAll('article.brief')].map(a => getComputedStyle(a).breakBefore),
      overflow: [...document.querySelectorAll('.scroll')].map(s => getComputedStyle(s).overflowX),
      widest: Math.max(...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)),
      width: document.documentElement.clientWidth, skip: getComputedStyle(document.querySelector('.skip')).display,
    })""")
    assert set(printed["breaks"]) == {"page"} and set(printed["overflow"]) == {"visible"}
    assert printed["widest"] <= printed["width"] and printed["skip"] == "none"
    pdf = ARTEFACTS / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    printed_pdf = pdf.read_bytes()
    assert printed_pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed_pdf)) >= 5  # the cover, the graph, timelines, 3 briefs
    assert requests == [reports["graph"].as_uri()]
    context.close()


HOSTILE_STATE = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img, iframe, object, embed').length,
  bold: document.querySelectorAll('main b').length,
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')).filter(h => !h.startsWith('#')),
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
    .filter(n => n.startsWith('on')),
  graphNodes: document.querySelectorAll('#graph svg g.node').length,
  graphHeight: document.querySelector('#graph svg').getBoundingClientRect().height,
  maps: [...document.querySelectorAll('svg.map')]
    .map(s => [s.querySelectorAll('circle').length, Math.round(s.getBoundingClientRect().height)]),
  svgs: document.querySelectorAll('svg').length,
  shown: document.body.innerText.includes('<script>window.__pwned=1</script>'),
  violations: window.__violations,
})"""


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-policy", "escaping-alone"])
def test_hostile_briefs_run_nothing_and_every_picture_still_draws(
    browser: Any, reports: dict[str, Path], bypass_csp: bool
) -> None:
    """With the page's policy, and without it (the escaping alone must hold)."""
    context, page, requests, problems = open_page(browser, reports["hostile"], bypass_csp=bypass_csp)
    state = page.evaluate(HOSTILE_STATE)
    assert state["pwned"] is None and state["scripts"] == 0 and state["images"] == 0 and state["bold"] == 0
    assert state["links"] == [] and state["handlers"] == []
    assert state["graphNodes"] == 5 and state["graphHeight"] > 100
    assert [circles for circles, _ in state["maps"]] == [3, 1, 3, 1]  # x: unknown stance, not placed
    assert all(height > 150 for _, height in state["maps"])
    assert state["shown"]  # the text is there, as text
    assert state["violations"] == []
    assert requests == [reports["hostile"].as_uri()]
    assert problems == []
    # a click on every text that looks like a link does nothing either
    for text in page.locator("td.url").all():
        text.click()
    assert page.evaluate("window.__pwned === undefined") and page.url == reports["hostile"].as_uri()
    if not bypass_csp:
        page.screenshot(path=str(ARTEFACTS / "report-hostile.png"), full_page=True)
    context.close()
