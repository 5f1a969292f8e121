"""What the renderers of one brief share: the sections, the cleaning of untrusted text, and the readings of
fields (names, grades, estimates, actor groups, the positions grid) that the text and Markdown views and the
one-brief summary word alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from brief.base.fields import as_list, display, displays, mappings, number, text, tlp
from brief.base.text import neutralise
from brief.base.vocabulary import ACTOR_KINDS, INFERRED_MARK, LIKELIHOOD, STANCE_SCALE, SYMBOLS, TLP_LEVELS
from brief.format.normal import plain as plain  # re-exported: the views clean a plain copy

SECTIONS = ("metadata", "summary", "judgments", "actors", "positions", "relations", "figures", "sources", "body")

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


def chosen(sections: Iterable[str] | None) -> tuple[str, ...]:
    """The sections asked for, in the order of a full view (the order they were given does not matter)."""
    wanted = set(sections or ())
    return tuple(name for name in SECTIONS if name in wanted) if wanted else SECTIONS


def marking(brief: Brief) -> tuple[str, str] | None:
    """The brief's TLP marking as (level, banner label), e.g. ('amber', 'TLP:AMBER'); None when unmarked. The
    command puts the collection's default into a brief that carries none before rendering it."""
    level = tlp(brief.get("tlp"))
    return (level, TLP_LEVELS[level]) if level else None


def clean(value: Any) -> Any:
    """A plain copy with every string (keys too) neutralised, for the renderers that write text."""

    def cleaned(value: Any) -> Any:
        if isinstance(value, dict):
            return {cleaned(key): cleaned(item) for key, item in value.items()}
        if isinstance(value, list):
            return [cleaned(item) for item in value]
        if isinstance(value, str):
            return neutralise(value.replace("\r\n", "\n"))
        return value

    return cleaned(plain(value))


# -- field readings -----------------------------------------------------------------------------------------------
# brief.base.fields reads the values (display: any value as text; mappings: the records of a list). The two
# readers below keep what the views have always shown where base.fields would drop a value: a list field
# holding one bare value, and list items that are not strings (a year typed as a number in `tags`).


def figure_number(value: Any) -> str:
    """A figure's value with thousands separators: 1234567.5 -> '1,234,567.5'; 5100.0 -> '5,100'."""
    amount = number(value)
    if amount is None:
        return display(value)
    if isinstance(amount, float) and amount.is_integer() and abs(amount) < 1e15:
        amount = int(amount)
    return f"{amount:,}"


def words(value: Any) -> str:
    """An enum value as words: 'armed-conflict' -> 'armed conflict'."""
    return display(value).replace("-", " ")


def _language(code: Any) -> str:
    if not isinstance(code, str) or not code:
        return display(code)
    from brief.base.names import language_name

    return language_name(code) or code


def languages(brief: Brief) -> str:
    """The brief's language, and the one it was translated from if any."""
    language = _language(brief.get("language"))
    if brief.get("original_language"):
        language = f"{language}, translated from {_language(brief.get('original_language'))}".strip(", ")
    return language


def nation(code: Any) -> str:
    """'Mali (ML)'."""
    if not isinstance(code, str):
        return display(code)
    from brief.base.countries import name_of

    name = name_of(code)
    return f"{name} ({code})" if name != code else code


def country(code: Any) -> str:
    if not isinstance(code, str):
        return display(code)
    from brief.base.countries import name_of

    return name_of(code)


def grade(source: dict[str, Any]) -> str:
    """Admiralty grading, e.g. 'B2'; '-' stands for a half not given, '--' for an ungraded source."""
    reliability, credibility = display(source.get("reliability")), display(source.get("credibility"))
    return (reliability or "-") + (credibility or "-")


def sentence(line: str) -> str:
    line = line.strip()
    return line if not line or line[-1] in ".!?…" else line + "."


class Names:
    """Actors', issues' and sources' display names by id; unresolved ids show as themselves."""

    def __init__(self, brief: Brief) -> None:
        self.actors = {a["id"]: display(a.get("name")) or a["id"] for a in mappings(brief.get("actors")) if _id(a)}
        self.issues = {i["id"]: display(i.get("statement")) or i["id"] for i in mappings(brief.get("issues")) if _id(i)}
        self.grades = {s["id"]: grade(s) for s in mappings(brief.get("sources")) if _id(s)}

    def actor(self, value: Any) -> str:
        return self.actors.get(value, display(value)) if isinstance(value, str) else display(value)

    def cited(self, value: Any, brackets: tuple[str, str] = ("[", "]")) -> str:
        """Source ids with their grading: 'reuters-2021-09-13 [B2]'."""
        out = []
        for source in displays(value):
            graded = self.grades.get(source)
            out.append(f"{source} {brackets[0]}{graded}{brackets[1]}" if graded else source)
        return ", ".join(out)


def _id(record: dict[str, Any]) -> bool:
    return text(record.get("id")) is not None


def likelihood(value: Any, odds: bool = True) -> str:
    """'very likely (80–95%)', or without the odds 'very likely'."""
    if isinstance(value, str) and value in LIKELIHOOD:
        phrase, probability = LIKELIHOOD[value]
        return f"{phrase} ({probability})" if odds else phrase
    return words(value)


def estimate(judgment: dict[str, Any], odds: bool = True) -> str:
    """'very likely (80–95%), moderate confidence'."""
    parts = []
    if judgment.get("likelihood") is not None:
        parts.append(likelihood(judgment.get("likelihood"), odds))
    if judgment.get("confidence") is not None:
        parts.append(f"{words(judgment.get('confidence'))} confidence")
    return ", ".join(parts)


def affiliations(actor: dict[str, Any], names: Names) -> str:
    """'Prime minister, Malian transitional government; member, Wagner (alleged)'."""
    out = []
    for affiliation in as_list(actor.get("affiliations")):
        if not isinstance(affiliation, dict):
            continue
        target = names.actor(affiliation.get("actor"))
        role = display(affiliation.get("role"))
        line = f"{role}, {target}" if role and target else role or target
        status = affiliation.get("status")
        if status in ("alleged", "former"):
            line += f" ({status})"
        out.append(line)
    return "; ".join(out)


def actor_groups(brief: Brief) -> list[tuple[str, list[dict[str, Any]]]]:
    """Actors grouped by kind, kinds in the schema's order; unknown kinds (an invalid brief) after them."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for actor in mappings(brief.get("actors")):
        groups.setdefault(display(actor.get("kind")), []).append(actor)
    known = [kind for kind in ACTOR_KINDS if kind in groups]
    return [(kind, groups[kind]) for kind in known + [kind for kind in groups if kind not in ACTOR_KINDS]]


def kind_heading(kind: str) -> str:
    """The heading actors of a kind are listed under: 'Private military companies'."""
    return ACTOR_KINDS.get(kind, kind.capitalize() or "Other actors")


def actor_facts(actor: dict[str, Any]) -> list[str]:
    """Country (unless the actor is a state) and other names: ['Mali', 'also called Choguel Kokalla Maïga']."""
    parts = []
    if actor.get("country") and actor.get("kind") != "state":
        parts.append(country(actor.get("country")))
    aliases = displays(actor.get("aliases"))
    if aliases:
        parts.append("also called " + ", ".join(aliases))
    return parts


class Grid:
    """The positions as an actor × issue grid of stance symbols."""

    def __init__(self, brief: Brief, names: Names) -> None:
        positions = mappings(brief.get("positions"))
        issues = [i["id"] for i in mappings(brief.get("issues")) if _id(i)]
        issues += [p["issue"] for p in positions if isinstance(p.get("issue"), str) and p["issue"] not in issues]
        self.issues = list(dict.fromkeys(issues))
        acting = {display(p.get("actor")) for p in positions}
        actors = [a["id"] for a in mappings(brief.get("actors")) if _id(a) and a["id"] in acting]
        actors += [display(p.get("actor")) for p in positions if display(p.get("actor")) not in actors]
        self.actors = list(dict.fromkeys(actors))
        self.cells: dict[tuple[str, str], list[str]] = {}
        self.used: set[str] = set()
        self.inferred = False
        for position in positions:
            stance = position.get("stance")
            symbol = SYMBOLS.get(stance, display(stance)) if isinstance(stance, str) else display(stance)
            if isinstance(stance, str) and stance in SYMBOLS:
                self.used.add(stance)
            if position.get("basis") == "inferred":
                symbol += INFERRED_MARK
                self.inferred = True
            key = (display(position.get("actor")), display(position.get("issue")))
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
        parts = [f"{stance.symbol} {stance.words}" for stance in STANCE_SCALE if stance.value in self.used]
        if len(self.cells) < len(self.actors) * len(self.issues):
            parts.append("blank: no position")
        marks = [f"{INFERRED_MARK} inferred (else stated)"] if self.inferred else []
        return "; ".join(part for part in (", ".join(parts), *marks) if part)
