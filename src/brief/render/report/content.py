"""What the HTML report shows, as plain data for its template: the cover, each brief (BLUF, key judgments, the
positions matrix, stakeholder maps, sources), the actor graph, and the timelines of issues followed across briefs.

Built from the briefs read (normalised, each with its marking in `tlp`), with the comparison (analysis/grids.py)
and the network (analysis/network.py); nothing here escapes or lays out HTML: the template does, with every
value escaped. Text is only made writable here (`clean`): controls, surrogates and noncharacters as visible
escapes, which HTML could not carry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from brief.analysis.grids import Cell, Grid, cell_text, issue_grid, stance_text, timeline_grid
from brief.analysis.network import Edge, Network
from brief.analysis.periods import PERIODS, By, column_counts
from brief.analysis.positions import Comparison
from brief.base import fields
from brief.base.vocabulary import (
    ACTOR_KINDS,
    CONFIDENCE_LETTERS,
    CREDIBILITY,
    INFERRED_MARK,
    LIKELIHOOD,
    RELATION_KINDS,
    RELIABILITY,
    STANCE_SCALE,
    TLP_LEVELS,
)
from brief.render.graph import edge_label
from brief.render.palette import RELATION_STYLES, kind_style, stance_colours
from brief.render.report.maps import StakeholderMap, stakeholder_map

MAX_COLUMNS = 12  # a timeline's columns: the finest period that makes at most this many (as `brief compare`)
# C0 (but tab and line breaks) and C1 controls, bidirectional overrides, surrogates and noncharacters
_UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)


def clean(value: Any) -> str:
    """Any field as text HTML can carry: controls (but tab and line breaks), bidirectional overrides, surrogates and
    noncharacters as visible escapes (`\\x1b`)."""
    text = fields.display(value)
    return _UNWRITABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                           f"\\u{ord(m.group()):04x}", text)  # fmt: skip


def paragraphs(value: Any) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", clean(value)) if part.strip()]


def safe_url(value: Any) -> str | None:
    """An address a reader may follow: http or https only (a `javascript:` or `data:` address stays text)."""
    text = fields.text(value)
    return text if text is not None and _SAFE_URL.match(text) else None


@dataclass(slots=True)
class MatrixCell:
    text: str  # '+* M', as `brief compare` writes it
    words: str  # 'supports (inferred, low)'
    css: str  # stance class, and inferred / low / conflict / changed


@dataclass(slots=True)
class Matrix:
    columns: list[tuple[str, str]]  # (label, statement)
    rows: list[tuple[str, list[MatrixCell | None]]]
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Judgment:
    statement: str
    likelihood: str  # 'likely'
    odds: str  # '55–80%'
    confidence: str


@dataclass(slots=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str | None  # followable
    address: str  # as written, shown as text when it may not be followed
    date: str
    grading: str  # 'B2'
    meaning: str  # 'usually reliable; probably true'


@dataclass(slots=True)
class BriefView:
    anchor: str
    id: str
    title: str
    date: str
    updated: str
    tlp: str | None
    authors: str
    facts: list[tuple[str, str]]
    summary: list[str]
    judgments: list[Judgment]
    matrix: Matrix | None
    maps: list[StakeholderMap]
    sources: list[Source]


@dataclass(slots=True)
class Timeline:
    anchor: str
    issue: str
    statement: str
    by: str
    briefs: int
    matrix: Matrix


@dataclass(slots=True)
class GraphView:
    svg: str | None  # inline SVG (drawn by Graphviz, whitelisted by render/graph.py), or None
    missing: str | None  # why there is no picture
    actors: int
    left_out: int
    relations: list[tuple[str, str, str, str, str]]  # (source, target, label, briefs, css)
    kinds: list[tuple[str, str, str]]  # legend: (kind words, fill, shape words)


@dataclass(slots=True)
class Cover:
    title: str
    generated: str
    marking: str | None
    described: list[str]
    counts: list[str]
    first: str
    last: str


@dataclass(slots=True)
class Report:
    cover: Cover
    briefs: list[BriefView]
    graph: GraphView
    timelines: list[Timeline]
    legend: list[tuple[str, str, str, str]]  # (css, symbol, words, fill)
    tlp_labels: dict[str, str] = field(default_factory=lambda: dict(TLP_LEVELS))


# -- cells ----------------------------------------------------------------------------------------------------------


def _stance_css(stance: str) -> str:
    return f"s-{stance}" if stance in {s.value for s in STANCE_SCALE} else "s-other"


def matrix_cell(cell: Cell | None) -> MatrixCell | None:
    if cell is None:
        return None
    first = cell.positions[0]
    css = [_stance_css(first.stance)]
    if any(p.basis == "inferred" for p in cell.positions):
        css.append("inferred")
    if any(p.confidence == "low" for p in cell.positions):
        css.append("low")
    if cell.conflict:
        css.append("conflict")
    if cell.changed:
        css.append("changed")
    words = " / ".join(stance_text(p, words=True) for p in cell.positions)
    return MatrixCell(clean(cell_text(cell)), clean(words), " ".join(css))


def grid_matrix(grid: Grid, label_by_brief: bool = False) -> Matrix:
    columns = [(clean(c.label), clean(c.title)) for c in grid.columns]
    rows = [(clean(row.actor.name), [matrix_cell(c) for c in row.cells]) for row in grid.rows]
    notes = [f"[{n.number}] {clean(n.actor)}, {clean(n.column)}: {clean(n.text)}" for n in grid.notes]
    return Matrix(columns, rows, notes)


# -- one brief ------------------------------------------------------------------------------------------------------


def _facts(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    from brief.render.show.common import nation

    facts = []
    for label, key in (("Domains", "domains"), ("Regions", "regions"), ("Tags", "tags")):
        values = fields.displays(data.get(key))
        if values:
            facts.append((label, clean(", ".join(values))))
    nations = [nation(code) for code in fields.as_list(data.get("nations"))]
    if nations:
        facts.append(("Nations", clean(", ".join(n for n in nations if n))))
    return facts


def _judgments(data: Mapping[str, Any]) -> list[Judgment]:
    found = []
    for judgment in fields.mappings(data.get("key_judgments")):
        likelihood = fields.key(judgment.get("likelihood")) or ""
        words, odds = LIKELIHOOD.get(likelihood, (likelihood.replace("-", " "), ""))
        found.append(Judgment(clean(judgment.get("statement")), clean(words), odds,
                              clean(fields.key(judgment.get("confidence")) or "")))  # fmt: skip
    return found


def _sources(data: Mapping[str, Any]) -> list[Source]:
    from brief.render.show.common import grade

    found = []
    for source in fields.mappings(data.get("sources")):
        reliability, credibility = source.get("reliability"), source.get("credibility")
        meaning = [RELIABILITY.get(reliability, "") if isinstance(reliability, str) else "",
                   CREDIBILITY.get(credibility, "") if isinstance(credibility, int) else ""]  # fmt: skip
        graded = grade(source)
        found.append(Source(
            clean(source.get("id")), clean(source.get("title")), clean(source.get("publisher")),
            safe_url(source.get("url")), clean(source.get("url")), clean(source.get("date")),
            "" if graded == "--" else clean(graded), "; ".join(m for m in meaning if m),
        ))  # fmt: skip
    return found


def _maps(grid: Grid) -> list[StakeholderMap]:
    maps = []
    for column, issue in enumerate(grid.columns):
        entries = []
        for row in grid.rows:
            cell = row.cells[column]
            if cell is None:
                continue
            position = cell.positions[-1]  # of conflicting positions, the last written
            entries.append((clean(row.actor.name), position.stance, position.power, position.salience))
        if any(power is not None for _, _, power, _ in entries):
            drawn = stakeholder_map(clean(issue.label), clean(issue.title), entries)
            if drawn is not None:
                maps.append(drawn)
    return maps


def brief_view(number: int, data: Mapping[str, Any], comparison: Comparison | None, index: int | None) -> BriefView:
    """One brief; `comparison` holds (at least) its actors, `index` is its place among the comparison's briefs."""
    matrix, maps = None, []
    if comparison is not None and index is not None:
        grid = issue_grid(comparison, index)
        if grid.rows:
            matrix = grid_matrix(grid)
            maps = _maps(grid)
    tlp = fields.text(data.get("tlp"))
    return BriefView(
        anchor=f"b{number}", id=clean(data.get("id")), title=clean(data.get("title")) or "(untitled)",
        date=clean(data.get("date")), updated=clean(data.get("updated")),
        tlp=tlp if tlp in TLP_LEVELS else None, authors=clean(", ".join(fields.displays(data.get("authors")))),
        facts=_facts(data), summary=paragraphs(data.get("summary")), judgments=_judgments(data), matrix=matrix,
        maps=maps, sources=_sources(data),
    )  # fmt: skip


# -- across briefs --------------------------------------------------------------------------------------------------


def per_brief(comparison: Comparison) -> list[Comparison]:
    """The comparison as each brief sees it: only its actors (issue_grid reads every actor of the comparison it is
    given; over a thousand briefs, most of them belong to other briefs)."""
    actors: list[list[Any]] = [[] for _ in comparison.briefs]
    for actor in comparison.actors:
        for index in actor.briefs:
            actors[index].append(actor)
    return [Comparison(comparison.briefs, comparison.issues, mine, comparison.positions) for mine in actors]


def per_issue(comparison: Comparison) -> dict[str, Comparison]:
    """The comparison of each issue: its positions and the actors holding them (timeline_grid reads every position
    of the comparison it is given)."""
    positions: dict[str, dict[tuple[str, str, int], Any]] = {}
    holders: dict[str, set[str]] = {}
    for key, held in comparison.positions.items():
        positions.setdefault(key[1], {})[key] = held
        holders.setdefault(key[1], set()).add(key[0])
    return {issue: Comparison(comparison.briefs, comparison.issues,
                              [a for a in comparison.actors if a.key in holders[issue]], positions[issue])
            for issue in positions}  # fmt: skip


def timelines(comparison: Comparison) -> list[Timeline]:
    """A timeline for each issue that two briefs or more hold, most followed first."""
    held: dict[str, list[str]] = {}
    for brief in comparison.briefs:
        for issue in brief.issues:
            held.setdefault(issue, []).append(brief.date)
    followed = sorted((issue for issue, dates in held.items() if len(dates) > 1), key=lambda i: (-len(held[i]), i))
    issues = per_issue(comparison)
    found = []
    for number, issue in enumerate(followed, 1):
        dates: dict[str, int] = {}
        for date in held[issue]:
            dates[date] = dates.get(date, 0) + 1
        counts = column_counts(dates)
        by: By = next((period for period in PERIODS if counts[period] <= MAX_COLUMNS), "year")
        if issue not in issues:
            continue
        grid = timeline_grid(issues[issue], issue, by=by)
        if not grid.rows:
            continue
        statement = next((i.statement for i in grid.issues if i.statement), None) or ""
        found.append(Timeline(f"t{number}", clean(issue), clean(statement), by, len(held[issue]), grid_matrix(grid)))
    return found


def graph_view(network: Network, svg: str | None, missing: str | None, all_actors: int) -> GraphView:
    relations = []
    for edge in network.edges:
        if edge.type == "stance":
            continue
        source, target = network.nodes[edge.source].label, network.nodes[edge.target].label
        relations.append((clean(source), clean(target), clean(edge_label(edge, long=True)), _briefs(edge),
                          _edge_css(edge)))  # fmt: skip
    kinds_used = dict.fromkeys(node.kind for node in network.actors())
    kinds = [(ACTOR_KINDS.get(kind or "", "Other actors"), kind_style(kind).fill, kind_style(kind).dot_shape)
             for kind in ACTOR_KINDS if kind in kinds_used]  # fmt: skip
    return GraphView(svg, missing, len(network.actors()), all_actors - len(network.actors()), relations, kinds)


def _briefs(edge: Edge) -> str:
    briefs = edge.briefs
    return ", ".join(briefs) if len(briefs) <= 3 else f"{', '.join(briefs[-3:])} and {len(briefs) - 3} earlier"


def _edge_css(edge: Edge) -> str:
    css = [f"r-{edge.latest.value}" if edge.latest.value in RELATION_KINDS else "r-other"]
    if edge.type == "affiliation":
        css = ["affiliation"]
    if edge.latest.trend == "deteriorating":
        css.append("deteriorating")
    if edge.changed:
        css.append("changed")
    return " ".join(css)


def legend() -> list[tuple[str, str, str, str]]:
    return [(_stance_css(s.value), s.symbol, s.words, stance_colours(s.value)[0]) for s in STANCE_SCALE]


def confidence_legend() -> str:
    letters = ", ".join(f"{letter} {level}" for level, letter in CONFIDENCE_LETTERS.items())
    return f"{INFERRED_MARK} inferred by the analyst (dashed border); {letters} confidence (low: hatched)"


def relation_legend() -> list[tuple[str, str, bool]]:
    return [(kind, style.colour, style.dashed) for kind, style in RELATION_STYLES.items()]


def counts_line(label: str, values: Sequence[Any]) -> str:
    return f"{len(values)} {label}"
