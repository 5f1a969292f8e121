"""Templates of new briefs, and the guidance they carry for the sections an analyst fills next.

A template is a brief file (.md, .yaml or .json) with placeholders that `brief new` fills in: `$id`, `$title`,
`$date`, `$language`, `$authors`, `$domains`, `$regions`, `$nations`, `$tags` (each written as a value of the
template's format: a YAML scalar or flow list, or JSON) and `$guidance` (YAML comments on the sections to fill
next, or, in JSON, which has no comments, an object of strings for an `x-guidance` field); `$$` is a dollar
sign. The built-in ones are in brief/data/templates/; a collection's configuration can name its own
(`template = "templates/brief.md"` in brief.toml), which then replaces them.

The guidance is written from base/vocabulary.py, so it always lists the values the schema allows.
"""

from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass
from pathlib import Path

from brief.authoring import emit
from brief.base.errors import ConfigError
from brief.base.vocabulary import (
    ACTOR_KINDS,
    CONFIDENCE_LEVELS,
    CREDIBILITY,
    LIKELIHOOD,
    RELATION_KINDS,
    RELIABILITY,
    STANCE_SCALE,
    TRENDS,
)

FORMATS = {"md": ".md", "yaml": ".yaml", "json": ".json"}
FORMAT_OF_EXTENSION = {".md": "md", ".markdown": "md", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
PLACEHOLDERS = ("id", "title", "date", "language", "authors", "domains", "regions", "nations", "tags", "guidance")
BUILT_IN = Path(__file__).resolve().parent.parent / "data" / "templates"


@dataclass
class Template:
    text: str
    format: str  # md, yaml or json
    path: str  # where it was read from, for messages


def built_in(fmt: str) -> Template:
    path = BUILT_IN / f"brief{FORMATS[fmt]}"
    return Template(path.read_text(encoding="utf-8"), fmt, str(path))


def team_template(path: str) -> Template:
    """A collection's own template; its extension says its format."""
    fmt = FORMAT_OF_EXTENSION.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise ConfigError(f"{path}: a template must be a .md, .yaml or .json file")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the template: {exc}") from None
    return Template(text, fmt, path)


def fill(template: Template, values: dict[str, object]) -> str:
    """The template with its placeholders replaced by `values` (see PLACEHOLDERS), written for its format."""
    if template.format == "json":
        rendered = {name: json.dumps(value, ensure_ascii=False) for name, value in values.items()}
        rendered["guidance"] = json.dumps(guidance_object(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    else:
        rendered = {name: _yaml(name, value) for name, value in values.items()}
        rendered["guidance"] = "\n".join(guidance_lines())
    try:
        return string.Template(template.text).substitute(rendered)
    except KeyError as exc:
        known = ", ".join(f"${name}" for name in PLACEHOLDERS)
        raise ConfigError(f"{template.path}: unknown placeholder ${exc.args[0]} (known: {known})") from None
    except ValueError as exc:
        raise ConfigError(f"{template.path}: {exc} (write $$ for a dollar sign)") from None


def _yaml(name: str, value: object) -> str:
    if isinstance(value, list):
        return emit.flow(value)
    if name == "date":
        return emit.date(str(value))
    return emit.scalar(value)


# --- guidance -------------------------------------------------------------------------------------------------


def _wrapped(label: str, words: list[str], width: int = 100) -> list[str]:
    """`label: a, b, c` over as many comment lines as it takes."""
    lines: list[str] = []
    current = f"{label}: "
    for position, word in enumerate(words):
        piece = word + ("," if position < len(words) - 1 else "")
        if len(current) + len(piece) > width and current.strip():
            lines.append(current.rstrip())
            current = "    "
        current += piece + " "
    lines.append(current.rstrip())
    return lines


def summary_guidance() -> list[str]:
    return ["summary: the bottom line up front, the brief's main point in a few sentences."]


def actor_guidance(example: bool = True) -> list[str]:
    lines = ["actors: who the brief names, each with an id that positions and relations use.",
             *_wrapped("  kind", list(ACTOR_KINDS)),
             "  country: an ISO code, or a country's English or French name;",
             "  aliases: other names the actor goes by (searches find them too)."]  # fmt: skip
    if example:
        lines += ["actors:", "  - id: wagner", "    name: Wagner", "    kind: private-military-company",
                  "    country: RU", "    aliases: [Wagner Group, PMC Wagner]"]  # fmt: skip
    return lines


def rest_guidance() -> list[str]:
    """Issues, positions, relations, key judgments and sources: what each holds and the words it takes."""
    stances = [f"{stance.value}" for stance in STANCE_SCALE]
    likelihood = [f"{value} ({words[1]})" for value, words in LIKELIHOOD.items()]
    reliability = [f"{grade} {words}" for grade, words in RELIABILITY.items()]
    credibility = [f"{grade} {words}" for grade, words in CREDIBILITY.items()]
    return [
        "issues: questions the actors take positions on, worded so that 'supports' is unambiguous.",
        "issues:",
        "  - id: mali-wagner-partnership",
        "    statement: A Mali–Wagner security partnership",
        "positions: one per actor and issue.",
        *_wrapped("  stance", stances),
        "  (unknown means not known, which is not neutral); basis: stated or inferred;",
        f"  confidence: {', '.join(CONFIDENCE_LEVELS)}; salience and power: 0 to 100.",
        "positions:",
        "  - {actor: wagner, issue: mali-wagner-partnership, stance: supports, basis: inferred, confidence: moderate}",
        *_wrapped("relations: between two actors; kind", list(RELATION_KINDS)),
        f"  trend: {', '.join(TRENDS)}.",
        "key_judgments: likelihood in ICD 203 words, kept apart from confidence (low, moderate, high):",
        *_wrapped("  likelihood", likelihood),
        "key_judgments:",
        "  - {statement: …, likelihood: likely, confidence: moderate, sources: [source-1]}",
        "sources: graded on the Admiralty scale.",
        *_wrapped("  reliability", reliability),
        *_wrapped("  credibility", credibility),
        "sources:",
        "  - {id: source-1, title: …, publisher: …, url: https://…, date: 2024-01-31, reliability: B, credibility: 2}",
    ]


def guidance_lines() -> list[str]:
    """The guidance of a new brief, as YAML comment lines."""
    body = [*summary_guidance(), *actor_guidance(), *rest_guidance()]
    return [emit.comment("Next, fill in what the brief needs (uncomment the examples and edit them):"),
            *(emit.comment(line) for line in body)]  # fmt: skip


def guidance_object() -> dict[str, str]:
    """The same guidance for JSON, which has no comments: one string per section."""
    kinds = ", ".join(ACTOR_KINDS)
    stances = ", ".join(stance.value for stance in STANCE_SCALE)
    likelihood = ", ".join(f"{value} ({words[1]})" for value, words in LIKELIHOOD.items())
    return {
        "about": "Guidance for the sections to fill next; delete this field when done.",
        "summary": "The bottom line up front: the brief's main point in a few sentences.",
        "actors": f"Who the brief names: id, name, kind ({kinds}), country (ISO code), aliases.",
        "issues": "Questions the actors take positions on (id, statement), worded so that 'supports' is unambiguous.",
        "positions": f"One per actor and issue: actor, issue, stance ({stances}), basis (stated or inferred), "
        f"confidence ({', '.join(CONFIDENCE_LEVELS)}).",
        "relations": f"Between two actors: actors [a, b], kind ({', '.join(RELATION_KINDS)}), trend "
        f"({', '.join(TRENDS)}).",
        "key_judgments": f"statement, likelihood in ICD 203 words ({likelihood}), confidence.",
        "sources": "id, title, publisher, url, date; Admiralty grades: reliability ("
        + ", ".join(f"{grade} {words}" for grade, words in RELIABILITY.items())
        + "), credibility ("
        + ", ".join(f"{grade} {words}" for grade, words in CREDIBILITY.items())
        + ").",
    }
