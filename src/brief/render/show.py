"""Rendering one brief: readable text for a terminal, a Markdown document, or the normalised data as JSON/YAML.

Pure functions from a loaded brief (a dict, possibly invalid: every access is defensive) to strings; nothing
here prints or knows about click. Text from a brief is untrusted: the text and Markdown renderers work on a
copy whose every string has been neutralised (control characters and escape sequences made visible), and
the Markdown renderer also escapes what could break a table or inject HTML. JSON and YAML give the data
unchanged, with the characters a terminal would act on written as escapes of those formats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from brief.base.text import neutralise
from brief.base.vocabulary import (
    ACTOR_KINDS,
    INFERRED_MARK,
    LIKELIHOOD,
    STANCE_BY_VALUE,
    STANCE_GROUPS,
    SYMBOLS,
    TRENDS,
)
from brief.render.markdown import code_spans, render_markdown, wrap

SECTIONS = ("metadata", "summary", "judgments", "actors", "positions", "relations", "figures", "sources", "body")
FORMATS = ("text", "markdown", "json", "yaml")

# Field order of the schema (tests/test_show.py checks it against schemas/brief.schema.json): JSON and YAML
# output list fields in this order whatever order the file used, so every format of a brief gives one output.
FIELDS: dict[str, tuple[str, ...]] = {
    "brief": (
        "schema_version",
        "id",
        "title",
        "date",
        "updated",
        "language",
        "original_language",
        "authors",
        "domains",
        "regions",
        "nations",
        "tags",
        "summary",
        "actors",
        "issues",
        "positions",
        "relations",
        "key_judgments",
        "figures",
        "sources",
        "body",
    ),
    "actor": ("id", "name", "kind", "country", "aliases", "description", "affiliations"),
    "affiliation": ("actor", "role", "status"),
    "issue": ("id", "statement", "description"),
    "position": (
        "actor",
        "issue",
        "stance",
        "basis",
        "confidence",
        "salience",
        "power",
        "rationale",
        "change",
        "sources",
        "as_of",
    ),
    "relation": ("actors", "kind", "trend", "factors", "sources", "as_of"),
    "judgment": ("statement", "likelihood", "confidence", "sources"),
    "figure": ("label", "value", "unit", "date", "status", "sources"),
    "source": ("id", "title", "publisher", "url", "date", "reliability", "credibility"),
}
_LIST_ITEMS = {
    "actors": "actor",
    "issues": "issue",
    "positions": "position",
    "relations": "relation",
    "key_judgments": "judgment",
    "figures": "figure",
    "sources": "source",
}

# The top-level fields each --section selects; metadata takes everything else (x- fields included).
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "summary": ("summary",),
    "judgments": ("key_judgments",),
    "actors": ("actors",),
    "positions": ("issues", "positions"),
    "relations": ("relations",),
    "figures": ("figures",),
    "sources": ("sources",),
    "body": ("body",),
}
HEADINGS = {
    "summary": "Summary",
    "judgments": "Key judgments",
    "actors": "Actors",
    "positions": "Positions",
    "relations": "Relations",
    "figures": "Figures",
    "sources": "Sources",
    "body": "Text",
}

Brief = dict[str, Any]


# -- data: plain, ordered, selected -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-compatible copy: what YAML can hold and JSON cannot (an invalid brief) becomes the nearest thing."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return [_plain(item) for item in sorted(value, key=str)]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _ordered(value: Any, kind: str) -> Any:
    if not isinstance(value, dict):
        return value
    order = FIELDS[kind]
    out = {key: value[key] for key in order if key in value}
    out.update((key, item) for key, item in value.items() if key not in out)  # x- and unknown fields last
    for key, item_kind in (_LIST_ITEMS if kind == "brief" else {}).items():
        if isinstance(out.get(key), list):
            out[key] = [_ordered(item, item_kind) for item in out[key]]
    if kind == "actor" and isinstance(out.get("affiliations"), list):
        out["affiliations"] = [_ordered(item, "affiliation") for item in out["affiliations"]]
    return out


def _chosen(sections: Iterable[str] | None) -> tuple[str, ...]:
    """The sections asked for, in the order of a full view (the order they were given does not matter)."""
    wanted = set(sections or ())
    return tuple(name for name in SECTIONS if name in wanted) if wanted else SECTIONS


def normalised(data: Brief, sections: Iterable[str] | None = None) -> Brief:
    """The brief as plain data in schema order, reduced to the fields of the sections asked for."""
    brief: Brief = _ordered(_plain(data), "brief")
    chosen = _chosen(sections)
    if chosen == SECTIONS:
        return brief
    claimed = {field for fields in SECTION_FIELDS.values() for field in fields}
    keep = {field for name in chosen for field in SECTION_FIELDS.get(name, ())}
    return {key: value for key, value in brief.items() if key in keep or ("metadata" in chosen and key not in claimed)}


def _clean(value: Any) -> Any:
    """A plain copy with every string (keys too) neutralised, for the renderers that write text."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {clean(key): clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, str):
            return neutralise(value.replace("\r\n", "\n"))
        return value

    return clean(_plain(value))


_C1_AND_DEL = re.compile("[\x7f-\x9f]")


def render_json(data: Brief, sections: Iterable[str] | None = None) -> str:
    import json

    text = json.dumps(normalised(data, sections), ensure_ascii=False, indent=2)
    # json escapes C0 controls itself; C1 ones (0x9b is a CSI on some terminals) only with ensure_ascii
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def render_yaml(data: Brief, sections: Iterable[str] | None = None) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = None
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value):
            style = '"'  # the only YAML style that writes every control character as an escape
        elif "\n" in value.strip("\n"):
            style = "|"  # the body and other prose stay readable (PyYAML falls back when it cannot)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    # yaml.safe_dump(allow_unicode=True, sort_keys=False), with the string styles above
    text_out: str = yaml.dump(normalised(data, sections), Dumper=Dumper, allow_unicode=True, sort_keys=False)
    return text_out


# -- shared helpers -----------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # as written: an id or date typed as a number gets no thousands separators
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{_text(key)}: {_text(item)}" for key, item in value.items())
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _text(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return f"{value:,}"


def _records(brief: Brief, key: str) -> list[dict[str, Any]]:
    items = brief.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _list(value: Any) -> list[Any]:
    """A list field as a list, whatever an invalid brief put there."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(item) for item in value if _text(item)]
    return [_text(value)] if _text(value) else []


def _words(value: Any) -> str:
    """An enum value as words: 'armed-conflict' -> 'armed conflict'."""
    return _text(value).replace("-", " ")


def _language(code: Any) -> str:
    if not isinstance(code, str) or not code:
        return _text(code)
    from brief.base.names import language_name

    return language_name(code) or code


def _languages(brief: Brief) -> str:
    """The brief's language, and the one it was translated from if any."""
    language = _language(brief.get("language"))
    if brief.get("original_language"):
        language = f"{language}, translated from {_language(brief.get('original_language'))}".strip(", ")
    return language


def _nation(code: Any) -> str:
    if not isinstance(code, str):
        return _text(code)
    from brief.base.countries import name_of

    name = name_of(code)
    return f"{name} ({code})" if name != code else code


def _country(code: Any) -> str:
    if not isinstance(code, str):
        return _text(code)
    from brief.base.countries import name_of

    return name_of(code)


def _grade(source: dict[str, Any]) -> str:
    """Admiralty grading, e.g. 'B2'; '-' stands for a half not given, '--' for an ungraded source."""
    reliability, credibility = _text(source.get("reliability")), _text(source.get("credibility"))
    return (reliability or "-") + (credibility or "-")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


class _Names:
    """Actors', issues' and sources' display names by id; unresolved ids show as themselves."""

    def __init__(self, brief: Brief) -> None:
        self.actors = {a["id"]: _text(a.get("name")) or a["id"] for a in _records(brief, "actors") if _id(a)}
        self.issues = {i["id"]: _text(i.get("statement")) or i["id"] for i in _records(brief, "issues") if _id(i)}
        self.grades = {s["id"]: _grade(s) for s in _records(brief, "sources") if _id(s)}

    def actor(self, value: Any) -> str:
        return self.actors.get(value, _text(value)) if isinstance(value, str) else _text(value)

    def cited(self, value: Any, brackets: tuple[str, str] = ("[", "]")) -> str:
        """Source ids with their grading: 'reuters-2021-09-13 [B2]'."""
        out = []
        for source in _strings(value):
            grade = self.grades.get(source)
            out.append(f"{source} {brackets[0]}{grade}{brackets[1]}" if grade else source)
        return ", ".join(out)


def _id(record: dict[str, Any]) -> bool:
    return isinstance(record.get("id"), str) and bool(record["id"])


def _likelihood(value: Any, odds: bool = True) -> str:
    if isinstance(value, str) and value in LIKELIHOOD:
        words, probability = LIKELIHOOD[value]
        return f"{words} ({probability})" if odds else words
    return _words(value)


def _estimate(judgment: dict[str, Any], odds: bool = True) -> str:
    """'very likely (80–95%), moderate confidence'."""
    parts = []
    if judgment.get("likelihood") is not None:
        parts.append(_likelihood(judgment.get("likelihood"), odds))
    if judgment.get("confidence") is not None:
        parts.append(f"{_words(judgment.get('confidence'))} confidence")
    return ", ".join(parts)


def _affiliations(actor: dict[str, Any], names: _Names) -> str:
    out = []
    for affiliation in _list(actor.get("affiliations")):
        if not isinstance(affiliation, dict):
            continue
        target = names.actor(affiliation.get("actor"))
        role = _text(affiliation.get("role"))
        text = f"{role}, {target}" if role and target else role or target
        status = affiliation.get("status")
        if status in ("alleged", "former"):
            text += f" ({status})"
        out.append(text)
    return "; ".join(out)


def _actor_groups(brief: Brief) -> list[tuple[str, list[dict[str, Any]]]]:
    """Actors grouped by kind, kinds in the schema's order; unknown kinds (an invalid brief) after them."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for actor in _records(brief, "actors"):
        groups.setdefault(_text(actor.get("kind")), []).append(actor)
    known = [kind for kind in ACTOR_KINDS if kind in groups]
    return [(kind, groups[kind]) for kind in known + [kind for kind in groups if kind not in ACTOR_KINDS]]


def _actor_facts(actor: dict[str, Any]) -> list[str]:
    """Country (unless the actor is a state) and other names: ['Mali', 'also called Choguel Kokalla Maïga']."""
    parts = []
    if actor.get("country") and actor.get("kind") != "state":
        parts.append(_country(actor.get("country")))
    aliases = _strings(actor.get("aliases"))
    if aliases:
        parts.append("also called " + ", ".join(aliases))
    return parts


class _Grid:
    """The positions as an actor × issue grid of stance symbols."""

    def __init__(self, brief: Brief, names: _Names) -> None:
        positions = _records(brief, "positions")
        issues = [i["id"] for i in _records(brief, "issues") if _id(i)]
        issues += [p["issue"] for p in positions if isinstance(p.get("issue"), str) and p["issue"] not in issues]
        self.issues = list(dict.fromkeys(issues))
        acting = {_text(p.get("actor")) for p in positions}
        actors = [a["id"] for a in _records(brief, "actors") if _id(a) and a["id"] in acting]
        actors += [_text(p.get("actor")) for p in positions if _text(p.get("actor")) not in actors]
        self.actors = list(dict.fromkeys(actors))
        self.cells: dict[tuple[str, str], list[str]] = {}
        self.used: set[str] = set()
        self.inferred = False
        for position in positions:
            stance = position.get("stance")
            symbol = SYMBOLS.get(stance, _text(stance)) if isinstance(stance, str) else _text(stance)
            if isinstance(stance, str) and stance in SYMBOLS:
                self.used.add(stance)
            if position.get("basis") == "inferred":
                symbol += INFERRED_MARK
                self.inferred = True
            key = (_text(position.get("actor")), _text(position.get("issue")))
            self.cells.setdefault(key, []).append(symbol)
        self.names = names

    def rows(self, style: Callable[[str], str] = lambda s: s) -> list[list[str]]:
        return [
            [self.names.actor(actor)] + [style(" ".join(self.cells.get((actor, issue), []))) for issue in self.issues]
            for actor in self.actors
        ]

    def statement(self, issue: str) -> str:
        return self.names.issues.get(issue, issue)

    def legend(self) -> str:
        parts = [f"{SYMBOLS[s]} {_words(s)}" for s in SYMBOLS if s in self.used]
        if len(self.cells) < len(self.actors) * len(self.issues):
            parts.append("blank: no position")
        marks = [f"{INFERRED_MARK} inferred (else stated)"] if self.inferred else []
        return "; ".join(part for part in (", ".join(parts), *marks) if part)


# -- text ---------------------------------------------------------------------------------------------------------


class _Style:
    """ANSI styles when colour is wanted; identity otherwise. Applied after wrapping, never to brief text raw."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _sgr(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._sgr(text, "1")

    def dim(self, text: str) -> str:
        return self._sgr(text, "2")

    def stance(self, cell: str) -> str:
        if "+" in cell and "-" not in cell:
            return self._sgr(cell, "32")
        if "-" in cell and "+" not in cell:
            return self._sgr(cell, "31")
        return cell


def _text_metadata(brief: Brief, width: int, style: _Style) -> list[str]:
    title = _text(brief.get("title")) or "(untitled)"
    title_rows = wrap(title, width, "", "")
    lines = [style.bold(row) for row in title_rows]
    lines.append("=" * min(max(len(row) for row in title_rows), width))
    date = _text(brief.get("date"))
    if brief.get("updated"):
        date = f"{date} (updated {_text(brief.get('updated'))})".strip()
    language = _languages(brief)
    fields = [
        ("id", _text(brief.get("id"))),
        ("date", date),
        ("language", language),
        ("authors", ", ".join(_strings(brief.get("authors")))),
        ("domains", ", ".join(_strings(brief.get("domains")))),
        ("regions", ", ".join(_strings(brief.get("regions")))),
        ("nations", ", ".join(_nation(n) for n in _list(brief.get("nations")) if _text(n))),
        ("tags", ", ".join(_strings(brief.get("tags")))),
    ]
    label_width = max(len(label) for label, _ in fields) + 2
    lines.append("")
    for label, value in fields:
        if value:
            rows = wrap(value, width, label.ljust(label_width), " " * label_width)
            rows[0] = style.dim(label.ljust(label_width)) + rows[0][label_width:]  # styled after wrapping
            lines += rows
    return lines


def _text_summary(brief: Brief, width: int, style: _Style) -> list[str]:
    return wrap(" ".join(_text(brief.get("summary")).split()), width, "", "") if brief.get("summary") else []


def _text_judgments(brief: Brief, width: int, style: _Style) -> list[str]:
    names = _Names(brief)
    lines: list[str] = []
    judgments = _records(brief, "key_judgments")
    for number, judgment in enumerate(judgments, 1):
        first = f"{number}. ".ljust(len(str(len(judgments))) + 2)
        indent = " " * len(first)
        lines += wrap(" ".join(_text(judgment.get("statement")).split()), width, first, indent)
        detail = _estimate(judgment)
        cited = names.cited(judgment.get("sources"))
        if cited:
            detail += f"; sources: {cited}" if detail else f"sources: {cited}"
        if detail:
            lines += [style.dim(row) if row.strip() else row for row in wrap(detail, width, indent, indent)]
    return lines


def _text_actors(brief: Brief, width: int, style: _Style) -> list[str]:
    names = _Names(brief)
    lines: list[str] = []
    for kind, actors in _actor_groups(brief):
        lines.append(style.bold(ACTOR_KINDS.get(kind, kind.capitalize() or "Other actors")))
        for actor in actors:
            head = _text(actor.get("name")) or _text(actor.get("id")) or "(unnamed)"
            affiliations = _affiliations(actor, names)
            if affiliations:
                head += f" — {affiliations}"
            lines += wrap(head, width, "  ", "    ")
            description = " ".join(_text(actor.get("description")).split())
            if description:
                lines += wrap(description, width, "    ", "    ")
            facts = "; ".join(_actor_facts(actor))
            if facts:
                lines += [style.dim(row) for row in wrap(facts, width, "    ", "    ")]
    return lines


def _text_positions(brief: Brief, width: int, style: _Style) -> list[str]:
    from tabulate import tabulate

    names = _Names(brief)
    grid = _Grid(brief, names)
    if not grid.issues and not grid.actors:
        return []
    lines: list[str] = []
    if grid.actors:
        rows = grid.rows(style.stance)
        # long actor names are cut so that the grid keeps to the width (tabulate puts 2 spaces between columns)
        plain = grid.rows()
        cells = sum(max(len(str(n)), *(len(row[n]) for row in plain)) + 2 for n in range(1, len(grid.issues) + 1))
        room = max(width - cells, 16)
        for row in rows:
            if len(row[0]) > room:
                row[0] = row[0][: room - 1] + "…"
        headers = ["Actor"] + [str(n) for n in range(1, len(grid.issues) + 1)]
        table = tabulate(
            rows,
            headers,
            tablefmt="simple",
            disable_numparse=True,
            colalign=("left",) + ("center",) * len(grid.issues),
        )
        lines += [row.rstrip() for row in table.splitlines()]
        lines.append("")
    number_width = len(str(len(grid.issues)))
    for number, issue in enumerate(grid.issues, 1):
        first = f"{number}".rjust(number_width) + "  "
        lines += wrap(" ".join(grid.statement(issue).split()), width, first, " " * len(first))
    legend = grid.legend()
    if legend:
        lines.append("")
        lines += [style.dim(row) for row in wrap(legend, width, "", "")]
    return lines


def _relation_head(relation: dict[str, Any], names: _Names) -> str:
    pair = " – ".join(names.actor(actor) for actor in _list(relation.get("actors")) if actor is not None)
    parts = [_words(relation.get("kind"))] if relation.get("kind") else []
    trend = relation.get("trend")
    if trend:
        parts.append(TRENDS.get(trend, _words(trend)) if isinstance(trend, str) else _text(trend))
    head = f"{pair or '(no actors)'}: {', '.join(parts)}" if parts else pair or "(no actors)"
    if relation.get("as_of"):
        head += f" (as of {_text(relation.get('as_of'))})"
    return head


def _text_relations(brief: Brief, width: int, style: _Style) -> list[str]:
    names = _Names(brief)
    lines: list[str] = []
    for relation in _records(brief, "relations"):
        lines += wrap(_relation_head(relation, names), width, "", "  ")
        for factor in _strings(relation.get("factors")):
            lines += wrap(" ".join(factor.split()), width, "  • ", "    ")
        cited = names.cited(relation.get("sources"))
        if cited:
            lines += [style.dim(row) for row in wrap(f"sources: {cited}", width, "  ", "    ")]
    return lines


def _figure_line(figure: dict[str, Any], cited: str) -> tuple[str, str]:
    """('label', '5,100 troops (2023, projected; sources: …)')."""
    value = " ".join(part for part in (_number(figure.get("value")), _text(figure.get("unit"))) if part)
    details = ", ".join(_text(figure.get(key)) for key in ("date", "status") if _text(figure.get(key)))
    if cited:
        details = f"{details}; sources: {cited}" if details else f"sources: {cited}"
    return _text(figure.get("label")), value + (f" ({details})" if details else "")


def _text_figures(brief: Brief, width: int, style: _Style) -> list[str]:
    names = _Names(brief)
    lines: list[str] = []
    for figure in _records(brief, "figures"):
        label, value = _figure_line(figure, names.cited(figure.get("sources")))
        lines += wrap(f"{' '.join(label.split())}: {value}", width, "", "  ")
    return lines


def _text_sources(brief: Brief, width: int, style: _Style) -> list[str]:
    lines: list[str] = []
    for source in _records(brief, "sources"):
        first = f"[{_grade(source)}] "
        indent = " " * len(first)
        lines += wrap(" ".join(_text(source.get("title")).split()) or "(untitled)", width, first, indent)
        where = ", ".join(_text(source.get(key)) for key in ("publisher", "date") if source.get(key))
        facts = " · ".join(part for part in (where, _text(source.get("id"))) if part)
        if facts:
            lines += [style.dim(row) for row in wrap(facts, width, indent, indent)]
        if source.get("url"):
            lines += wrap(_text(source.get("url")), width, indent, indent)
    return lines


def _text_body(brief: Brief, width: int, style: _Style) -> list[str]:
    body = _text(brief.get("body"))
    if not body.strip():
        return []
    return render_markdown(body, width, style.bold if style.colour else None).split("\n")


_TEXT_SECTIONS: dict[str, Callable[[Brief, int, _Style], list[str]]] = {
    "metadata": _text_metadata,
    "summary": _text_summary,
    "judgments": _text_judgments,
    "actors": _text_actors,
    "positions": _text_positions,
    "relations": _text_relations,
    "figures": _text_figures,
    "sources": _text_sources,
    "body": _text_body,
}


def render_text(data: Brief, sections: Sequence[str] | None = None, width: int = 80, colour: bool = False) -> str:
    """The brief for a terminal: metadata, then each section under a heading, wrapped to `width`.

    Empty sections are left out, unless asked for by name (they then say "(none)"). `colour` adds ANSI styles.
    """
    brief = _clean(data)
    style = _Style(colour)
    width = max(width, 20)
    blocks: list[list[str]] = []
    for name in _chosen(sections):
        lines = _TEXT_SECTIONS[name](brief, width, style)
        if name == "metadata":
            blocks.append(lines)
        elif lines or sections:
            blocks.append([style.bold(HEADINGS[name].upper())] + (lines or ["(none)"]))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


# -- Markdown -----------------------------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|~#])")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([+=-])|(\d+)([.)]))")
_SAFE_URL = re.compile(r"^(?:https?|ftp)://[^\s<>|`\\\"']+$", re.IGNORECASE)


def md_escape(text: str) -> str:
    """Brief text as literal Markdown on one line: no emphasis, links, code, table cells or HTML can come of it."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_INLINE.sub(r"\\\1", text)


def _md_paragraph(text: str) -> str:
    """Escaped, and a leading '-', '+', '=' or '1.' cannot start a list (also after a list marker)."""

    def escape(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"  # 2021\. : the escape goes before the dot

    return _MD_BLOCK_START.sub(escape, md_escape(text), count=1)


def _md_url(url: str) -> str:
    """An autolink for an ordinary web address; anything else (javascript:, spaces, …) stays inert text."""
    return f"<{url}>" if _SAFE_URL.match(url) else md_escape(url)


def _md_table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GitHub pipe table; cells must already be escaped."""
    marks = {"left": "---", "center": ":-:", "right": "--:"}
    out = ["| " + " | ".join(headers) + " |"]
    out.append("|" + "|".join(marks[a] for a in (align or ["left"] * len(headers))) + "|")
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out


def _md_metadata(brief: Brief) -> list[str]:
    title = md_escape(_text(brief.get("title"))) or "(untitled)"
    date = md_escape(_text(brief.get("date")))
    if brief.get("updated"):
        date = f"{date} (updated {md_escape(_text(brief.get('updated')))})".strip()
    language = _languages(brief)
    fields = [
        ("ID", md_escape(_text(brief.get("id")))),
        ("Date", date),
        ("Language", md_escape(language)),
        ("Authors", md_escape(", ".join(_strings(brief.get("authors"))))),
        ("Domains", md_escape(", ".join(_strings(brief.get("domains"))))),
        ("Regions", md_escape(", ".join(_strings(brief.get("regions"))))),
        ("Nations", md_escape(", ".join(_nation(n) for n in _list(brief.get("nations")) if _text(n)))),
        ("Tags", md_escape(", ".join(_strings(brief.get("tags"))))),
    ]
    lines = [f"# {title}", ""]
    lines += [f"- **{label}:** {value}" for label, value in fields if value]
    return lines


def _md_summary(brief: Brief) -> list[str]:
    return [_md_paragraph(_text(brief.get("summary")))] if brief.get("summary") else []


def _md_judgments(brief: Brief) -> list[str]:
    names = _Names(brief)
    lines = []
    for number, judgment in enumerate(_records(brief, "key_judgments"), 1):
        line = f"{number}. {_md_paragraph(_sentence(_text(judgment.get('statement'))))}"
        likelihood, confidence = judgment.get("likelihood"), judgment.get("confidence")
        estimate = []
        if likelihood is not None:
            words, odds = LIKELIHOOD.get(likelihood, ("", "")) if isinstance(likelihood, str) else ("", "")
            words = words or _words(likelihood)
            estimate.append(f"**{md_escape(words)}**" + (f" ({odds})" if odds else ""))
        if confidence is not None:
            estimate.append(md_escape(f"{_words(confidence)} confidence"))
        cited = names.cited(judgment.get("sources"), ("(", ")"))
        tail = ", ".join(estimate) + (f"; sources: {md_escape(cited)}" if cited else "")
        if tail:
            line += f" — {tail.removeprefix('; ')}."
        lines.append(line)
    return lines


def _md_actors(brief: Brief) -> list[str]:
    names = _Names(brief)
    lines: list[str] = []
    for kind, actors in _actor_groups(brief):
        if lines:
            lines.append("")
        lines += [f"### {md_escape(ACTOR_KINDS.get(kind, kind.capitalize() or 'Other actors'))}", ""]
        for actor in actors:
            line = f"- **{md_escape(_text(actor.get('name')) or _text(actor.get('id')) or '(unnamed)')}**"
            affiliations = _affiliations(actor, names)
            if affiliations:
                line += f" — {md_escape(affiliations)}"
            details = [_sentence(_text(actor.get("description")))]
            details += [_sentence(fact[0].upper() + fact[1:]) for fact in _actor_facts(actor) if fact]
            details = [detail for detail in details if detail]
            if details:
                line += (". " if affiliations else " — ") + md_escape(" ".join(details))
            lines.append(line)
    return lines


def _md_positions(brief: Brief) -> list[str]:
    grid = _Grid(brief, _Names(brief))
    if not grid.issues and not grid.actors:
        return []
    lines: list[str] = []
    if grid.actors:
        rows = [[md_escape(cell) for cell in row] for row in grid.rows()]
        headers = ["Actor"] + [str(n) for n in range(1, len(grid.issues) + 1)]
        lines += [*_md_table(headers, rows, ["left"] + ["center"] * len(grid.issues)), ""]
    lines += [f"{n}. {_md_paragraph(grid.statement(issue))}" for n, issue in enumerate(grid.issues, 1)]
    legend = grid.legend()
    if legend:
        lines += ["", f"Key: {md_escape(legend)}."]
    return lines


def _md_relations(brief: Brief) -> list[str]:
    names = _Names(brief)
    rows = []
    for relation in _records(brief, "relations"):
        pair = " – ".join(names.actor(a) for a in _list(relation.get("actors")) if a is not None)
        trend = relation.get("trend")
        rows.append(
            [
                md_escape(pair),
                md_escape(_words(relation.get("kind"))),
                md_escape(TRENDS.get(trend, _words(trend)) if isinstance(trend, str) else _text(trend)),
                md_escape(_text(relation.get("as_of"))),
                md_escape("; ".join(_strings(relation.get("factors")))),
                md_escape(names.cited(relation.get("sources"), ("(", ")"))),
            ]
        )
    return _md_table(["Actors", "Relation", "Trend", "As of", "Factors", "Sources"], rows) if rows else []


def _md_figures(brief: Brief) -> list[str]:
    names = _Names(brief)
    rows = [
        [
            md_escape(_text(figure.get("label"))),
            md_escape(_number(figure.get("value"))),
            md_escape(_text(figure.get("unit"))),
            md_escape(_text(figure.get("date"))),
            md_escape(_text(figure.get("status"))),
            md_escape(names.cited(figure.get("sources"), ("(", ")"))),
        ]
        for figure in _records(brief, "figures")
    ]
    align = ["left", "right", "left", "left", "left", "left"]
    return _md_table(["Figure", "Value", "Unit", "Date", "Status", "Sources"], rows, align) if rows else []


def _md_sources(brief: Brief) -> list[str]:
    rows = []
    for source in _records(brief, "sources"):
        title = md_escape(_text(source.get("title")))
        if source.get("url"):
            title += " " + _md_url(_text(source.get("url")))
        rows.append(
            [
                md_escape(_grade(source)),
                title,
                md_escape(_text(source.get("publisher"))),
                md_escape(_text(source.get("date"))),
                md_escape(_text(source.get("id"))),
            ]
        )
    return _md_table(["Grade", "Source", "Publisher", "Date", "ID"], rows) if rows else []


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
# '<' opening a tag, comment or processing instruction; web and mail autolinks are let through
_HTML_OPEN = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?|ftp|mailto):[^\s<>]*>)")


def _md_body(brief: Brief) -> list[str]:
    """The body's own Markdown, kept, with raw HTML made inert and headings nested under the document's."""
    body = _text(brief.get("body")).strip("\n")
    if not body.strip():
        return []
    out = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        line = _ATX.sub(lambda m: m.group(1) + ("#" * min(len(m.group(2)) + 2, 6)), line, count=1)
        rebuilt, last = [], 0
        for start, end, _ in code_spans(line):  # code spans show '<' literally: left alone
            rebuilt += [_HTML_OPEN.sub("&lt;", line[last:start]), line[start:end]]
            last = end
        rebuilt.append(_HTML_OPEN.sub("&lt;", line[last:]))
        out.append("".join(rebuilt))
    if fence is not None:
        out.append(fence)  # an unclosed fence would swallow whatever is pasted after the document
    return out


_MD_SECTIONS: dict[str, Callable[[Brief], list[str]]] = {
    "metadata": _md_metadata,
    "summary": _md_summary,
    "judgments": _md_judgments,
    "actors": _md_actors,
    "positions": _md_positions,
    "relations": _md_relations,
    "figures": _md_figures,
    "sources": _md_sources,
    "body": _md_body,
}


def render_markdown_document(data: Brief, sections: Sequence[str] | None = None) -> str:
    """The brief as a Markdown document to paste into a report: headings, lists and GitHub pipe tables."""
    brief = _clean(data)
    blocks: list[list[str]] = []
    for name in _chosen(sections):
        lines = _MD_SECTIONS[name](brief)
        if name == "metadata":
            blocks.append(lines)
        elif lines or sections:
            blocks.append([f"## {HEADINGS[name]}", ""] + (lines or ["(none)"]))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


# -- dispatch and summary -----------------------------------------------------------------------------------------


def render(
    data: Brief,
    output_format: str = "text",
    sections: Sequence[str] | None = None,
    width: int = 80,
    colour: bool = False,
) -> str:
    """The brief in one of FORMATS; `width` and `colour` only affect text."""
    if output_format == "json":
        return render_json(data, sections)
    if output_format == "yaml":
        return render_yaml(data, sections)
    if output_format == "markdown":
        return render_markdown_document(data, sections)
    if output_format == "text":
        return render_text(data, sections, width, colour)
    raise ValueError(f"unknown format {output_format!r}; expected one of {', '.join(FORMATS)}")


# how `summary` names the sides of an issue
_SIDES = (
    ("for", STANCE_GROUPS["support"]),
    ("against", STANCE_GROUPS["oppose"]),
    ("neutral", ("neutral",)),
    ("unknown", ("unknown",)),
)


def _stances_line(statement: str, positions: list[dict[str, Any]], names: _Names) -> str:
    """'A Mali–Wagner security partnership: for Russia, Wagner (leaning); against France'."""
    sides = []
    for side, stances in _SIDES:
        who = []
        for position in positions:
            stance = position.get("stance")
            if isinstance(stance, str) and stance in stances:
                name = names.actor(position.get("actor"))
                strength = STANCE_BY_VALUE[stance].strength
                qualifier = {"strong": " (strongly)", "leaning": " (leaning)"}.get(strength, "")
                who.append(name + qualifier)
        if who:
            sides.append(f"{side} {', '.join(who)}")
    return f"{statement}: {'; '.join(sides) if sides else 'no positions'}"


def _grading(sources: list[dict[str, Any]]) -> str:
    """'3 (A2, B2 ×2)': the grades at a glance, best first."""
    if not sources:
        return "none"
    counts: dict[str, int] = {}
    for source in sources:
        grade = _grade(source)
        key = grade if grade != "--" else "ungraded"
        counts[key] = counts.get(key, 0) + 1
    grades = sorted(counts, key=lambda g: (g == "ungraded", g))
    listed = ", ".join(g if counts[g] == 1 else f"{g} ×{counts[g]}" for g in grades)
    return f"{len(sources)} ({listed})"


def brief_summary(data: Brief, width: int = 80) -> str:
    """A short summary: title, BLUF, key judgments, who stands where (one item per issue), the sources' grades."""
    brief = _clean(data)
    names = _Names(brief)
    width = max(width, 20)
    title = _text(brief.get("title")) or "(untitled)"
    lines = wrap(title, width, "", "")
    facts = " · ".join(_text(brief.get(key)) for key in ("id", "date") if brief.get(key))
    if facts:
        lines.append(facts)
    if brief.get("summary"):
        lines += ["", *wrap(" ".join(_text(brief.get("summary")).split()), width, "", "")]
    judgments = _records(brief, "key_judgments")
    if judgments:
        lines += ["", "Key judgments:"]
        for judgment in judgments:
            text = " ".join(_sentence(_text(judgment.get("statement"))).split())
            estimate = _estimate(judgment, odds=False)
            lines += wrap(f"{text} ({estimate})" if estimate else text, width, "- ", "  ")
    grid = _Grid(brief, names)
    if grid.issues:
        lines += ["", "Positions:"]
        by_issue: dict[str, list[dict[str, Any]]] = {}
        for position in _records(brief, "positions"):
            by_issue.setdefault(_text(position.get("issue")), []).append(position)
        for issue in grid.issues:
            line = _stances_line(" ".join(grid.statement(issue).split()), by_issue.get(issue, []), names)
            lines += wrap(line, width, "- ", "  ")
    lines += ["", f"Sources: {_grading(_records(brief, 'sources'))}"]
    return "\n".join(lines) + "\n"
