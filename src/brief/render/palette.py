"""Colours and shapes of brief's pictures, declared once for the graph writers (render/graph.py) and the HTML
report (render/report/): the stance scale from strong opposition to strong support, actor kinds, relation kinds.

Stance colours are ColorBrewer's RdBu diverging scheme (7 classes, colour-blind safe), blue for support and red
for opposition; every picture also writes the stance's symbol or word, so nothing depends on colour alone.
"""

from __future__ import annotations

from brief.base.vocabulary import ACTOR_KINDS, RELATION_KINDS, STANCES

# stance -> (cell fill, text colour on it, line colour for a stance edge)
STANCE_COLOURS: dict[str, tuple[str, str, str]] = {
    "strongly-supports": ("#2166ac", "#ffffff", "#2166ac"),
    "supports": ("#67a9cf", "#000000", "#4393c3"),
    "leans-supports": ("#d1e5f0", "#000000", "#92c5de"),
    "neutral": ("#f7f7f7", "#000000", "#8c8c8c"),
    "leans-opposes": ("#fddbc7", "#000000", "#f4a582"),
    "opposes": ("#ef8a62", "#000000", "#d6604d"),
    "strongly-opposes": ("#b2182b", "#ffffff", "#b2182b"),
    "unknown": ("#d9d9d9", "#000000", "#a6a6a6"),
}
OTHER_STANCE = ("#ffffff", "#000000", "#a6a6a6")  # a value an invalid brief wrote


class KindStyle:
    """How an actor kind (or an issue) is drawn: Graphviz shape and style, Mermaid shape, fill colour."""

    __slots__ = ("dot_shape", "dot_style", "fill", "mermaid")

    def __init__(self, dot_shape: str, mermaid: tuple[str, str], fill: str, dot_style: str = "filled") -> None:
        self.dot_shape = dot_shape
        self.dot_style = dot_style
        self.mermaid = mermaid  # the brackets around a Mermaid node's label
        self.fill = fill


KIND_STYLES: dict[str, KindStyle] = {
    "state": KindStyle("box", ("[", "]"), "#cfe2f3"),
    "government": KindStyle("box", ("(", ")"), "#d9ead3", "rounded,filled"),
    "armed-forces": KindStyle("hexagon", ("{{", "}}"), "#e6d5b8"),
    "person": KindStyle("ellipse", ("([", "])"), "#fff2cc"),
    "private-military-company": KindStyle("octagon", ("[[", "]]"), "#f4cccc"),
    "armed-group": KindStyle("parallelogram", ("[/", "/]"), "#ead1dc"),
    "international-organisation": KindStyle("cylinder", ("[(", ")]"), "#d0e0e3"),
    "coalition": KindStyle("doubleoctagon", ("((", "))"), "#d9d2e9"),
    "party": KindStyle("trapezium", ("[/", "\\]"), "#fce5cd"),
    "other": KindStyle("ellipse", (">", "]"), "#eeeeee", "dashed,filled"),
}
UNKNOWN_KIND = KindStyle("ellipse", ("(", ")"), "#ffffff", "dashed")  # no kind, or one the format does not know
ISSUE_STYLE = KindStyle("note", ("{", "}"), "#ffffff")


class RelationStyle:
    """A relation kind's line: colour, Graphviz style, width, and whether it is one of cooperation or conflict."""

    __slots__ = ("colour", "dashed", "width")

    def __init__(self, colour: str, width: float, dashed: bool = False) -> None:
        self.colour = colour
        self.width = width
        self.dashed = dashed


RELATION_STYLES: dict[str, RelationStyle] = {
    "alliance": RelationStyle("#1b7837", 2.5),
    "partnership": RelationStyle("#4d9221", 2),
    "cooperation": RelationStyle("#7fbc41", 1.5),
    "neutral": RelationStyle("#8c8c8c", 1),
    "competition": RelationStyle("#e08214", 1.5, dashed=True),
    "tension": RelationStyle("#d6604d", 1.5, dashed=True),
    "hostility": RelationStyle("#b2182b", 2),
    "armed-conflict": RelationStyle("#67001f", 2.5),
}
OTHER_RELATION = RelationStyle("#8c8c8c", 1, dashed=True)
AFFILIATION_COLOUR = "#5f5f5f"
DETERIORATING_WIDTH = 4.0  # a deteriorating relation is drawn this wide, whatever its kind: it must stand out
TREND_MARKS = {"improving": "↑", "stable": "→", "deteriorating": "↓"}

# every value the format knows has its style (tests/test_graph.py checks these against the vocabulary)
DECLARED = {"stances": tuple(STANCE_COLOURS), "kinds": tuple(KIND_STYLES), "relations": tuple(RELATION_STYLES)}
EXPECTED = {"stances": STANCES, "kinds": tuple(ACTOR_KINDS), "relations": RELATION_KINDS}


def stance_colours(stance: str) -> tuple[str, str, str]:
    return STANCE_COLOURS.get(stance, OTHER_STANCE)


def kind_style(kind: str | None) -> KindStyle:
    return KIND_STYLES.get(kind or "", UNKNOWN_KIND)


def relation_style(kind: str) -> RelationStyle:
    return RELATION_STYLES.get(kind, OTHER_RELATION)
