"""`brief import` as a function: an article (brief.authoring.articles) becomes a draft brief in Markdown with
front matter, and a report of what was mapped, linked, proposed and dropped.

The draft holds the article's title, date and language; its header lines mapped to domains, regions, nations,
tags and authors (a value that maps to nothing stays in the draft as a comment); the actors of the collection
the text names, as the collection knows them, each with the ids of the briefs it comes from (a comment); the
capitalised names the collection does not know, as a commented block of candidates (never entered as actors);
guidance for the sections to fill next; and the body, every paragraph kept. It validates as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brief.authoring import emit, ids, terms
from brief.authoring.articles import Article
from brief.authoring.linking import Linked, Linker
from brief.authoring.names import Candidate, find_names
from brief.authoring.templates import actor_guidance, rest_guidance, summary_guidance
from brief.authoring.terms import word_set
from brief.base.text import fold
from brief.base.vocabulary import ACTOR_KINDS

SCHEMA_ORDER = (
    "schema_version", "id", "title", "date", "updated", "language", "original_language", "authors", "domains",
    "regions", "nations", "tags", "summary", "actors", "issues", "positions", "relations", "key_judgments", "figures",
    "sources",
)  # fmt: skip
_LIST_FIELDS = ("domains", "regions", "nations", "tags")
# the schema's pattern for brief ids; a draft's file is named after its id, so nothing else may pass
_BRIEF_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_ENGLISH = word_set("the and of to in is that for with as on by are was this from")
_FRENCH = word_set("le la les des et est une du que dans pour sur par au aux qui pas")
BRIEF_IDS_SHOWN = 5


@dataclass
class Options:
    link: bool = True
    date: str | None = None  # overrides the article's
    language: str | None = None  # overrides the article's


@dataclass
class Report:
    """What importing one article did, for the report on stderr."""

    mapped: list[tuple[str, str, str]] = field(default_factory=list)  # (field, as written, value)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (field, as written)
    linked: list[Linked] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    nations_named: list[str] = field(default_factory=list)  # ISO codes the text names, not in `nations`
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    brief_id: str
    text: str
    report: Report


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def guess_language(text: str) -> str:
    """en or fr, by their commonest little words (an article in another language gets what fits best)."""
    words = re.findall(r"[a-zà-ÿ]+", text[:20_000].lower())
    english = sum(1 for word in words if word in _ENGLISH)
    french = sum(1 for word in words if word in _FRENCH)
    return "fr" if french > english else "en"


class Importer:
    """Turns articles into drafts for one collection: `linker` knows its actors (None: no linking), `taken` says
    whether an id is used (by the collection, or by a file where drafts go), `style` is how its ids carry dates."""

    def __init__(self, linker: Linker | None, taken: Callable[[str], bool], style: str, today: str,
                 country_codes: frozenset[str]) -> None:  # fmt: skip
        self.linker = linker
        self.taken = taken
        self.style = style
        self.today = today
        self.country_codes = country_codes
        self.reserved: set[str] = set()  # ids given to drafts of this run

    def _is_taken(self, brief_id: str) -> bool:
        return brief_id in self.reserved or self.taken(brief_id)

    def draft(self, article: Article, options: Options) -> Draft:
        report = Report(dropped=list(article.dropped))
        front: dict[str, Any] = dict(article.front or {})
        comments: dict[str, list[str]] = {}  # field -> comment lines written after it
        if article.front_comments:
            report.notes.append("the front matter's comments are not kept in the draft")

        title = article.title or "Untitled"
        if article.title_made:
            report.notes.append("no title line: the title is made of the first words; write a real one")
        front["title"] = title
        date = options.date or article.date
        if date is None:
            date = self.today
            report.notes.append(f"no date in the article: today's date ({date}); correct it")
            comments.setdefault("date", []).append("the article gives no date: today's; correct it")
        front["date"] = date
        language = options.language or self._header_language(article, front)
        if language is None:
            language = guess_language(article.body)
            report.notes.append(f"language {language}, guessed from the text")
        front["language"] = language
        front.setdefault("schema_version", "1.0")
        given = front.get("id")
        if isinstance(given, str) and given and not _BRIEF_ID.match(given):
            report.notes.append(f"id {given!r} (from the front matter) is not a brief id; one is made from the title")
            given = None
        if not isinstance(given, str) or not given:
            front["id"] = ids.unique(ids.make_id(title, date, self.style), self._is_taken)
        elif self._is_taken(given):
            report.notes.append(f"id {given} (from the front matter) is already used in the collection")
        self.reserved.add(front["id"])

        self._map_fields(article, front, comments, report)
        text = f"{title}\n{article.body}"
        linked = self._link(text, front, report) if self.linker else []
        paragraphs = [line for block in article.blocks for line in block.split("\n")]
        names = find_names(
            paragraphs,
            known=self.linker.directory.scan if self.linker else lambda _: [],
            country=self._country,
            other_terms=terms.is_region,
        )
        report.candidates = names.candidates
        nations = _list(front.get("nations"))
        report.nations_named = [code for code in names.countries if code not in nations]
        if article.url or article.publisher:
            self._source(article, front)
        lines = self._front_matter(front, comments, linked, report)
        return Draft(front["id"], "---\n" + "\n".join(lines) + "\n---\n" + article.body, report)

    # -- fields --------------------------------------------------------------------------------------------------

    def _header_language(self, article: Article, front: dict[str, Any]) -> str | None:
        for _, value in article.header("language"):
            code = terms.language(value)
            if code:
                return code
        existing = front.get("language")
        return existing if isinstance(existing, str) and existing else None

    def _country(self, words: str) -> str | None:
        code = terms.nation(words)
        return code if code in self.country_codes else None

    def _map_fields(self, article: Article, front: dict[str, Any], comments: dict[str, list[str]],
                    report: Report) -> None:  # fmt: skip
        """Header lines (and a Markdown article's own values, in words) to the format's values."""
        for name in _LIST_FIELDS:
            values: list[str] = []
            existing = front.get(name)
            sources: list[tuple[str, str]] = []
            if isinstance(existing, list):
                for item in existing:
                    if isinstance(item, str) and self._is_value(name, item):
                        values.append(item)
                    elif isinstance(item, str):
                        sources.append((name, item))
            sources += [(label, value) for label, value in article.header(name)]
            for label, written in sources:
                mapping = terms.MAPPERS[name](written)
                for words, value in mapping.mapped:
                    if value not in values:
                        values.append(value)
                    report.mapped.append((name, words, value))
                for words in mapping.unmapped:
                    report.unmapped.append((name, words))
                    comments.setdefault(name, []).append(f"not mapped, from {label}: {words}")
            if values:
                front[name] = values
            else:
                front.pop(name, None)
        authors = _list(front.get("authors"))
        for _, written in article.header("authors"):
            for author in re.split(r"\s*(?:[,;&]|\band\b|\bet\b)\s*", written):
                if author and author not in authors:
                    authors.append(author)
        if authors:
            front["authors"] = authors

    def _is_value(self, name: str, value: str) -> bool:
        if name == "nations":
            return value in self.country_codes
        if name == "tags":
            return terms.slug(value) == value
        from brief.base.vocabulary import DOMAINS, REGIONS

        return value in (DOMAINS if name == "domains" else REGIONS)

    def _link(self, text: str, front: dict[str, Any], report: Report) -> list[Linked]:
        """The collection's actors the text names, less those the front matter already has."""
        assert self.linker is not None
        existing = _list(front.get("actors"))
        present_ids = {actor.get("id") for actor in existing if isinstance(actor, dict)}
        present_names = {fold(str(name)) for actor in existing if isinstance(actor, dict)
                         for name in [actor.get("name"), *(actor.get("aliases") or [])] if name}  # fmt: skip
        linked = []
        for entry in self.linker.link(text):
            known = entry.profile
            if known.actor_id in present_ids or fold(known.name) in present_names:
                continue
            linked.append(entry)
        report.linked = linked
        return linked

    def _source(self, article: Article, front: dict[str, Any]) -> None:
        """A web page is itself a source of the brief: entered with what the page says of itself."""
        sources = _list(front.get("sources"))
        if any(isinstance(s, dict) and s.get("url") == article.url for s in sources):
            return
        source: dict[str, Any] = {"id": "article", "title": front["title"]}
        if article.publisher:
            source["publisher"] = article.publisher
        if article.url and _URL.match(article.url):
            source["url"] = article.url
        if article.date:
            source["date"] = article.date
        taken = {s.get("id") for s in sources if isinstance(s, dict)}
        while source["id"] in taken:
            source["id"] += "-1"
        front["sources"] = [*sources, source]

    # -- writing -------------------------------------------------------------------------------------------------

    def _front_matter(self, front: dict[str, Any], comments: dict[str, list[str]], linked: list[Linked],
                      report: Report) -> list[str]:  # fmt: skip
        """The front matter's lines: fields in the schema's order, with guidance where a section is still empty
        (the summary; issues, positions and the rest after the actors), then the article's own other fields."""
        lines: list[str] = []
        for key in SCHEMA_ORDER:
            if key == "actors":
                lines += self._actors(front.get("actors"), linked, report)
            elif key in front:
                lines += [f"date: {emit.date(str(front[key]))}"] if key == "date" else emit.block(key, front[key])
            elif key == "summary":
                lines += [emit.comment(line) for line in summary_guidance()]
            elif key == "issues":
                lines += [emit.comment(line) for line in rest_guidance()]
            lines += [emit.comment(note) for note in comments.get(key, [])]
            if key == "nations" and report.nations_named:
                from brief.base.countries import name_of

                named = ", ".join(f"{code} ({name_of(code)})" for code in report.nations_named)
                lines.append(emit.comment(f"nations the text also names: {named}"))
        for key in front:
            if key not in SCHEMA_ORDER:
                lines += emit.block(emit.scalar(key), front[key])
        return lines

    def _actors(self, existing: Any, linked: list[Linked], report: Report) -> list[str]:
        lines: list[str] = []
        entries = [actor for actor in existing if isinstance(actor, dict)] if isinstance(existing, list) else []
        if entries or linked:
            lines.append("actors:")
            for actor in entries:
                lines += emit.list_item(actor, "  ")
            if linked:
                lines.append(emit.comment("Linked from the collection: check each one, and delete those not meant.",
                                          "  "))  # fmt: skip
            for entry in linked:
                lines += self._linked_actor(entry)
        else:
            lines += [emit.comment(line) for line in actor_guidance()]
        if report.candidates:
            lines.append(emit.comment("Candidates: names in the text that the collection does not know. To keep one,"))
            lines.append(
                emit.comment("add it under actors (id, name, kind); candidates are never entered by themselves.")
            )
            for candidate in report.candidates:
                times = "mention" if candidate.count == 1 else "mentions"
                lines.append(emit.comment(f"  - {candidate.name} ({candidate.count} {times})"))
        if entries or linked:
            lines += [emit.comment(line) for line in actor_guidance(example=False)[:3]]
        return lines

    def _linked_actor(self, entry: Linked) -> list[str]:
        known = entry.profile
        shown = ", ".join(known.brief_ids)
        more = known.briefs - len(known.brief_ids)
        origin = f"from {shown}" + (f" and {more} more brief{'s' if more != 1 else ''}" if more > 0 else "")
        lines = [f"  - id: {emit.scalar(known.actor_id)}  " + emit.comment(origin)]
        lines.append(f"    name: {emit.scalar(known.name)}")
        lines.append(f"    kind: {known.kind if known.kind in ACTOR_KINDS else 'other'}")
        if known.country in self.country_codes:
            lines.append(f"    country: {known.country}")
        aliases = [alias for alias in known.aliases if alias.strip() and alias != known.name]
        if aliases:
            lines.append(f"    aliases: {emit.flow(aliases)}")
        return lines


def report_lines(report: Report) -> list[str]:
    """What was mapped, linked, proposed and dropped, a line each (the command neutralises and prints them)."""
    mapped = "; ".join(f"{name} {written!r} → {value}" for name, written, value in report.mapped) or "none"
    lines = [f"mapped: {mapped}"]
    if report.unmapped:
        unmapped = "; ".join(f"{name} {written!r}" for name, written in report.unmapped)
        lines.append(f"not mapped (kept in the draft as comments): {unmapped}")
    if report.linked:
        actors = ", ".join(f"{entry.profile.name} ({entry.profile.actor_id})" for entry in report.linked)
        lines.append(f"linked: {len(report.linked)} actor{'s' if len(report.linked) != 1 else ''}: {actors}")
    else:
        lines.append("linked: none")
    proposed = []
    if report.candidates:
        proposed.append(f"{len(report.candidates)} candidate name{'s' if len(report.candidates) != 1 else ''}: "
                        + ", ".join(candidate.name for candidate in report.candidates))  # fmt: skip
    if report.nations_named:
        proposed.append("nations the text names: " + ", ".join(report.nations_named))
    lines.append("proposed: " + ("; ".join(proposed) or "none"))
    dropped = ", ".join(repr(line) for line in report.dropped)
    lines.append(f"dropped: {len(report.dropped)} line{'s' if len(report.dropped) != 1 else ''}"
                 + (f" of page furniture: {dropped}" if report.dropped else ""))  # fmt: skip
    lines += [f"note: {note}" for note in report.notes]
    return lines
