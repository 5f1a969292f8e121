"""Briefs as one STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP, …).

Each brief becomes:

- a `report` (name: the title; description: the summary, then the body; published: the brief's date; labels: its
  domains and tags, and the regions STIX has no region for; lang; external_references: its sources) whose
  `object_refs` name everything below, and whose creator (`created_by_ref`) is an `identity` for its authors;
- an `identity` per actor (people `individual`, others `organization`, `unknown` for kind `other`; the kind as
  its role, aliases in its description), `located-at` its country;
- a `location` per nation (`country`: the ISO code) and region (`region`: the nearest region of STIX's
  vocabulary, `name`: the brief's region);
- an `x-brief-issue` per issue (a custom object defined by the extension definition in the bundle);
- a `relationship` per position (actor → issue; its type is the stance), relation (actor → actor; its type is
  the relation's kind) and affiliation (`affiliated-with`); these types are custom (RELATIONSHIP_TYPES);
- a `note` per key judgment and per figure, referring to the report.

Confidence follows STIX 2.1 Appendix A: a key judgment's ICD 203 likelihood on the DNI scale (it is the
probability that the judgment holds), a position's low/moderate/high on the None/Low/Med/High scale, and for
relations, figures and positions without a confidence of their own, the Admiralty credibility of the most
credible source they cite. Every object of a marked brief carries its TLP 2.0 marking definition in
`object_marking_refs`; the definitions (OASIS's published objects) close the bundle.

Ids are UUIDv5 of the brief's id and the item's (actor, issue, pair, position in the brief): exporting the same
briefs twice gives the same bundle byte for byte, and re-importing one replaces what an earlier import created.
Timestamps are the brief's dates (`created`: `date`, `modified`: `updated`), never the clock.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from brief.base.fields import display, mappings, number, text, texts
from brief.base.text import json_text
from brief.base.vocabulary import LIKELIHOOD, STANCES, TLP_LEVELS

Obj = dict[str, Any]

NAMESPACE = uuid.UUID("5d1e0b5a-3c4f-5b8e-9a8c-6f1b2e7d4c31")  # brief's own: every id is a UUIDv5 in it
SPEC = "2.1"
RELEASED = "2024-01-01T00:00:00.000Z"  # created/modified of the objects that define brief's STIX vocabulary

# TLP 2.0 marking definitions as OASIS publishes them (cti-stix-common-objects, extension-definition-specifications/
# tlp-2.0): fixed ids, referenced by every marked object, and the objects themselves, included in the bundle.
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKINGS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

ISSUE_TYPE = "x-brief-issue"

# STIX 2.1 Appendix A
CONFIDENCE = {"low": 15, "moderate": 50, "high": 85}  # None/Low/Med/High
DNI_SCALE = {  # ICD 203 estimative words
    "almost-no-chance": 5, "very-unlikely": 15, "unlikely": 30, "roughly-even-chance": 50, "likely": 70,
    "very-likely": 85, "almost-certain": 95,
}  # fmt: skip
ADMIRALTY_CREDIBILITY = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}  # 6, "truth cannot be judged": no confidence

# Custom relationship types (STIX allows them; they are documented in the README).
POSITION_TYPES = {stance: stance for stance in STANCES} | {"neutral": "neutral-on", "unknown": "unknown-stance-on"}
RELATION_TYPES = {
    "alliance": "allied-with", "partnership": "partner-of", "cooperation": "cooperates-with",
    "neutral": "neutral-towards", "competition": "competes-with", "tension": "in-tension-with",
    "hostility": "hostile-to", "armed-conflict": "in-armed-conflict-with",
}  # fmt: skip
AFFILIATION_TYPE = "affiliated-with"
RELATIONSHIP_TYPES = (*POSITION_TYPES.values(), *RELATION_TYPES.values(), AFFILIATION_TYPE)

# brief's regions -> the nearest region of STIX's region-ov (UN M49); those with none stay labels of the report
REGIONS = {
    "africa": "africa", "west-africa": "western-africa", "sahel": "western-africa",
    "lake-chad-basin": "middle-africa", "gulf-of-guinea": "western-africa", "central-africa": "middle-africa",
    "east-africa": "eastern-africa", "horn-of-africa": "eastern-africa", "north-africa": "northern-africa",
    "southern-africa": "southern-africa", "middle-east": "western-asia", "gulf": "western-asia", "europe": "europe",
    "eastern-europe": "eastern-europe", "central-asia": "central-asia", "south-asia": "southern-asia",
    "east-asia": "eastern-asia", "southeast-asia": "south-eastern-asia", "oceania": "oceania",
    "north-america": "northern-america", "latin-america": "latin-america-caribbean", "caribbean": "caribbean",
    "arctic": None, "global": None,
}  # fmt: skip

IDENTITY_CLASSES = {"person": "individual", "other": "unknown"}  # every other kind: organization
SECTORS = {"state": "government-national", "government": "government-national", "armed-forces": "defense",
           "private-military-company": "defense"}  # fmt: skip

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VOCABULARY_WORD = re.compile(r"[^a-z0-9]+")


def stix_id(kind: str, *key: str) -> str:
    """`kind--UUID` for the type and the key: the same item of the same brief always gets the same id, and items
    of different types never share a UUID. The UUID is the UUIDv5 (SHA-1) of the key in brief's namespace, with
    its version field set to 4: STIX 2.1 asks for UUIDv4 in every object but cyber observables (section 2.9),
    and 122 bits of a hash are as unlikely to collide as 122 random ones, yet the same on every export."""
    name = "|".join((kind, *key))
    return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(NAMESPACE, name).bytes, version=4)}"


def _timestamp(value: Any) -> str | None:
    """A STIX timestamp for a brief's date (YYYY-MM-DD); None for anything else (an invalid brief's date)."""
    import datetime

    if not (isinstance(value, str) and _DATE.match(value)):
        return None
    try:
        datetime.date.fromisoformat(value)
    except ValueError:  # 2021-02-30
        return None
    return f"{value}T00:00:00.000Z"


def tlp_marking(level: str) -> Obj:
    """The TLP 2.0 marking definition of a level, exactly as OASIS publishes it."""
    return {
        "type": "marking-definition", "spec_version": SPEC, "id": TLP_MARKINGS[level],
        "created": "2022-10-01T00:00:00.000Z", "name": TLP_LEVELS[level],
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    }  # fmt: skip


def vocabulary_objects() -> list[Obj]:
    """The identity of brief (the creator of its extension) and the extension definition of `x-brief-issue`."""
    producer = stix_id("identity", "brief")
    return [
        {
            "type": "identity", "spec_version": SPEC, "id": producer, "created": RELEASED, "modified": RELEASED,
            "name": "brief", "description": "brief, the toolkit for structured geopolitical and security briefs.",
            "identity_class": "system",
        },
        {
            "type": "extension-definition", "spec_version": SPEC, "id": stix_id("extension-definition", ISSUE_TYPE),
            "created_by_ref": producer, "created": RELEASED, "modified": RELEASED, "name": "brief issue",
            "description": (
                "An issue actors take positions on, worded so that supporting it is unambiguous. Positions are "
                "relationships from an identity to an issue whose relationship_type is the stance."
            ),
            "schema": (
                f"{ISSUE_TYPE}: a STIX Domain Object with the common properties and name (string, required: the "
                "issue), statement (string, required: the issue, as the brief words it), description (string: "
                "context for the issue)."
            ),
            "version": "1.0.0", "extension_types": ["new-sdo"],
        },
    ]  # fmt: skip


class _Brief:
    """The STIX objects of one (normalised) brief."""

    def __init__(self, brief: Obj) -> None:
        self.brief = brief
        self.key = text(brief.get("id")) or "-"
        created = _timestamp(brief.get("date")) or "1970-01-01T00:00:00.000Z"  # (an invalid brief's missing date)
        modified = _timestamp(brief.get("updated")) or created
        self.common: Obj = {"spec_version": SPEC, "created": created, "modified": max(created, modified)}
        level = brief.get("tlp")
        self.marking = [TLP_MARKINGS[level]] if isinstance(level, str) and level in TLP_MARKINGS else []
        self.sources = {s["id"]: s for s in mappings(brief.get("sources")) if text(s.get("id"))}
        self.actors: dict[str, str] = {}  # actor id -> identity id
        self.issues: dict[str, str] = {}  # issue id -> x-brief-issue id
        self.locations: dict[str, str] = {}  # "nation:ML", "region:sahel" -> location id
        self.used: dict[str, int] = {}  # keys given ids so far: a repeated one (an invalid brief) gets a suffix
        self.report = stix_id("report", self.key)

    def _id(self, kind: str, *key: str) -> str:
        name = "|".join(key)
        self.used[f"{kind}|{name}"] = count = self.used.get(f"{kind}|{name}", 0) + 1
        return stix_id(kind, self.key, *key, *([str(count)] if count > 1 else []))

    def _object(self, kind: str, ident: str, **properties: Any) -> Obj:
        out: Obj = {"type": kind, "spec_version": SPEC, "id": ident, "created": self.common["created"],
                    "modified": self.common["modified"]}  # fmt: skip
        out.update((name, value) for name, value in properties.items() if value not in (None, "", []))
        if self.marking:
            out["object_marking_refs"] = self.marking
        return out

    # -- sources and confidence ------------------------------------------------------------------------------------

    def references(self, cited: Any) -> list[Obj]:
        """External references for sources (all of the brief's, or those an item cites)."""
        known = self.sources
        chosen = list(known.values()) if cited is None else [known[s] for s in texts(cited) if s in known]
        out = []
        for source in chosen:
            grading = (display(source.get("reliability")) or "-") + (display(source.get("credibility")) or "-")
            described = " · ".join(part for part in (display(source.get("title")), display(source.get("date"))) if part)
            reference = {
                "source_name": display(source.get("publisher")) or display(source.get("title")) or source["id"],
                "description": f"{described} [Admiralty {grading}]" if grading != "--" else described,
                "url": text(source.get("url")),
                "external_id": source["id"],
            }
            out.append({key: value for key, value in reference.items() if value})
        return out

    def credibility(self, cited: Any) -> int | None:
        """Appendix A's Admiralty credibility value of the most credible source cited (None when none is graded)."""
        grades = [self.sources[s].get("credibility") for s in texts(cited) if s in self.sources]
        values = [ADMIRALTY_CREDIBILITY[g] for g in grades if isinstance(g, int) and g in ADMIRALTY_CREDIBILITY]
        return max(values, default=None)

    # -- objects -------------------------------------------------------------------------------------------------

    def objects(self) -> Iterator[Obj]:
        brief = self.brief
        held: list[Obj] = []  # everything the report refers to
        held += self._locations()
        held += self._actors()
        held += self._issues()
        held += self._positions()
        held += self._relations()
        held += self._notes()
        creator = self._authors()
        if creator is not None:
            yield creator
        yield from held
        refs = [obj["id"] for obj in held]
        labels = [*texts(brief.get("domains")), *texts(brief.get("tags"))]
        labels += [r for r in texts(brief.get("regions")) if REGIONS.get(r) is None]
        description = "\n\n".join(t for t in (text(brief.get("summary")), text(brief.get("body"))) if t)
        if not refs:  # a report must refer to something: a bare brief refers to a note of its title
            note = self._object("note", self._id("note", "brief"), abstract=display(brief.get("title")) or self.key,
                                content=description or display(brief.get("title")) or self.key,
                                object_refs=[self.report])  # fmt: skip
            yield note
            refs = [note["id"]]
        yield self._object(
            "report", self.report, created_by_ref=creator["id"] if creator else None,
            name=display(brief.get("title")) or self.key, description=description or None,
            published=self.common["created"].replace(".000Z", "Z"), labels=list(dict.fromkeys(labels)),
            lang=_language(brief.get("language")), external_references=self.references(None), object_refs=refs,
        )  # fmt: skip

    def _authors(self) -> Obj | None:
        authors = texts(self.brief.get("authors"))
        if not authors:
            return None
        return self._object("identity", self._id("identity", "authors"), name=", ".join(authors),
                            identity_class="individual" if len(authors) == 1 else "group",
                            roles=["author"])  # fmt: skip

    def _location(self, kind: str, value: str) -> Obj | None:
        key = f"{kind}:{value}"
        if key in self.locations:
            return None
        if kind == "nation":
            from brief.base.countries import name_of

            location = self._object("location", self._id("location", key), name=name_of(value), country=value)
        else:
            region = REGIONS.get(value)
            if region is None:
                return None
            location = self._object("location", self._id("location", key), name=_words(value), region=region)
        self.locations[key] = location["id"]
        return location

    def _locations(self) -> list[Obj]:
        out = [self._location("nation", code) for code in texts(self.brief.get("nations")) if _is_code(code)]
        out += [self._location("region", region) for region in texts(self.brief.get("regions"))]
        return [location for location in out if location is not None]

    def _actors(self) -> list[Obj]:
        out: list[Obj] = []
        links: list[Obj] = []
        for actor in mappings(self.brief.get("actors")):
            actor_id, name = text(actor.get("id")), text(actor.get("name"))
            if actor_id is None or actor_id in self.actors:
                continue
            kind = text(actor.get("kind"))
            aliases = texts(actor.get("aliases"))
            description = text(actor.get("description")) or ""
            if aliases:
                description = (description + "\n\n" if description else "") + "Also known as: " + "; ".join(aliases)
            identity = self._object(
                "identity", self._id("identity", "actor", actor_id), name=name or actor_id,
                description=description, roles=[kind] if kind else None,
                identity_class=IDENTITY_CLASSES.get(kind or "other", "organization"),
                sectors=[SECTORS[kind]] if kind in SECTORS else None,
            )  # fmt: skip
            self.actors[actor_id] = identity["id"]
            out.append(identity)
            country = text(actor.get("country"))
            if country and _is_code(country):
                location = self._location("nation", country)
                if location is not None:
                    out.append(location)
                links.append(self._relationship("located-at", identity["id"], self.locations[f"nation:{country}"],
                                                ("located-at", actor_id, country)))  # fmt: skip
        for actor in mappings(self.brief.get("actors")):
            own = actor.get("id")
            source = self.actors.get(own) if isinstance(own, str) else None
            for affiliation in mappings(actor.get("affiliations")):
                target = affiliation.get("actor")
                if source is None or not isinstance(target, str) or target not in self.actors:
                    continue
                detail = "; ".join(f"{k}: {display(affiliation[k])}" for k in ("role", "status") if affiliation.get(k))
                links.append(self._relationship(AFFILIATION_TYPE, source, self.actors[target],
                                                ("affiliation", actor["id"], target), description=detail))  # fmt: skip
        return out + links

    def _issues(self) -> list[Obj]:
        out = []
        for issue in mappings(self.brief.get("issues")):
            issue_id = text(issue.get("id"))
            if issue_id is None or issue_id in self.issues:
                continue
            statement = display(issue.get("statement")) or issue_id
            obj = self._object(ISSUE_TYPE, self._id(ISSUE_TYPE, issue_id), name=statement, statement=statement,
                               description=text(issue.get("description")))  # fmt: skip
            obj["extensions"] = {stix_id("extension-definition", ISSUE_TYPE): {"extension_type": "new-sdo"}}
            self.issues[issue_id] = obj["id"]
            out.append(obj)
        return out

    def _relationship(self, kind: str, source: str, target: str, key: tuple[str, ...], **properties: Any) -> Obj:
        return self._object("relationship", self._id("relationship", *key), relationship_type=kind,
                            source_ref=source, target_ref=target, **properties)  # fmt: skip

    def _positions(self) -> list[Obj]:
        out = []
        for position in mappings(self.brief.get("positions")):
            actor, issue = position.get("actor"), position.get("issue")
            if not (isinstance(actor, str) and isinstance(issue, str)):
                continue
            if actor not in self.actors or issue not in self.issues:
                continue
            stance = position.get("stance")
            kind = POSITION_TYPES.get(stance, "related-to") if isinstance(stance, str) else "related-to"
            level = position.get("confidence")
            confidence = CONFIDENCE.get(level) if isinstance(level, str) else None
            if confidence is None:
                confidence = self.credibility(position.get("sources"))
            out.append(self._relationship(
                kind, self.actors[actor], self.issues[issue], ("position", actor, issue),
                description=_position_text(position), confidence=confidence,
                external_references=self.references(position.get("sources")),
            ))  # fmt: skip
        return out

    def _relations(self) -> list[Obj]:
        out = []
        for relation in mappings(self.brief.get("relations")):
            ends = texts(relation.get("actors"))
            if len(ends) != 2 or not all(end in self.actors for end in ends):
                continue
            kind = relation.get("kind")
            details = [f"{k}: {display(relation[k])}" for k in ("kind", "trend", "as_of") if relation.get(k)]
            factors = texts(relation.get("factors"))
            if factors:
                details.append("factors: " + "; ".join(factors))
            out.append(self._relationship(
                RELATION_TYPES.get(kind, "related-to") if isinstance(kind, str) else "related-to",
                self.actors[ends[0]], self.actors[ends[1]], ("relation", *ends),
                description="\n".join(details), confidence=self.credibility(relation.get("sources")),
                external_references=self.references(relation.get("sources")),
            ))  # fmt: skip
        return out

    def _notes(self) -> list[Obj]:
        out = []
        authors = texts(self.brief.get("authors"))
        for number_, judgment in enumerate(mappings(self.brief.get("key_judgments")), 1):
            likelihood, confidence = judgment.get("likelihood"), judgment.get("confidence")
            band = LIKELIHOOD.get(likelihood) if isinstance(likelihood, str) else None
            probability = DNI_SCALE.get(likelihood) if isinstance(likelihood, str) else None
            estimate = " ".join(
                part for part in (f"Likelihood: {band[0]} ({band[1]})." if band else None,
                                  f"Confidence: {display(confidence)}." if confidence else None) if part
            )  # fmt: skip
            statement = display(judgment.get("statement"))
            out.append(self._object(
                "note", self._id("note", "judgment", str(number_)), abstract=f"Key judgment {number_}",
                content=(f"{statement}\n\n{estimate}" if estimate else statement) or f"Key judgment {number_}",
                authors=authors,
                object_refs=[self.report], confidence=probability,
                labels=["key-judgment", *(f"{k}:{display(judgment[k])}" for k in ("likelihood", "confidence")
                                          if judgment.get(k))],
                external_references=self.references(judgment.get("sources")),
            ))  # fmt: skip
        for number_, figure in enumerate(mappings(self.brief.get("figures")), 1):
            value = number(figure.get("value"))
            amount = " ".join(p for p in (f"{value:,}" if value is not None else "", display(figure.get("unit"))) if p)
            details = ", ".join(display(figure.get(k)) for k in ("date", "status") if figure.get(k))
            out.append(self._object(
                "note", self._id("note", "figure", str(number_)),
                abstract=display(figure.get("label")) or f"Figure {number_}",
                content=(f"{amount} ({details})" if details else amount) or display(figure.get("label"))
                or f"Figure {number_}", authors=authors,
                object_refs=[self.report], confidence=self.credibility(figure.get("sources")),
                labels=["figure", *([f"status:{display(figure['status'])}"] if figure.get("status") else [])],
                external_references=self.references(figure.get("sources")),
            ))  # fmt: skip
        return out


def _position_text(position: Obj) -> str:
    """What a position's relationship says in words: stance, basis, confidence, weight, reasons, change, date."""
    lines = [", ".join(f"{k}: {display(position[k])}" for k in ("stance", "basis", "confidence") if position.get(k))]
    weights = ", ".join(f"{k} {display(position[k])}" for k in ("salience", "power") if position.get(k) is not None)
    if weights:
        lines.append(weights)
    rationale = texts(position.get("rationale"))
    if rationale:
        lines.append("rationale: " + "; ".join(rationale))
    if text(position.get("change")):
        lines.append(f"change: {position['change']}")
    if text(position.get("as_of")):
        lines.append(f"as of {position['as_of']}")
    return "\n".join(line for line in lines if line)


def _words(value: str) -> str:
    """'west-africa' -> 'West Africa'."""
    return " ".join(word.capitalize() for word in _VOCABULARY_WORD.split(value) if word)


def _language(value: Any) -> str | None:
    """The brief's language for `lang` (an ISO 639-1 code is an RFC 5646 tag); None when it is not one."""
    return value if isinstance(value, str) and len(value) == 2 and value.isascii() and value.islower() else None


def _is_code(value: str) -> bool:
    """An ISO 3166-1 alpha-2 code brief knows (an invalid brief may hold anything)."""
    from brief.base.names import country_name

    return len(value) == 2 and value.isascii() and value.isupper() and country_name(value) is not None


def brief_objects(brief: Obj) -> Iterator[Obj]:
    """The STIX objects of one normalised brief, the report last (it refers to all the others)."""
    return _Brief(brief).objects()


def bundle_id(brief_ids: Iterable[str]) -> str:
    """The bundle's id: a UUIDv5 of the ids of the briefs it holds, in order."""
    return stix_id("bundle", *brief_ids)


def write_stix(briefs: Iterable[Obj], out: TextIO, bundle: str) -> None:
    """One bundle, one object per line, written brief by brief; the extension definition (if any issue was
    written) and the TLP marking definitions used come last. A bundle with no object has no `objects` list."""
    out.write(f'{{"type": "bundle", "id": "{bundle}"')
    written = False
    markings: set[str] = set()
    issues = False

    def write(obj: Obj) -> None:
        nonlocal written
        out.write(",\n" if written else ', "objects": [\n')
        out.write(json_text(obj, indent=None))
        written = True

    for brief in briefs:
        for obj in brief_objects(brief):
            issues = issues or obj["type"] == ISSUE_TYPE
            markings.update(obj.get("object_marking_refs", ()))
            write(obj)
    if issues:
        for obj in vocabulary_objects():
            write(obj)
    for level, marking in TLP_MARKINGS.items():
        if marking in markings:
            write(tlp_marking(level))
    out.write("\n]}\n" if written else "}\n")
