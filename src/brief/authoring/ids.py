"""Brief ids for new briefs: from the title (accents folded, little words dropped, a few words kept), with the
date where the collection's own ids put it, and unique in the collection.

`The Beginning of an Awkward Russo-Malian Military Cooperation…` dated 2021-09-28, in a collection whose ids
end with a year (`mali-wagner-2021`), becomes `beginning-awkward-russo-malian-military-cooperation-2021`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from brief.authoring.terms import slug, word_set

MAX_WORDS = 6  # of the title, in the id
MAX_SLUG = 60
MAX_ID = 120  # the schema's bound
# words that say little in an id, in English and French
_LITTLE = word_set(
    """
a an the of in on at to for from by with and or as is are its it this that new le la les l un une de des du d
et ou en au aux pour par sur dans avec sans ce cette
"""
)

# how a collection writes dates in its ids, most specific first: style -> pattern
STYLES: dict[str, re.Pattern[str]] = {
    "suffix-day": re.compile(r"-\d{4}-\d{2}-\d{2}$"),
    "suffix-month": re.compile(r"-\d{4}-\d{2}$"),
    "suffix-year": re.compile(r"-\d{4}$"),
    "prefix-day": re.compile(r"^\d{4}-\d{2}-\d{2}-"),
    "prefix-month": re.compile(r"^\d{4}-\d{2}-"),
    "prefix-year": re.compile(r"^\d{4}-"),
    "none": re.compile(r"^[a-z][a-z0-9-]*[a-z]$"),
}
DEFAULT_STYLE = "suffix-year"  # as in examples/: mali-wagner-2021


def style_of(ids: list[str]) -> str:
    """How most of these ids write a date: one of STYLES, or the default when there is no clear majority."""
    counts: Counter[str] = Counter()
    for brief_id in ids:
        for name, pattern in STYLES.items():
            if pattern.search(brief_id):
                counts[name] += 1
                break
    if not counts:
        return DEFAULT_STYLE
    name, count = counts.most_common(1)[0]
    return name if count * 2 > len(ids) else DEFAULT_STYLE


def title_slug(title: str) -> str:
    """A few significant words of the title, folded and hyphenated."""
    words = slug(title).split("-")
    significant = [word for word in words if word and word not in _LITTLE] or [word for word in words if word]
    text = "-".join(significant[:MAX_WORDS])
    if len(text) > MAX_SLUG:
        text = text[:MAX_SLUG].rsplit("-", 1)[0] if "-" in text[:MAX_SLUG] else text[:MAX_SLUG]
    return text or "brief"


def make_id(title: str, date: str, style: str = DEFAULT_STYLE) -> str:
    """The id of a brief with this title and date (YYYY-MM-DD), in the given style."""
    base = title_slug(title)
    year, month, day = date[:4], date[5:7], date[8:10]
    stamp = {"day": f"{year}-{month}-{day}", "month": f"{year}-{month}", "year": year}.get(style.split("-")[-1])
    if stamp is None or style == "none":
        return base
    if style.startswith("suffix"):
        return base if base.endswith(f"-{stamp}") else f"{base}-{stamp}"
    return base if base.startswith(f"{stamp}-") else f"{stamp}-{base}"


def unique(brief_id: str, taken: Callable[[str], bool]) -> str:
    """`brief_id`, or the first of brief_id-2, -3, … that `taken` does not know."""
    if not taken(brief_id):
        return brief_id
    for number in range(2, 100_000):
        suffix = f"-{number}"
        candidate = brief_id[: MAX_ID - len(suffix)] + suffix
        if not taken(candidate):
            return candidate
    raise RuntimeError(f"no free id near {brief_id}")  # 100,000 briefs of one title and date
