#!/usr/bin/env python3
"""Deterministic generator of realistic, valid briefs for benchmarks and tests.

Every brief follows ``schemas/brief.schema.json`` plus the cross-reference rules
``brief validate`` checks (references resolve, local ids unique, one position per
(actor, issue), ``updated`` >= ``date``, brief ids unique across the corpus).
Themes are Sahel / West Africa security topics. Two corpora:

- ``rich`` (default): briefs shaped like examples/ (sizes and counts drawn from
  bench/data/shape.json, measured by bench/shape.py), about actors, issues, tags and
  nations ranked by a Zipf law (bench/data/rich.json), one name per actor id; dates
  over twenty years; "Wagner" in about 80 % of the files.
- ``small``: 2–5 KB briefs; exactly ``round(count * 0.2)`` briefs (chosen
  deterministically) mention "Wagner", no other brief in any case or accented form.

Word lists are in bench/data/; scales come from brief.base.vocabulary and the schema.

Usage::

    python bench/corpus.py OUT_DIR --count 10000 --seed 1 [--corpus rich|small] [--formats yaml,json,md] [--verify 200]

Importable: ``generate(out_dir, count, seed, formats, corpus=...)`` returns a :class:`CorpusStats`.
Nothing here reads the clock or the network: the same arguments always give the
same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

from brief.base import vocabulary as _vocabulary
from brief.format.schema import load_schema

# Bump when the output changes, so cached corpora are regenerated (bench/run.py).
GENERATOR_VERSION = 1

WAGNER_SHARE = 0.2
DEFAULT_WEIGHTS = {"yaml": 70, "json": 15, "md": 15}
EXTENSIONS = {"yaml": ".yaml", "json": ".json", "md": ".md"}
MIN_BYTES, MAX_BYTES = 2000, 5000

# ---------------------------------------------------------------------------
# Word lists: bench/data/vocabulary.json (actors, themes, prose pools in English and French).
# Scales: brief's own vocabulary (brief.base.vocabulary) and schema, never a copy.
# ---------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"
VOCABULARY_PATH = DATA_DIR / "vocabulary.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "brief.schema.json"


def _schema_enum(*where: str) -> tuple:
    """An enum of brief's schema that brief.base.vocabulary does not declare (relation kinds, position basis)."""
    node = load_schema()["$defs"]
    for key in where:
        node = node[key]
    return tuple(node["enum"])


STANCES = list(_vocabulary.STANCES)
CONFIDENCE = list(_vocabulary.CONFIDENCE_LEVELS)
LIKELIHOODS = list(_vocabulary.LIKELIHOOD)
TRENDS = list(_vocabulary.TRENDS)
RELIABILITY = "".join(_vocabulary.RELIABILITY)
CREDIBILITY = list(_vocabulary.CREDIBILITY)
RELATION_KINDS = list(_schema_enum("relation", "properties", "kind"))
BASES = list(_schema_enum("position", "properties", "basis"))

_V = json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))


@dataclass
class Theme:
    key: str
    dates: tuple  # (first, last) plausible publication date
    regions: list
    nations: list
    domains: list
    core: list
    optional: list
    issues: list  # [id, en, fr]
    titles: list  # [en, fr] templates
    context: list  # [en, fr] sentences
    figures: list  # [label en, label fr, lo, hi, unit, status]
    tags: list
    wagner: bool = False


def _theme(t: dict, wagner: bool) -> Theme:
    t = dict(t)
    t["dates"] = tuple(date.fromisoformat(x) for x in t["dates"])
    return Theme(**t, wagner=wagner)


# Actors: id, name, kind, country, aliases, description, affiliations
# (affiliations: [actor id, role, status]; kept only if the target is in the brief)
A = {
    a["id"]: {
        "id": a["id"],
        "name": a["name"],
        "kind": a["kind"],
        "country": a.get("country"),
        "aliases": list(a.get("aliases", ())),
        "description": a.get("description"),
        "aff": [tuple(x) for x in a.get("affiliations", ())],
    }
    for a in _V["actors"]
}
WAGNER_ONLY = set(_V["wagner_only"])  # actors used only in Wagner briefs
THEMES = [_theme(t, False) for t in _V["themes"]]
WAGNER_THEMES = [_theme(t, True) for t in _V["wagner_themes"]]
WAGNER_ISSUE = tuple(_V["wagner_issue"])  # injected into an ordinary theme to make a Wagner brief
WAGNER_SENTENCES = _V["wagner_sentences"]
WAGNER_TITLE_SUFFIX = tuple(_V["wagner_title_suffix"])
# Prose pools ([English, French]): {a} {b} actor names, {place}, {n}, {month}, {pub}
PLACES = _V["places"]
MONTHS_EN = [en for en, _ in _V["months"]]
MONTHS_FR = [fr for _, fr in _V["months"]]
SENTENCES = _V["sentences"]
KEY_JUDGMENTS = _V["key_judgments"]
RATIONALES = _V["rationales"]
FACTORS = _V["factors"]
CHANGES = _V["changes"]
PUBLISHERS = _V["publishers"]  # [name, host or null, usual reliability]
SOURCE_TITLES = _V["source_titles"]
AUTHORS = _V["authors"]
BODY_HEADINGS = _V["body_headings"]
QUOTES = _V["quotes"]
DESKS = _V["desks"]

_WAGNER_RE = re.compile("wagner")


def _fold(text: str) -> str:
    """Lower-case and strip accents (what a forgiving search would match on); drops other non-ASCII."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")


def _pool_text(obj) -> str:
    def default(o):
        if isinstance(o, date):
            return o.isoformat()
        return [v for k, v in vars(o).items() if k != "wagner"]

    return json.dumps(obj, ensure_ascii=False, default=default)


# Sanity: the non-Wagner pools never mention Wagner (an edit of the data file must not break the Wagner share).
if _WAGNER_RE.search(
    _fold(
        _pool_text(
            [
                THEMES,
                SENTENCES,
                KEY_JUDGMENTS,
                RATIONALES,
                FACTORS,
                CHANGES,
                PUBLISHERS,
                SOURCE_TITLES,
                AUTHORS,
                PLACES,
                BODY_HEADINGS,
                QUOTES,
                DESKS,
                _V["months"],
                [a for k, a in A.items() if k not in WAGNER_ONLY],
            ]
        )
    )
):
    raise ValueError(f"{VOCABULARY_PATH}: a list outside the Wagner-only ones mentions Wagner")


# ---------------------------------------------------------------------------
# Brief construction
# ---------------------------------------------------------------------------


def _fmt(template: str, ctx: dict) -> str:
    return template.format(**ctx)


def _build(i: int, seed: int, wagner: bool) -> dict:
    rng = Random(f"brief:{seed}:{i}")
    lang = "fr" if rng.random() < 0.15 else "en"
    li = 1 if lang == "fr" else 0
    months = MONTHS_FR if lang == "fr" else MONTHS_EN

    if wagner and rng.random() < 0.5:
        theme = rng.choice(WAGNER_THEMES)
        inject = False
    else:
        theme = rng.choice(THEMES)
        inject = wagner

    lo, hi = theme.dates
    d = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
    month = f"{months[d.month - 1]} {d.year}"

    # Actors
    ids = list(theme.core)
    opt = [a for a in theme.optional if a not in ids]
    ids += rng.sample(opt, min(len(opt), rng.randint(1, 3)))
    if inject:
        ids.append("wagner")
        if rng.random() < 0.3:
            ids.append("prigozhin")
    present = set(ids)
    actors = []
    for aid in ids:
        src = A[aid]
        act = {"id": aid, "name": src["name"], "kind": src["kind"]}
        if src["country"]:
            act["country"] = src["country"]
        if src["aliases"] and rng.random() < 0.7:
            act["aliases"] = list(src["aliases"])
        if src["description"] and rng.random() < 0.6:
            act["description"] = src["description"]
        affs = []
        for target, role, status in src["aff"]:
            if target in present:
                aff = {"actor": target, "role": role}
                if rng.random() < 0.8:
                    aff["status"] = status
                affs.append(aff)
        if affs:
            act["affiliations"] = affs
        actors.append(act)

    # Sources
    pubs = rng.sample(PUBLISHERS, rng.randint(2, 4))
    sources = []
    for k, (pub, host, rel) in enumerate(pubs, 1):
        sd = d - timedelta(days=rng.randrange(1, 60))
        smonth = f"{months[sd.month - 1]} {sd.year}"
        src = {
            "id": f"s{k}",
            "title": _fmt(rng.choice(SOURCE_TITLES)[li], {"place": rng.choice(PLACES), "month": smonth}),
            "publisher": pub,
        }
        if host:
            slug = f"{sd.year}{sd.month:02d}{sd.day:02d}-{theme.key}-{rng.randrange(1000, 99999)}"
            src["url"] = f"https://{host}/{'fr' if li else 'en'}/{slug}"
        src["date"] = sd
        src["reliability"] = rel if rng.random() < 0.8 else rng.choice(RELIABILITY)
        src["credibility"] = rng.choice(CREDIBILITY)
        sources.append(src)
    sids = [s["id"] for s in sources]

    def pick_sources():
        return sorted(rng.sample(sids, rng.randint(1, min(2, len(sids)))))

    names = [a["name"] for a in actors]

    def ctx():
        a, b = rng.sample(names, 2)
        return {
            "a": a,
            "b": b,
            "place": rng.choice(PLACES),
            "n": rng.randint(3, 240),
            "month": month,
            "pub": rng.choice(pubs)[0],
        }

    # Issues
    pool = list(theme.issues)
    issues_src = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
    if inject and all(x[0] != WAGNER_ISSUE[0] for x in issues_src):
        issues_src[-1] = WAGNER_ISSUE
    issues = [{"id": iid, "statement": (en, fr)[li]} for iid, en, fr in issues_src]

    # Positions: distinct (actor, issue) pairs
    pairs = [
        (a["id"], iss["id"]) for a in actors if a["kind"] not in ("person",) or rng.random() < 0.5 for iss in issues
    ]
    rng.shuffle(pairs)
    positions = []
    for aid, iid in pairs[: rng.randint(2, 5)]:
        pos = {"actor": aid, "issue": iid, "stance": rng.choice(STANCES)}
        if rng.random() < 0.8:
            pos["basis"] = rng.choice(BASES)
        pos["confidence"] = rng.choice(CONFIDENCE)
        if rng.random() < 0.7:
            pos["salience"] = rng.randrange(10, 101, 5)
            pos["power"] = rng.randrange(5, 101, 5)
        if rng.random() < 0.6:
            pos["rationale"] = [r[li] for r in rng.sample(RATIONALES, rng.randint(1, 2))]
        if rng.random() < 0.15:
            pos["change"] = _fmt(rng.choice(CHANGES)[li], {"month": month})
        if rng.random() < 0.6:
            pos["sources"] = pick_sources()
        if rng.random() < 0.4:
            pos["as_of"] = d - timedelta(days=rng.randrange(0, 20))
        positions.append(pos)
    positions.sort(key=lambda p: (p["issue"], p["actor"]))

    # Relations: distinct unordered pairs
    relations = []
    seen = set()
    for _ in range(rng.randint(1, 3)):
        x, y = rng.sample([a["id"] for a in actors], 2)
        if frozenset((x, y)) in seen:
            continue
        seen.add(frozenset((x, y)))
        rel = {"actors": [x, y], "kind": rng.choice(RELATION_KINDS)}
        if rng.random() < 0.8:
            rel["trend"] = rng.choice(TRENDS)
        if rng.random() < 0.6:
            rel["factors"] = [f[li] for f in rng.sample(FACTORS, rng.randint(1, 2))]
        if rng.random() < 0.5:
            rel["sources"] = pick_sources()
        if rng.random() < 0.3:
            rel["as_of"] = d
        relations.append(rel)
    if inject and not any("wagner" in r["actors"] for r in relations):
        partner = "fama" if "fama" in present else rng.choice([a for a in ids if a != "wagner"])
        relations.append({"actors": [partner, "wagner"], "kind": "partnership", "trend": "stable"})

    # Key judgments
    kjs = []
    for tpl in rng.sample(KEY_JUDGMENTS, rng.randint(1, 3)):
        kj = {
            "statement": _fmt(tpl[li], ctx()),
            "likelihood": rng.choice(LIKELIHOODS),
            "confidence": rng.choice(CONFIDENCE),
        }
        if rng.random() < 0.5:
            kj["sources"] = pick_sources()
        kjs.append(kj)

    # Figures
    figures = []
    for en, fr, lo, hi, unit, status in rng.sample(theme.figures, rng.randint(1, len(theme.figures))):
        as_float = isinstance(lo, float) or isinstance(hi, float)
        value = round(rng.uniform(lo, hi), 1) if as_float else rng.randint(lo, hi)
        fig = {"label": (en, fr)[li], "value": value, "unit": unit}
        r = rng.random()
        fig["date"] = f"{d.year}" if r < 0.2 else f"{d.year}-{d.month:02d}" if r < 0.6 else d.isoformat()
        fig["status"] = status
        if rng.random() < 0.6:
            fig["sources"] = pick_sources()
        figures.append(fig)

    # Title, summary
    ttl = _fmt(rng.choice(theme.titles)[li], {"month": month})
    if inject and rng.random() < 0.5:
        ttl += WAGNER_TITLE_SUFFIX[li]
    c = ctx()
    summary = " ".join([rng.choice(theme.context)[li], _fmt(rng.choice(SENTENCES)[li], c)])

    # Body: headed sections of sentences, a bullet list, maybe a quote
    paragraphs = []
    ctx_sents = [s[li] for s in theme.context]
    rng.shuffle(ctx_sents)
    for h in rng.sample(BODY_HEADINGS, 3):
        sents = [ctx_sents.pop()] if ctx_sents else []
        sents += [_fmt(s[li], ctx()) for s in rng.sample(SENTENCES, rng.randint(2, 3))]
        paragraphs.append(f"## {h[li]}\n\n" + " ".join(sents))
    if wagner:
        ws = _fmt(rng.choice(WAGNER_SENTENCES)[li], ctx())
        k = rng.randrange(len(paragraphs))
        paragraphs[k] += " " + ws
    bullets = [f"- {_fmt(s[li], ctx())}" for s in rng.sample(SENTENCES, rng.randint(2, 3))]
    paragraphs.append("\n".join(bullets))
    if rng.random() < 0.4:
        q = rng.choice(QUOTES)
        paragraphs.insert(1, f"> {q}")

    nations = list(theme.nations)
    for a in actors:
        if a.get("country") and a["country"] not in nations and a["kind"] in ("state", "government"):
            nations.append(a["country"])

    tags = rng.sample(theme.tags, rng.randint(2, len(theme.tags)))
    if wagner and "wagner" not in tags and rng.random() < 0.5:
        tags.append("wagner")

    brief = {
        "schema_version": "1.0",
        "id": f"{theme.key}-{d.year}-{d.month:02d}-{i:06d}",
        "title": ttl,
        "date": d,
    }
    if rng.random() < 0.4:
        brief["updated"] = d + timedelta(days=rng.randrange(0, 90))
    brief["language"] = lang
    if lang == "en" and rng.random() < 0.06:
        brief["original_language"] = "fr"
    brief["authors"] = rng.sample(AUTHORS, rng.randint(1, 2))
    brief["domains"] = list(theme.domains)
    brief["regions"] = list(theme.regions)
    brief["nations"] = nations
    brief["tags"] = tags
    brief["summary"] = summary
    brief["actors"] = actors
    brief["issues"] = issues
    brief["positions"] = positions
    brief["relations"] = relations
    brief["key_judgments"] = kjs
    brief["figures"] = figures
    brief["sources"] = sources
    if rng.random() < 0.1:
        brief["x-desk"] = rng.choice(DESKS)
    brief["body"] = "\n\n".join(paragraphs) + "\n"
    brief["_sections"] = paragraphs
    brief["_target"] = int(rng.triangular(MIN_BYTES + 150, MAX_BYTES - 100, 3300))
    brief["_rng"] = rng
    return brief


def _referenced_actors(b: dict) -> set:
    refs = {p["actor"] for p in b["positions"]}
    for r in b["relations"]:
        refs.update(r["actors"])
    for a in b["actors"]:
        for aff in a.get("affiliations", ()):
            refs.add(aff["actor"])
    return refs


def _size(obj) -> int:
    return len(json.dumps(obj, ensure_ascii=False, default=str).encode())


def _last_wagner(sections: list, k: int) -> bool:
    """Whether section k is the only one of the body that mentions Wagner (it must stay)."""
    return "Wagner" in sections[k] and sum("Wagner" in x for x in sections) == 1


def _shrink(b: dict, wagner: bool) -> int:
    """Remove one optional element; return its approximate size in bytes (0: nothing more can go)."""
    body = b["_sections"]
    if len(b["positions"]) > 2:
        return _size(b["positions"].pop())
    if len(b["figures"]) > 1:
        return _size(b["figures"].pop())
    if len(b["key_judgments"]) > 1:
        return _size(b["key_judgments"].pop())
    if len(b["relations"]) > 1:
        return _size(b["relations"].pop())
    if len(body) > 3:
        # drop a section that does not carry the Wagner mention
        for k in range(len(body) - 1, -1, -1):
            if not body[k].startswith("## ") or _last_wagner(body, k):
                continue
            n = len(body[k].encode()) + 2
            del body[k]
            b["body"] = "\n\n".join(body) + "\n"
            return n
    for a in b["actors"]:
        if len(a.get("aliases", ())) > 1:
            return _size(a["aliases"].pop())
    refs = _referenced_actors(b)
    for k in range(len(b["actors"]) - 1, -1, -1):
        a = b["actors"][k]
        if a["id"] not in refs and len(b["actors"]) > 3 and not (wagner and a["id"] == "wagner"):
            return _size(b["actors"].pop(k))
    for a in b["actors"]:
        if "description" in a:
            return _size(a.pop("description"))
    for p in b["positions"]:
        if "rationale" in p:
            return _size(p.pop("rationale"))
    for r in b["relations"]:
        if "factors" in r:
            return _size(r.pop("factors"))
    used = {
        s
        for sec in ("positions", "relations", "key_judgments", "figures")
        for x in b[sec]
        for s in x.get("sources", ())
    }
    for k in range(len(b["sources"]) - 1, 0, -1):
        if b["sources"][k]["id"] not in used:
            return _size(b["sources"].pop(k))
    if len(body) > 2:
        # then quotes, lists and sections, down to two blocks
        order = sorted(range(len(body)), key=lambda k: (not body[k].startswith("> "), not body[k].startswith("- "), -k))
        for k in order:
            if _last_wagner(body, k):
                continue
            n = len(body[k].encode()) + 2
            del body[k]
            b["body"] = "\n\n".join(body) + "\n"
            return n
    for p in b["positions"]:
        for key in ("as_of", "salience", "power", "basis"):
            if key in p:
                return _size(p.pop(key)) + len(key) + 4
    # last resort: thinner actors, fewer positions (frees actors for removal above)
    for a in b["actors"]:
        if "aliases" in a:
            return _size(a.pop("aliases")) + 10
        if "affiliations" in a:
            return _size(a.pop("affiliations")) + 15
    if len(b["positions"]) > 1:
        return _size(b["positions"].pop())
    return 0


def _grow(b: dict) -> int:
    rng = b["_rng"]
    li = 1 if b["language"] == "fr" else 0
    names = [a["name"] for a in b["actors"]]
    a, bb = rng.sample(names, 2)
    c = {
        "a": a,
        "b": bb,
        "place": rng.choice(PLACES),
        "n": rng.randint(3, 240),
        "month": str(b["date"].year),
        "pub": b["sources"][0]["publisher"],
    }
    b["_sections"].append(" ".join(_fmt(s[li], c) for s in rng.sample(SENTENCES, 3)))
    b["body"] = "\n\n".join(b["_sections"]) + "\n"
    return len(b["_sections"][-1].encode()) + 2


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][^:#\[\]{},\"'\n\t\\|>&*!%@`]*$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_ID_RE = re.compile(r"^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$")


_SCALARS: dict = {}


def _scalar(v) -> str:
    if type(v) is str:
        r = _SCALARS.get(v)
        if r is None:
            r = _str_scalar(v)
            if len(_SCALARS) < 200_000:
                _SCALARS[v] = r
        return r
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, date):
        return v.isoformat()  # unquoted: a YAML timestamp, read back as a string by brief
    return _str_scalar(str(v))


def _str_scalar(s: str) -> str:
    if _PLAIN_RE.match(s) and s == s.strip() and s.lower() not in _RESERVED and "  " not in s:
        return s
    return json.dumps(s, ensure_ascii=False)


def _flow(items) -> str:
    if all(isinstance(x, str) and _ID_RE.match(x) and x.lower() not in _RESERVED for x in items):
        return "[" + ", ".join(items) + "]"
    return None


def _yaml_lines(obj, indent: int, out: list) -> None:
    pad = " " * indent
    for k, v in obj.items():
        if isinstance(v, dict):
            out.append(f"{pad}{k}:")
            _yaml_lines(v, indent + 2, out)
        elif isinstance(v, list):
            fl = _flow(v) if k in ("tags", "nations", "sources", "actors", "domains", "regions") else None
            if fl is not None and all(isinstance(x, str) for x in v):
                out.append(f"{pad}{k}: {fl}")
                continue
            out.append(f"{pad}{k}:")
            for item in v:
                if isinstance(item, dict):
                    sub: list = []
                    _yaml_lines(item, indent + 4, sub)
                    first = sub[0][indent + 4 :]
                    out.append(f"{pad}  - {first}")
                    out.extend(sub[1:])
                else:
                    out.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{pad}{k}: |")
            for line in v.rstrip("\n").split("\n"):
                out.append(f"{pad}  {line}" if line else "")
        else:
            out.append(f"{pad}{k}: {_scalar(v)}")


def _public(b: dict) -> dict:
    return {k: v for k, v in b.items() if not k.startswith("_")}


def to_yaml(b: dict, *, with_body: bool = True) -> str:
    d = _public(b)
    if not with_body:
        d.pop("body", None)
    out: list = []
    _yaml_lines(d, 0, out)
    return "\n".join(out) + "\n"


def _jsonable(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def render(b: dict, fmt: str) -> str:
    if fmt == "yaml":
        return to_yaml(b)
    if fmt == "json":
        return json.dumps(_jsonable(_public(b)), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return "---\n" + to_yaml(b, with_body=False) + "---\n\n" + b["body"]
    raise ValueError(f"unknown format {fmt!r}")


def make_brief(i: int, seed: int, wagner: bool, fmt: str) -> tuple[dict, str]:
    """Build brief number ``i`` and render it in ``fmt``, sized within 2–5 KB."""
    b = _build(i, seed, wagner)
    target = min(b["_target"], MAX_BYTES)
    # Rendering is the costly part: shrink/grow on estimates, then re-render to check.
    text = render(b, fmt)
    for _ in range(10):
        size = len(text.encode())
        if size > target + 200:
            est = size
            while est > target:
                removed = _shrink(b, wagner)
                if not removed:
                    break
                est -= removed
            if est == size:  # nothing left to remove
                break
        elif size < MIN_BYTES:
            est = size
            while est < max(target - 200, MIN_BYTES + 100):
                est += _grow(b)
        else:
            break
        text = render(b, fmt)
    return b, text


# ---------------------------------------------------------------------------
# The rich corpus: briefs shaped like examples/, about actors and issues that recur with a Zipf-like frequency
# ---------------------------------------------------------------------------

RICH_PATH = DATA_DIR / "rich.json"
SHAPE_PATH = DATA_DIR / "shape.json"  # measured from examples/ by bench/shape.py --write-profile
CORPORA = ("rich", "small")

# Zipf ranking, kind -> (exponent s, number of ranked items N): the item of rank r is drawn with probability
# proportional to 1 / r**s. Actors and issues: a curated head (bench/data/rich.json, rank 1 first) and a tail
# made up once per seed; the other kinds are the ranked lists of rich.json (N: their length).
ZIPF = {
    "actors": (1.0, 20_000),
    "issues": (1.3, 3_000),
    "tags": (1.0, None),
    "nations": (1.2, None),
    "regions": (2.0, None),
    "domains": (1.3, None),
    "publishers": (1.0, None),
}
RICH_START, RICH_END = date(2006, 1, 1), date(2025, 12, 31)  # twenty years, uniformly
RICH_FRENCH = 0.10  # share of briefs written in French (examples/ has none; its original_language says 1 in 10)
WAGNER_CONTEXT = 0.5  # a brief without Wagner among its actors names it in its body with this probability
WAGNER_TAG = (0.85, 0.5)  # probability of the tag `wagner`: Wagner among the actors, Wagner only in the body


def slug(text: str) -> str:
    """'Fada N’Gourma' -> 'fada-ngourma': an id or tag (the schema's pattern)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "")).strip("-")


def _lc(text: str) -> str:
    """An issue statement inside a sentence: first letter lower-cased unless it starts an acronym or a name."""
    lower = len(text) > 1 and text[0].isupper() and (text[1].islower() or text[1] == " ")
    return text[0].lower() + text[1:] if lower else text


class _Zipf:
    """Items in rank order, drawn with weight 1/rank**s (bisect on cumulative weights)."""

    def __init__(self, items: list, s: float) -> None:
        self.items = items
        total, cum = 0.0, []
        for rank in range(1, len(items) + 1):
            total += rank**-s
            cum.append(total)
        self.cum, self.total = cum, total

    def draw(self, rng: Random):
        return self.items[min(bisect.bisect(self.cum, rng.random() * self.total), len(self.items) - 1)]

    def distinct(self, rng: Random, k: int, exclude=()) -> list:
        k = min(k, len(self.items) - len(set(exclude)))
        out, seen = [], set(exclude)
        while len(out) < k:
            item = self.draw(rng)
            key = item["id"] if isinstance(item, dict) else item if isinstance(item, str) else item[0]
            if key not in seen:
                seen.add(key)
                out.append(item)
        return out


@dataclass
class Universe:
    """Everything a rich corpus of one seed draws from; an actor id has one name, alias list and description."""

    actors: list  # in rank order
    by_id: dict
    rank: dict  # actor id -> rank (0: the most frequent)
    issues: list
    zipf: dict
    places: list
    profiles: list
    ranges: dict
    field_rates: dict
    list_lengths: dict
    pools: dict


def _rich_data() -> tuple[dict, dict]:
    return (
        json.loads(RICH_PATH.read_text(encoding="utf-8")),
        json.loads(SHAPE_PATH.read_text(encoding="utf-8")),
    )


def _tail_actors(rng: Random, data: dict, places: list, n: int, taken: set) -> list:
    """People, armed groups, companies, local authorities… each with a fixed name, aliases, description."""
    kinds = data["tail_kinds"]
    weights = [w for _, w, _ in kinds]
    first, last = data["first_names"], data["surnames"]
    words = data["party_words"]
    out: list = []
    orgs: list = []  # non-person actors so far, for affiliations
    while len(out) < n:
        kind, _, template = rng.choices(kinds, weights)[0]
        place, country = rng.choice(places)
        if kind == "person":
            given = rng.choice(first) if rng.random() < 0.6 else f"{rng.choice(first)} {rng.choice(first)}"
            name = template.format(first=given, last=rng.choice(last))
        else:
            w, v = rng.sample(words, 2)
            name = template.format(p=place, s=rng.choice(last), w=w, v=v)
        aid = slug(name)
        if aid in taken:
            continue
        taken.add(aid)
        actor = {"id": aid, "name": name, "kind": kind, "affiliations": []}
        if kind not in ("international-organisation", "coalition"):
            actor["country"] = country
        if rng.random() < data["alias_rate"]:
            folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
            if kind == "person":
                alias = folded if folded != name else f"{rng.choice(data['person_titles'])} {name.split()[-1]}"
            else:
                alias = "".join(w[0] for w in folded.replace("’", " ").split() if w[0].isupper())
                alias = alias if len(alias) >= 2 else folded.upper()
            if alias != name:
                actor["aliases"] = [alias]
        role = rng.choice(data["roles"])
        org = rng.choice(orgs) if orgs and kind == "person" else None
        descr = rng.choice(data["tail_descriptions"][kind])
        actor["description"] = descr.format(
            p=place, role=role, role_lc=role.lower(), org=org["name"] if org else f"authorities of {place}"
        )
        if org is not None and rng.random() < 0.7:
            actor["affiliations"] = [(org["id"], role, rng.choice(("confirmed", "confirmed", "alleged", "former")))]
        if kind != "person":
            orgs.append(actor)
        out.append(actor)
    return out


def _tail_issues(rng: Random, data: dict, places: list, n: int, taken: set) -> list:
    out: list = []
    templates = data["tail_issues"]
    while len(out) < n:
        key, en, fr = rng.choice(templates)
        (p, _), (q, _) = rng.sample(places, 2)
        iid = slug(key.format(p=p, q=q))
        if iid in taken or len(iid) > 60:
            continue
        taken.add(iid)
        out.append({"id": iid, "statement": [en.format(p=p, q=q), fr.format(p=p, q=q)], "stakeholders": []})
    return out


_UNIVERSES: dict = {}


def universe(seed: int) -> Universe:
    """The actors, issues and ranked lists of the rich corpus of ``seed`` (made once per process and seed)."""
    if seed in _UNIVERSES:
        return _UNIVERSES[seed]
    data, shape = _rich_data()
    rng = Random(f"universe:{seed}")
    places = [tuple(p) for p in data["places"]]
    data["alias_rate"] = shape["field_rates"]["actors.aliases"]
    head = []
    for a in data["actors"]:
        actor = dict(a)
        actor["affiliations"] = [(f["actor"], f.get("role"), f.get("status")) for f in a.get("affiliations", ())]
        head.append(actor)
    taken = {a["id"] for a in head} | {x["id"] for x in data["issues"]}
    n_actors, n_issues = ZIPF["actors"][1], ZIPF["issues"][1]
    actors = head + _tail_actors(rng, data, places, n_actors - len(head), taken)
    issues = [dict(x) for x in data["issues"]]
    issues += _tail_issues(rng, data, places, n_issues - len(issues), taken)
    by_id = {a["id"]: a for a in actors}
    rank = {a["id"]: r for r, a in enumerate(actors)}
    zipf = {"actors": _Zipf(actors, ZIPF["actors"][0]), "issues": _Zipf(issues, ZIPF["issues"][0])}
    # a local issue's stakeholders: two or three actors, the same in every brief that takes it up
    for issue in issues:
        if not issue["stakeholders"]:
            issue["stakeholders"] = [a["id"] for a in zipf["actors"].distinct(rng, rng.randint(2, 3))]
    publishers = [tuple(p) for p in PUBLISHERS + data["more_publishers"]]
    tags = data["tags"] + [t for t in dict.fromkeys(slug(p) for p, _ in places) if t not in data["tags"]]
    for kind, items in (
        ("tags", tags),
        ("nations", data["nations"]),
        ("regions", data["regions"]),
        ("domains", data["domains"]),
        ("publishers", publishers),
    ):
        zipf[kind] = _Zipf(items, ZIPF[kind][0])
    profiles = shape["briefs"]
    ranges = {k: (min(p[k] for p in profiles), max(p[k] for p in profiles)) for k in profiles[0] if k != "file"}
    pools = {
        k: data[k]
        for k in (
            "titles",
            "summary_sentences",
            "body_sentences",
            "body_bullets",
            "body_headings",
            "rationales",
            "factors",
            "key_judgments",
            "changes",
            "figures",
            "source_titles",
            "issue_descriptions",
            "wagner_sentences",
        )
    }
    pools["body_sentences"] = pools["body_sentences"] + SENTENCES
    pools["source_titles"] = pools["source_titles"] + SOURCE_TITLES
    _check_universe(actors, issues, data)
    u = Universe(
        actors=actors,
        by_id=by_id,
        rank=rank,
        issues=issues,
        zipf=zipf,
        places=places,
        profiles=profiles,
        ranges=ranges,
        field_rates=shape["field_rates"],
        list_lengths=shape["list_lengths"],
        pools=pools,
    )
    _UNIVERSES[seed] = u
    return u


def _check_universe(actors: list, issues: list, data: dict) -> None:
    """The data file against brief's schema: ids, countries, kinds, enums; references between actors resolve."""
    defs = load_schema()["$defs"]
    countries = set(defs["country"]["enum"])
    kinds = set(_vocabulary.ACTOR_KINDS)
    ids = {a["id"] for a in actors}
    id_re = re.compile(defs["id"]["pattern"])
    for a in actors:
        bad = (
            not id_re.match(a["id"])
            or a["kind"] not in kinds
            or a.get("country", "ML") not in countries
            or any(t not in ids or t == a["id"] for t, _, _ in a["affiliations"])
        )
        if bad:
            raise ValueError(f"{RICH_PATH}: actor {a['id']!r} does not fit the schema or names an unknown actor")
    for x in issues:
        if not id_re.match(x["id"]) or any(s not in ids for s in x["stakeholders"]):
            raise ValueError(f"{RICH_PATH}: issue {x['id']!r} has a bad id or an unknown stakeholder")
    schema = load_schema()["properties"]
    for key, enum in (("regions", schema["regions"]), ("domains", schema["domains"])):
        if not set(data[key]) <= set(enum["items"]["enum"]):
            raise ValueError(f"{RICH_PATH}: {key} outside the schema's list")
    if not set(data["nations"]) <= countries or any(c not in countries for _, c in data["places"]):
        raise ValueError(f"{RICH_PATH}: a nation or a place's country is not an ISO code of the schema")


def _count(u: Universe, rng: Random, prof: dict, key: str, spread: int = 1) -> int:
    """A count of the measured brief ``prof``, moved by up to ``spread`` and kept in the measured range."""
    lo, hi = u.ranges[key]
    return max(lo, min(hi, prof[key] + rng.randint(-spread, spread)))


def _build_rich(i: int, seed: int) -> dict:
    u = universe(seed)
    rng = Random(f"rich:{seed}:{i}")
    rate, lengths, pools = u.field_rates, u.list_lengths, u.pools
    prof = rng.choice(u.profiles)  # one measured brief: its counts go together
    lang = "fr" if rng.random() < RICH_FRENCH else "en"
    li = 1 if lang == "fr" else 0
    months = MONTHS_FR if li else MONTHS_EN
    d = RICH_START + timedelta(days=rng.randrange((RICH_END - RICH_START).days + 1))
    month = f"{months[d.month - 1]} {d.year}"

    def has(field: str) -> bool:
        return rng.random() < rate[field]

    def length(field: str, cap: int) -> int:
        return min(cap, rng.choice(lengths[field]))

    # Issues, then actors: each issue brings some of its stakeholders, Zipf draws fill up, affiliations pull
    # in the organisation a person belongs to.
    issues = u.zipf["issues"].distinct(rng, _count(u, rng, prof, "issues"))
    n_actors = _count(u, rng, prof, "actors")
    ids: list = []
    stake: dict = {}
    for issue in issues:
        # the stakeholders most present in the whole collection are the likeliest to come along (same Zipf law)
        pool = sorted((a for a in issue["stakeholders"] if a not in ids), key=u.rank.__getitem__)
        take = _Zipf(pool, ZIPF["actors"][0]).distinct(rng, min(rng.randint(2, 4), max(n_actors - len(ids) - 2, 0)))
        ids += take
        stake[issue["id"]] = take
    while len(ids) < n_actors:
        actor = u.zipf["actors"].draw(rng)
        if actor["id"] in ids:
            continue
        ids.append(actor["id"])
        for target, _, _ in actor["affiliations"]:
            if target not in ids and len(ids) < n_actors and rng.random() < 0.6:
                ids.append(target)
    present = set(ids)
    actors = []
    for aid in ids:
        src = u.by_id[aid]
        act = {"id": aid, "name": src["name"], "kind": src["kind"]}
        if "country" in src:
            act["country"] = src["country"]
        if src.get("aliases"):
            act["aliases"] = list(src["aliases"])
        # brief does not search actor descriptions: one may name Wagner only beside Wagner itself (see generate)
        if (
            src.get("description")
            and has("actors.description")
            and ("wagner" in present or not _WAGNER_RE.search(_fold(src["description"])))
        ):
            act["description"] = src["description"]
        affs = [{"actor": t, "role": r, "status": s} for t, r, s in src["affiliations"] if t in present]
        if affs:
            act["affiliations"] = [{k: v for k, v in a.items() if v} for a in affs]
        actors.append(act)
    names = {a["id"]: a["name"] for a in actors}
    statements = [x["statement"][li] for x in issues]

    def ctx(prefer: list | None = None, swap: bool = True) -> dict:
        pair = [names[x] for x in (prefer or []) if x in names][:2]
        others = [n for n in names.values() if n not in pair]
        pair += rng.sample(others, 2 - len(pair))
        a, b = pair if not swap or rng.random() < 0.7 else pair[::-1]
        statement = rng.choice(statements)
        day = d - timedelta(days=rng.randrange(0, 40))
        return {
            "a": a,
            "b": b,
            "p": rng.choice(u.places)[0],
            "place": rng.choice(u.places)[0],
            "issue": statement,
            "issue_lc": _lc(statement),
            "month": month,
            "month_name": months[day.month - 1],
            "day": day.day,
            "year": d.year - rng.randrange(0, 3),
            "n": rng.randint(3, 240),
            "pub": u.zipf["publishers"].draw(rng)[0],
        }

    def fill(template: str, prefer: list | None = None, swap: bool = True) -> str:
        return template.format(**ctx(prefer, swap))

    # Sources: Zipf-ranked publishers, ids as in examples/ (publisher-date)
    sources = []
    for pub, host, usual in u.zipf["publishers"].distinct(rng, _count(u, rng, prof, "sources")):
        sd = d - timedelta(days=rng.randrange(0, 45))
        sid = f"{slug(pub)}-{sd.isoformat()}"
        src = {"id": sid, "title": fill(rng.choice(pools["source_titles"])[li]), "publisher": pub}
        if host and has("sources.url"):
            src["url"] = f"https://{host}/{'fr' if li else 'en'}/{sd.year}/{sd.month:02d}/{slug(src['title'])[:60]}"
        src["date"] = sd
        src["reliability"] = usual if rng.random() < 0.8 else rng.choice(RELIABILITY)
        src["credibility"] = rng.choice(CREDIBILITY)
        sources.append(src)
    sids = [s["id"] for s in sources]

    def cite(field: str) -> list:
        return sorted(rng.sample(sids, length(field, len(sids))))

    # Positions: a stakeholder on its issue first, then any actor on any issue; one per (actor, issue)
    pairs = [(a, iid) for iid, take in stake.items() for a in take]
    rng.shuffle(pairs)
    rest = [(a, x["id"]) for a in ids for x in issues if (a, x["id"]) not in set(pairs)]
    rng.shuffle(rest)
    positions = []
    for aid, iid in (pairs + rest)[: _count(u, rng, prof, "positions", 2)]:
        pos = {"actor": aid, "issue": iid, "stance": rng.choice(STANCES)}
        if has("positions.basis"):
            pos["basis"] = rng.choice(BASES)
        if has("positions.confidence"):
            pos["confidence"] = rng.choice(CONFIDENCE)
        if has("positions.salience"):
            pos["salience"] = rng.randrange(10, 101, 5)
            pos["power"] = rng.randrange(5, 101, 5)
        if has("positions.rationale"):
            k = length("positions.rationale", 4)
            pos["rationale"] = [fill(r[li], [aid], swap=False) for r in rng.sample(pools["rationales"], k)]
        if has("positions.change"):
            pos["change"] = fill(rng.choice(pools["changes"])[li])
        if has("positions.sources"):
            pos["sources"] = cite("positions.sources")
        if has("positions.as_of"):
            pos["as_of"] = d - timedelta(days=rng.randrange(0, 20))
        positions.append(pos)

    # Relations: distinct unordered pairs of actors
    relations = []
    seen = set()
    n_relations = _count(u, rng, prof, "relations")
    while len(relations) < n_relations:
        x, y = rng.sample(ids[: max(4, len(ids) * 2 // 3)], 2) if rng.random() < 0.7 else rng.sample(ids, 2)
        if frozenset((x, y)) in seen:
            continue
        seen.add(frozenset((x, y)))
        rel = {"actors": [x, y], "kind": rng.choice(RELATION_KINDS)}
        if has("relations.trend"):
            rel["trend"] = rng.choice(TRENDS)
        if has("relations.factors"):
            k = length("relations.factors", 4)
            rel["factors"] = [fill(f[li], [x, y]) for f in rng.sample(pools["factors"], k)]
        if has("relations.sources"):
            rel["sources"] = cite("relations.sources")
        if has("relations.as_of"):
            rel["as_of"] = d
        relations.append(rel)

    kjs = []
    for tpl in rng.sample(pools["key_judgments"], _count(u, rng, prof, "key_judgments")):
        kj = {
            "statement": fill(tpl[li], ids[:3]),
            "likelihood": rng.choice(LIKELIHOODS),
            "confidence": rng.choice(CONFIDENCE),
        }
        if has("key_judgments.sources"):
            kj["sources"] = cite("key_judgments.sources")
        kjs.append(kj)

    figures = []
    for en, fr, lo, hi, unit, status in rng.sample(pools["figures"], _count(u, rng, prof, "figures")):
        value = round(rng.uniform(lo, hi), 1) if isinstance(lo, float) else rng.randint(lo, hi)
        fig = {"label": fill((en, fr)[li]), "value": value, "unit": unit}
        r = rng.random()
        fig["date"] = f"{d.year}" if r < 0.3 else f"{d.year}-{d.month:02d}" if r < 0.6 else d.isoformat()
        fig["status"] = status
        if has("figures.sources"):
            fig["sources"] = cite("figures.sources")
        figures.append(fig)

    # Text: title, a summary and a body of the measured lengths (words)
    lead = ids[:2]
    title = fill(rng.choice(pools["titles"])[li], lead)
    summary_words = _count(u, rng, prof, "summary_words", 8)
    sentences: list = []
    words = 0
    for template in rng.sample(pools["summary_sentences"], len(pools["summary_sentences"])):
        sentence = fill(template[li], lead)
        n = len(sentence.split())
        if sentences and abs(words + n - summary_words) >= abs(words - summary_words):
            break  # the sentence would take the summary further from its length
        sentences.append(sentence)
        words += n
    lo, hi = u.ranges["body_words"]
    body_words = max(lo, min(hi, round(prof["body_words"] * rng.uniform(0.8, 1.2))))
    headings = rng.random() < 0.3
    heading_pool = rng.sample(pools["body_headings"], len(pools["body_headings"]))
    blocks: list = []
    words = 0
    bullets_at = rng.randrange(1, 4) if rng.random() < 0.6 else -1
    while words < body_words:
        if headings and heading_pool and len(blocks) % 2 == 0:
            blocks.append("## " + fill(heading_pool.pop()[li]))
        if len(blocks) == bullets_at:
            items = ["- " + fill(x[li], lead) for x in rng.sample(pools["body_bullets"], rng.randint(2, 4))]
        else:
            items = [fill(x[li], lead) for x in rng.sample(pools["body_sentences"], rng.randint(2, 4))]
        kept: list = []
        for item in items:  # stop at the sentence that comes closest to the length
            n = len(item.split())
            if (kept or blocks) and abs(words + n - body_words) >= abs(words - body_words):
                break
            kept.append(item)
            words += n
        if not kept:
            break
        blocks.append(("\n" if kept[0].startswith("- ") else " ").join(kept))
    if blocks and blocks[-1].startswith("## "):
        blocks.pop()
    context = "wagner" not in present and rng.random() < WAGNER_CONTEXT
    if context:
        prose = [k for k, block in enumerate(blocks) if not block.startswith(("## ", "- "))]
        k = rng.choice(prose)
        blocks[k] += " " + fill(rng.choice(pools["wagner_sentences"])[li], lead)

    # Tags, nations, regions, domains
    tag_wagner = WAGNER_TAG[0] if "wagner" in present else WAGNER_TAG[1] if context else 0.0
    tags = ["wagner"] if rng.random() < tag_wagner else []
    tags += u.zipf["tags"].distinct(rng, _count(u, rng, prof, "tags") - len(tags), tags)
    nations = []
    for a in actors:
        if a.get("country") and a["kind"] in ("state", "government") and a["country"] not in nations:
            nations.append(a["country"])
    n_nations = _count(u, rng, prof, "nations")
    nations = nations[:n_nations]
    nations += u.zipf["nations"].distinct(rng, n_nations - len(nations), nations)

    brief = {
        "schema_version": "1.0",
        "id": f"{issues[0]['id']}-{d.year}-{d.month:02d}-{i:06d}",
        "title": title,
        "date": d,
    }
    if has("updated"):
        brief["updated"] = d + timedelta(days=rng.randrange(1, 120))
    brief["language"] = lang
    if lang == "en" and has("original_language"):
        brief["original_language"] = "fr"
    brief["domains"] = u.zipf["domains"].distinct(rng, _count(u, rng, prof, "domains"))
    brief["regions"] = u.zipf["regions"].distinct(rng, _count(u, rng, prof, "regions"))
    brief["nations"] = nations
    brief["tags"] = tags
    brief["summary"] = " ".join(sentences)
    brief["actors"] = actors
    brief["issues"] = []
    for x in issues:
        issue = {"id": x["id"], "statement": x["statement"][li]}
        if has("issues.description"):
            issue["description"] = x.get("description") if x.get("description") and not li else None
            issue["description"] = issue["description"] or fill(rng.choice(pools["issue_descriptions"])[li])
        brief["issues"].append(issue)
    brief["positions"] = positions
    brief["relations"] = relations
    brief["key_judgments"] = kjs
    brief["figures"] = figures
    brief["sources"] = sources
    brief["body"] = "\n\n".join(blocks) + "\n"

    def more() -> None:  # one more paragraph, for a brief that comes out below the measured sizes
        blocks.append(" ".join(fill(x[li], lead) for x in rng.sample(pools["body_sentences"], 3)))
        brief["body"] = "\n\n".join(blocks) + "\n"

    brief["_more"] = more
    return brief


def searchable_text(b: dict) -> str:
    """The fields `brief search` looks in (brief/collection/rows.py): not ids, urls or dates."""
    parts = [b.get("title", ""), b.get("summary", ""), b.get("body", ""), *b.get("tags", ()), *b.get("authors", ())]
    for a in b.get("actors", ()):
        parts += [a["name"], *a.get("aliases", ())]
    for x in b.get("issues", ()):
        parts += [x["statement"], x.get("description") or ""]
    for p in b.get("positions", ()):
        parts += [*p.get("rationale", ()), p.get("change") or ""]
    for s in b.get("sources", ()):
        parts += [s["title"], s.get("publisher") or ""]
    for r in b.get("relations", ()):
        parts += r.get("factors", [])
    parts += [f["label"] for f in b.get("figures", ())]
    parts += [k["statement"] for k in b.get("key_judgments", ())]
    return "\n".join(parts)


def render_rich_json(b: dict) -> str:
    """JSON laid out like examples/: one actor, issue, position… a line."""

    def one(value) -> str:
        return json.dumps(_jsonable(value), ensure_ascii=False)

    parts = []
    for key, value in _public(b).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            inner = ",\n".join(f"    {one(x)}" for x in value)
            parts.append(f'  "{key}": [\n{inner}\n  ]')
        else:
            parts.append(f'  "{key}": {one(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def make_rich_brief(i: int, seed: int, fmt: str) -> tuple[dict, str]:
    """Build rich brief number ``i`` of the corpus of ``seed`` and render it in ``fmt``."""
    b = _build_rich(i, seed)
    text = render_rich_json(b) if fmt == "json" else render(b, fmt)
    floor = universe(seed).ranges["bytes"][0]  # the smallest brief of examples/
    while len(text.encode()) < floor:
        b["_more"]()
        text = render_rich_json(b) if fmt == "json" else render(b, fmt)
    return b, text


# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------


def source_digest() -> str:
    """Digest of the generator, its data files and the brief vocabulary it reads, so that caches of generated
    corpora notice any change to them."""
    digest = hashlib.sha256()
    for path in [Path(__file__), *sorted(DATA_DIR.glob("*.json")), Path(_vocabulary.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def parse_formats(spec: str) -> dict:
    """``"yaml,json"`` (default weights) or ``"yaml=80,json=20"`` -> {fmt: weight}."""
    weights = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, w = part.partition("=")
        name = name.strip().lower()
        if name not in EXTENSIONS:
            raise ValueError(f"unknown format {name!r} (expected one of {', '.join(EXTENSIONS)})")
        weights[name] = float(w) if w else DEFAULT_WEIGHTS[name]
    if not weights or sum(weights.values()) <= 0:
        raise ValueError("no formats selected")
    return weights


def _plan(count: int, seed: int, weights: dict) -> tuple[list, list]:
    rng = Random(f"plan:{seed}")
    # Exact format counts (largest remainder), then shuffled.
    total = sum(weights.values())
    quotas = {f: count * w / total for f, w in weights.items()}
    counts = {f: int(q) for f, q in quotas.items()}
    for f in sorted(quotas, key=lambda f: (-(quotas[f] - counts[f]), f))[: count - sum(counts.values())]:
        counts[f] += 1
    fmts = [f for f in weights for _ in range(counts[f])]
    rng.shuffle(fmts)
    # Exactly round(count * share) Wagner briefs.
    n_wagner = round(count * WAGNER_SHARE)
    wagner = [False] * count
    for k in rng.sample(range(count), n_wagner):
        wagner[k] = True
    return fmts, wagner


@dataclass
class CorpusStats:
    out_dir: Path
    count: int = 0
    total_bytes: int = 0
    min_bytes: int = 0
    max_bytes: int = 0
    formats: dict = field(default_factory=dict)
    wagner: int = 0  # files containing "Wagner" (exact case)
    wagner_folded: int = 0  # files matching "wagner" ignoring case and accents
    files: list = field(default_factory=list)

    @property
    def mean_bytes(self) -> float:
        return self.total_bytes / self.count if self.count else 0.0

    def summary(self) -> str:
        fm = ", ".join(f"{k} {v}" for k, v in sorted(self.formats.items()))
        return (
            f"{self.count} briefs in {self.out_dir} ({fm}); total {self.total_bytes:,} bytes, "
            f"mean {self.mean_bytes:,.0f} B (min {self.min_bytes:,}, max {self.max_bytes:,}); "
            f"Wagner: {self.wagner} ({100 * self.wagner / max(self.count, 1):.1f} %), "
            f"case/accent-insensitive: {self.wagner_folded}"
        )


def generate(
    out_dir, count: int, seed: int = 1, formats="yaml,json,md", *, force: bool = False, corpus: str = "rich"
) -> CorpusStats:
    """Write ``count`` briefs into ``out_dir`` (flat) and return statistics.

    ``corpus`` is ``"rich"`` (briefs shaped like examples/, recurring actors and issues) or ``"small"`` (2–5 KB
    briefs, exactly 20 % mentioning Wagner). ``formats`` is a spec string (see :func:`parse_formats`) or a
    {format: weight} dict. ``out_dir`` must be empty or absent; with ``force``, existing .yaml/.json/.md files
    are removed first.
    """
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r} (expected one of {', '.join(CORPORA)})")
    out = Path(out_dir)
    weights = parse_formats(formats) if isinstance(formats, str) else dict(formats)
    out.mkdir(parents=True, exist_ok=True)
    existing = [p for p in out.iterdir()]
    if existing:
        if not force:
            raise FileExistsError(f"{out} is not empty (use force=True / --force)")
        for p in existing:
            if p.is_file() and p.suffix in EXTENSIONS.values():
                p.unlink()
    fmts, wagner = _plan(count, seed, weights)
    stats = CorpusStats(out_dir=out, min_bytes=sys.maxsize)
    rich = corpus == "rich"
    for i in range(count):
        b, text = make_rich_brief(i, seed, fmts[i]) if rich else make_brief(i, seed, wagner[i], fmts[i])
        data = text.encode()
        folded = _fold(text)
        has_exact = "Wagner" in text
        has_folded = "wagner" in folded
        if rich:
            # every file rg -i finds "wagner" in must be a hit of `brief search wagner` (the search benchmark
            # checks it), so the word is never only in an id or a url, and is always capitalised somewhere
            if has_folded and not (has_exact and "wagner" in _fold(searchable_text(b))):
                raise AssertionError(f"brief {i}: “wagner” only in fields brief does not search")
        elif has_folded != wagner[i] or has_exact != wagner[i]:
            raise AssertionError(f"brief {i}: Wagner mention {has_exact}/{has_folded}, planned {wagner[i]}")
        path = out / f"{b['id']}{EXTENSIONS[fmts[i]]}"
        with open(path, "wb") as fh:
            fh.write(data)
        stats.count += 1
        stats.total_bytes += len(data)
        stats.min_bytes = min(stats.min_bytes, len(data))
        stats.max_bytes = max(stats.max_bytes, len(data))
        stats.formats[fmts[i]] = stats.formats.get(fmts[i], 0) + 1
        stats.wagner += has_exact
        stats.wagner_folded += has_folded
        stats.files.append(path)
    if not count:
        stats.min_bytes = 0
    return stats


# ---------------------------------------------------------------------------
# Scratch verification (independent of brief): schema + cross-reference rules
# ---------------------------------------------------------------------------


def _loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # timestamps stay strings, as in brief and check-jsonschema
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)
    return yaml, Loader


def load_file(path) -> dict:
    yaml, Loader = _loader()
    text = Path(path).read_text(encoding="utf-8")
    suffix = Path(path).suffix
    if suffix == ".json":
        return json.loads(text)
    if suffix == ".md":
        if not text.startswith("---\n"):
            raise ValueError("no front matter")
        end = text.index("\n---\n", 3)
        data = yaml.load(text[4 : end + 1], Loader=Loader)
        data["body"] = text[end + 5 :].lstrip("\n")
        return data
    return yaml.load(text, Loader=Loader)


def check_rules(data: dict) -> list:
    """The cross-reference rules the schema cannot express."""
    errs = []
    seen = {}
    for section in ("actors", "issues", "sources"):
        for item in data.get(section, ()):
            if item["id"] in seen:
                errs.append(f"duplicate id {item['id']!r} ({seen[item['id']]} and {section})")
            seen[item["id"]] = section
    actors = {a["id"] for a in data.get("actors", ())}
    issues = {x["id"] for x in data.get("issues", ())}
    sources = {s["id"] for s in data.get("sources", ())}
    for a in data.get("actors", ()):
        for aff in a.get("affiliations", ()):
            if aff["actor"] not in actors:
                errs.append(f"affiliation of {a['id']} to unknown actor {aff['actor']!r}")
    pairs = set()
    for p in data.get("positions", ()):
        if p["actor"] not in actors:
            errs.append(f"position: unknown actor {p['actor']!r}")
        if p["issue"] not in issues:
            errs.append(f"position: unknown issue {p['issue']!r}")
        if (p["actor"], p["issue"]) in pairs:
            errs.append(f"two positions for {p['actor']}/{p['issue']}")
        pairs.add((p["actor"], p["issue"]))
    for r in data.get("relations", ()):
        for x in r["actors"]:
            if x not in actors:
                errs.append(f"relation: unknown actor {x!r}")
    for section in ("positions", "relations", "key_judgments", "figures"):
        for item in data.get(section, ()):
            for s in item.get("sources", ()):
                if s not in sources:
                    errs.append(f"{section}: unknown source {s!r}")
    if "updated" in data and str(data["updated"]) < str(data["date"]):
        errs.append("updated before date")
    return errs


def verify(paths, schema_path=SCHEMA_PATH) -> list:
    """Validate files with jsonschema (2020-12 + formats) and the extra rules; return error strings."""
    from jsonschema import Draft202012Validator

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = []
    ids = {}
    for path in paths:
        try:
            data = load_file(path)
        except Exception as exc:  # report, don't stop
            errors.append(f"{path}: cannot load: {exc}")
            continue
        for e in validator.iter_errors(data):
            errors.append(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        errors.extend(f"{path}: {msg}" for msg in check_rules(data))
        bid = data.get("id")
        if bid in ids:
            errors.append(f"{path}: brief id {bid!r} also in {ids[bid]}")
        ids[bid] = path
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--corpus",
        choices=CORPORA,
        default="rich",
        help="rich: briefs shaped like examples/ (7–13 KB, recurring actors and issues); "
        "small: 2–5 KB briefs, exactly 20 %% mention Wagner [%(default)s]",
    )
    ap.add_argument(
        "--formats",
        default="yaml,json,md",
        help="comma-separated formats, optionally weighted: yaml=70,json=15,md=15 (default weights 70/15/15)",
    )
    ap.add_argument("--force", action="store_true", help="remove existing briefs in OUT_DIR first")
    ap.add_argument(
        "--verify",
        type=int,
        default=0,
        metavar="N",
        help="check N files spread over the corpus (-1: all) with jsonschema and the extra rules",
    )
    args = ap.parse_args(argv)
    try:
        stats = generate(args.out_dir, args.count, args.seed, args.formats, force=args.force, corpus=args.corpus)
    except (ValueError, FileExistsError) as exc:
        print(f"corpus.py: {exc}", file=sys.stderr)
        return 2
    print(stats.summary())
    if args.verify:
        files = stats.files
        if args.verify > 0 and args.verify < len(files):
            step = len(files) / args.verify
            files = [files[int(k * step)] for k in range(args.verify)]
        errs = verify(files)
        for e in errs[:50]:
            print(e, file=sys.stderr)
        print(f"verified {len(files)} files: {len(errs)} errors")
        return 1 if errs else 0
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
