"""The actor network (analysis/network.py) as Mermaid, Graphviz DOT or JSON, and drawn by Graphviz's `dot`.

Every text from a brief is untrusted: each writer escapes it for its own syntax, so that no quote, bracket,
keyword, newline or control character in a name can end a label or add a statement.

- DOT: labels in double quotes, `\\` and `"` escaped, `&` as `&amp;` (Graphviz reads entities in labels), lines
  joined by `\\n`; node ids are the actors' keys, quoted the same way.
- Mermaid: node ids are generated (`n1`, `i1`: never a word of the text, so never a reserved word such as `end`
  nor an edge marker such as `o` or `x`), labels in double quotes with every character that is not a letter, a
  digit, a space or plain punctuation written as Mermaid's entity code `#NNN;`.
- Control characters, lone surrogates and Unicode noncharacters become visible escapes (`\\x1b`) everywhere:
  they would make the SVG that Graphviz writes unreadable XML, or the file unwritable as UTF-8.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from brief.base.errors import BriefError
from brief.base.text import json_text, neutralise
from brief.base.vocabulary import SYMBOLS, TLP_LEVELS, TLP_RANK
from brief.render.palette import (
    AFFILIATION_COLOUR,
    DETERIORATING_WIDTH,
    ISSUE_STYLE,
    TREND_MARKS,
    kind_style,
    relation_style,
    stance_colours,
)

if TYPE_CHECKING:
    from brief.analysis.network import Edge, Network, Node

GRAPH_FORMATS = ("mermaid", "dot", "json")
RENDER_SUFFIXES = (".svg", ".png")
INSTALL_GRAPHVIZ = (
    "install Graphviz: apt-get install graphviz (Debian, Ubuntu), dnf install graphviz, brew install graphviz, "
    "or see https://graphviz.org/download/"
)
DOT_TIMEOUT = 120  # seconds: a layout that takes longer is stopped, with advice
WRAP = 28  # characters per line of a long label (issue statements)
LARGE = 40  # edges: past this many, DOT asks for neato's layout (see to_dot)

# lone surrogates (from JSON's \ud800 escapes) and noncharacters: no UTF-8, no XML, no HTML can carry them
_UNWRITABLE = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


class GraphvizError(BriefError):
    """Graphviz's `dot` is missing, failed or took too long (exit code 2 in the CLI)."""


def clean(text: str) -> str:
    """Untrusted text made writable and harmless: controls, surrogates and noncharacters as visible escapes,
    runs of white space (line breaks included) as one space."""
    text = _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", neutralise(text))
    return " ".join(text.split())


def wrap(text: str, width: int = WRAP) -> list[str]:
    """A label's lines: words kept whole, lines of about `width` characters; a very long word is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while len(word) > 2 * width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return lines


def highest_marking(markings: list[str | None]) -> str | None:
    """The most restricted TLP marking among the briefs a picture is drawn from: the picture's own."""
    known = [m for m in markings if m in TLP_RANK]
    return max(known, key=TLP_RANK.__getitem__) if known else None


# -- what an edge says ------------------------------------------------------------------------------------------


def edge_label(edge: Edge, long: bool = False) -> str:
    """'tension ↓ (was cooperation)', 'member', 'supports (was opposes)': the latest state, and the one before the
    latest change where briefs disagree. `long` writes the trend as a word."""
    latest, previous = edge.latest, edge.previous
    if edge.type == "stance":
        symbol = SYMBOLS.get(latest.value)
        text = f"{latest.value} {symbol}" if symbol and long else latest.value
        if latest.basis == "inferred":
            text += " (inferred)"
    else:
        text = latest.value
        if latest.trend:
            text += f" {latest.trend}" if long else f" {TREND_MARKS.get(latest.trend, latest.trend)}"
        if latest.status and latest.status != "confirmed":
            text += f" ({latest.status})"
    if previous is not None:
        if previous.value != latest.value:
            text += f" (was {previous.value})"
        else:
            before = previous.trend or "no trend"
            text += f" (was {before})" if long else f" (was {TREND_MARKS.get(before, before)})"
    return text


def _deteriorating(edge: Edge) -> bool:
    return edge.type == "relation" and edge.latest.trend == "deteriorating"


# -- DOT --------------------------------------------------------------------------------------------------------


def dot_quote(text: str) -> str:
    """A DOT double-quoted string holding `text` exactly: one line, `\\`, `"` and `&` escaped."""
    return '"' + _dot_line(clean(text)) + '"'


def _dot_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def _dot_label(text: str, width: int = WRAP) -> str:
    return '"' + "\\n".join(_dot_line(line) for line in wrap(clean(text), width)) + '"'


def _attributes(values: dict[str, str | float]) -> str:
    parts = []
    for name, value in values.items():
        shown = value if isinstance(value, str) and value.startswith('"') else f'"{value}"'
        parts.append(f"{name}={shown}")
    return "[" + ", ".join(parts) + "]"


def to_dot(network: Network, tlp: str | None = None, edge_labels: bool = True) -> str:
    """Graphviz DOT: actors shaped and filled by kind, relations as plain lines (wide when deteriorating),
    affiliations as dotted arrows, stances as arrows coloured from opposition (red) to support (blue). Past
    LARGE edges the layout is neato's, with straight lines: dot's ranks and curved edges take minutes there, and
    read no better. `edge_labels=False` leaves the edges' labels out (a picture with a table beside it)."""
    out = ["digraph brief {"]
    graph: dict[str, str | float] = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": 12, "nodesep": 0.3,
                                     "overlap": "false", "splines": "true"}  # fmt: skip
    if len(network.edges) > LARGE:
        graph |= {"layout": "neato", "splines": "false", "sep": "+6"}
    if tlp is not None:
        graph |= {"label": _dot_label(TLP_LEVELS[tlp]), "labelloc": "t", "labeljust": "r", "fontcolor": "#000000"}
    out.append(f"  graph {_attributes(graph)};")
    out.append('  node [fontname="Helvetica", fontsize=11, penwidth=1, color="#333333"];')
    out.append('  edge [fontname="Helvetica", fontsize=9, fontcolor="#333333"];')
    for node in network.nodes.values():
        out.append(f"  {dot_quote(node.key)} {_attributes(_dot_node(node))};")
    for edge in network.edges:
        attributes = _dot_edge(edge)
        if not edge_labels:
            attributes.pop("label", None)
            attributes.pop("fontcolor", None)
        out.append(f"  {dot_quote(edge.source)} -> {dot_quote(edge.target)} {_attributes(attributes)};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_node(node: Node) -> dict[str, str | float]:
    style = ISSUE_STYLE if node.type == "issue" else kind_style(node.kind)
    width = WRAP if node.type == "issue" else 2 * WRAP
    return {"label": _dot_label(node.label, width), "shape": style.dot_shape, "style": style.dot_style,
            "fillcolor": style.fill}  # fmt: skip


def _dot_edge(edge: Edge) -> dict[str, str | float]:
    label = _dot_label(edge_label(edge), 2 * WRAP)
    if edge.type == "relation":
        line = relation_style(edge.latest.value)
        values: dict[str, str | float] = {"label": label, "dir": "none", "color": line.colour, "penwidth": line.width}
        styles = ["dashed"] if line.dashed else []
        if _deteriorating(edge):
            values["penwidth"] = DETERIORATING_WIDTH
            values["fontcolor"] = "#b2182b"
            styles.append("bold")
        if styles:
            values["style"] = ",".join(styles)
        return values
    if edge.type == "affiliation":
        return {"label": label, "style": "dotted", "color": AFFILIATION_COLOUR, "arrowhead": "empty"}
    colour = stance_colours(edge.latest.value)[2]
    values = {"label": label, "color": colour, "penwidth": 1.5}
    if edge.latest.basis == "inferred" or edge.latest.value == "unknown":
        values["style"] = "dashed"
    return values


# -- Mermaid ----------------------------------------------------------------------------------------------------

_MERMAID_PLAIN = re.compile(r"[\w .,'’\-/+!?@=~]")


def mermaid_text(text: str) -> str:
    """Text for a Mermaid double-quoted label: each ASCII character but letters, digits, spaces and plain punctuation
    as an entity code (`#35;`), so that no quote, bracket, pipe, `%%`, `;`, backtick or markup can end the label."""
    return "".join(c if ord(c) > 0x7F or _MERMAID_PLAIN.fullmatch(c) else f"#{ord(c)};" for c in clean(text))


def _mermaid_label(text: str, width: int = WRAP) -> str:
    return '"' + "<br>".join(mermaid_text(line) for line in wrap(clean(text), width)) + '"'


def to_mermaid(network: Network, tlp: str | None = None) -> str:
    """A Mermaid flowchart (GitHub and most Markdown tools draw it): the same shapes, colours and lines as DOT."""
    out = []
    if tlp is not None:
        out += ["---", f"title: {TLP_LEVELS[tlp]}", "---"]
    out.append("flowchart LR")
    ids: dict[str, str] = {}
    classes: dict[str, str] = {}
    for node in network.nodes.values():
        prefix = "i" if node.type == "issue" else "n"
        ids[node.key] = ident = f"{prefix}{len(ids) + 1}"
        style = ISSUE_STYLE if node.type == "issue" else kind_style(node.kind)
        opening, closing = style.mermaid
        width = WRAP if node.type == "issue" else 2 * WRAP
        css = "issue" if node.type == "issue" else re.sub(r"[^a-z]", "", node.kind or "") or "unknown"
        if css not in KNOWN_CLASSES:
            css = "unknown"
        classes[css] = style.fill
        out.append(f"  {ident}{opening}{_mermaid_label(node.label, width)}{closing}:::{css}")
    styles = []
    for number, edge in enumerate(network.edges):
        source, target = ids[edge.source], ids[edge.target]
        label = _mermaid_label(edge_label(edge), 2 * WRAP)
        if edge.type == "relation":
            line = relation_style(edge.latest.value)
            deteriorating = _deteriorating(edge)
            arrow = "===" if deteriorating else ("-.-" if line.dashed else "---")
            stroke = DETERIORATING_WIDTH if deteriorating else line.width
            styles.append(f"  linkStyle {number} stroke:{line.colour},stroke-width:{stroke:g}px")
        elif edge.type == "affiliation":
            arrow = "-.->"
            styles.append(f"  linkStyle {number} stroke:{AFFILIATION_COLOUR}")
        else:
            arrow = "-.->" if edge.latest.basis == "inferred" or edge.latest.value == "unknown" else "-->"
            styles.append(f"  linkStyle {number} stroke:{stance_colours(edge.latest.value)[2]},stroke-width:1.5px")
        out.append(f"  {source} {arrow}|{label}| {target}")
    out += styles
    for css, fill in classes.items():
        dashed = ",stroke-dasharray:4 2" if css in ("other", "unknown") else ""
        out.append(f"  classDef {css} fill:{fill},stroke:#333333,color:#000000{dashed}")
    return "\n".join(out) + "\n"


KNOWN_CLASSES = frozenset({"state", "government", "armedforces", "person", "privatemilitarycompany", "armedgroup",
                           "internationalorganisation", "coalition", "party", "other", "issue", "unknown"})  # fmt: skip


# -- JSON -------------------------------------------------------------------------------------------------------


def to_json(network: Network, tlp: str | None = None) -> str:
    """`{"version": 1, "tlp", "briefs", "positions", "nodes", "edges", "left_out"}`: each node with its type, label,
    kind, ids, aliases and briefs; each edge with its latest state, the briefs it comes from, `changed`, the
    `previous` state and every brief's word in `history`."""
    data: dict[str, Any] = network.as_dict()
    data = {"version": data.pop("version"), "tlp": tlp, **data, "left_out": network.left_out}
    return json_text(_cleaned(data)) + "\n"


def _cleaned(value: Any) -> Any:
    """JSON data whose strings can be written as UTF-8 (lone surrogates as visible escapes); controls are JSON's
    own escapes already."""
    if isinstance(value, str):
        return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    return value


# -- drawing with Graphviz --------------------------------------------------------------------------------------


def dot_program() -> str:
    """The path of Graphviz's `dot`, or GraphvizError saying how to install it."""
    import shutil

    found = shutil.which("dot")
    if found is None:
        raise GraphvizError(f"Graphviz's dot is needed to draw the graph and was not found: {INSTALL_GRAPHVIZ}")
    return found


def run_dot(source: str, output_format: str) -> bytes:
    """The picture `dot` draws of `source` (`svg` or `png`); GraphvizError when it is missing, fails or hangs."""
    import subprocess

    program = dot_program()
    try:
        done = subprocess.run([program, f"-T{output_format}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT, check=False)  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise GraphvizError(f"dot took more than {DOT_TIMEOUT} s to lay out the graph: draw fewer actors "
                            "(--top N) or fewer briefs") from exc  # fmt: skip
    except OSError as exc:
        raise GraphvizError(f"cannot run {program}: {exc.strerror or exc}") from exc
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"dot failed: {neutralise(message[0]) if message else f'exit code {done.returncode}'}")
    return done.stdout


# Graphviz's SVG as it goes inline into the report: only drawing elements and presentation attributes are kept
# (no script, link, style, foreign object or event handler could pass even if dot ever wrote one), ids prefixed.
_SVG_ELEMENTS = frozenset({"svg", "g", "title", "desc", "path", "polygon", "polyline", "ellipse", "circle", "line",
                           "rect", "text"})  # fmt: skip
_SVG_ATTRIBUTES = frozenset({"viewBox", "transform", "class", "id", "fill", "fill-opacity", "stroke",
                             "stroke-width", "stroke-dasharray", "stroke-opacity", "points", "d", "cx", "cy", "r",
                             "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "text-anchor",
                             "font-family", "font-size", "font-weight", "font-style"})  # fmt: skip


def inline_svg(svg: bytes, label: str, prefix: str = "graph") -> str:
    """dot's SVG document as an element for an HTML page: whitelisted, sized by its viewBox, with an accessible
    name. Text is re-escaped here, whatever dot wrote."""
    import html
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(svg)  # dot's own output: no entities of ours, its DOCTYPE names no internal subset
    out: list[str] = []

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def write(element: ElementTree.Element, top: bool = False) -> None:
        tag = local(element.tag)
        if tag not in _SVG_ELEMENTS:
            return
        attributes = []
        for name, value in element.attrib.items():
            name = local(name)
            if name not in _SVG_ATTRIBUTES or (top and name in ("width", "height")):
                continue
            if name == "id":
                value = f"{prefix}-{value}"
            attributes.append(f' {name}="{html.escape(value, quote=True)}"')
        if top:
            attributes.append(f' role="img" aria-labelledby="{prefix}-title"')
        out.append(f"<{tag}{''.join(attributes)}>")
        if top:
            out.append(f'<title id="{prefix}-title">{html.escape(label, quote=False)}</title>')
        if element.text and element.text.strip() and tag in ("text", "title", "desc"):
            out.append(html.escape(element.text, quote=False))
        for child in element:
            if not (top and local(child.tag) == "title"):
                write(child)
            if child.tail and child.tail.strip() and tag == "text":
                out.append(html.escape(child.tail, quote=False))
        out.append(f"</{tag}>")

    write(root, top=True)
    return "".join(out)
