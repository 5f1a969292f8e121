"""Country names typed by users (English or French, any case or accents) to ISO 3166-1 alpha-2 codes, and back."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from brief.base.text import closest, fold

# Short names people type that ISO's lists spell differently.
_EXTRA_NAMES = {
    "russia": "RU",
    "russie": "RU",
    "iran": "IR",
    "syria": "SY",
    "syrie": "SY",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "south korea": "KR",
    "coree du sud": "KR",
    "north korea": "KP",
    "coree du nord": "KP",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "moldova": "MD",
    "moldavie": "MD",
    "tanzania": "TZ",
    "tanzanie": "TZ",
    "bolivia": "BO",
    "bolivie": "BO",
    "venezuela": "VE",
    "turkey": "TR",
    "turquie": "TR",
    "czech republic": "CZ",
    "republique tcheque": "CZ",
    "dr congo": "CD",
    "drc": "CD",
    "rdc": "CD",
    "congo-kinshasa": "CD",
    "congo-brazzaville": "CG",
    "uk": "GB",
    "united kingdom": "GB",
    "royaume-uni": "GB",
    "usa": "US",
    "united states": "US",
    "etats-unis": "US",
    "car": "CF",
    "rca": "CF",
    "palestine": "PS",
    "micronesia": "FM",
    "vatican": "VA",
    "kosovo": "XK",
    "taiwan": "TW",
}


@cache
def _lookup() -> dict[str, str]:
    import gettext

    import pycountry

    french: Callable[[str], str]
    try:
        french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"]).gettext
    except OSError:  # a pycountry build without locales: English names still work
        french = str

    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [code, country.alpha_3, country.name]
        for attribute in ("official_name", "common_name"):
            if hasattr(country, attribute):
                names.append(getattr(country, attribute))
        names += [french(name) for name in names[2:]]
        for name in names:
            table.setdefault(fold(name), code)
            # "Congo, The Democratic Republic of the" is also typed "Democratic Republic of the Congo"
            if ", " in name:
                head, _, tail = name.partition(", ")
                table.setdefault(fold(f"{tail} {head}"), code)
    for name, code in _EXTRA_NAMES.items():
        table.setdefault(fold(name), code)
    return table


def to_code(value: str) -> str | None:
    """The alpha-2 code for a code or name in English or French; None if unknown."""
    return _lookup().get(fold(value))


# the names people use where ISO's are formal ("Russian Federation", "Iran, Islamic Republic of")
_SHORT_NAMES = {
    "RU": "Russia", "IR": "Iran", "SY": "Syria", "KR": "South Korea", "KP": "North Korea", "LA": "Laos",
    "VN": "Vietnam", "MD": "Moldova", "TZ": "Tanzania", "BO": "Bolivia", "VE": "Venezuela", "CD": "DR Congo",
    "CG": "Congo", "GB": "United Kingdom", "US": "United States", "PS": "Palestine", "FM": "Micronesia",
    "VA": "Vatican", "BN": "Brunei",
}  # fmt: skip


@cache
def name_of(code: str) -> str:
    """A country's usual English name (short form, not ISO's formal one)."""
    from brief.base.names import country_name

    return _SHORT_NAMES.get(code) or country_name(code) or code


def suggest(value: str, limit: int = 3) -> list[str]:
    """Nearest known countries for an unknown name, as 'ML (Mali)'."""
    table = _lookup()
    matches = closest(fold(value), list(table), n=limit * 3, cutoff=0.75)
    seen: list[str] = []
    for match in matches:
        code = table[match]
        if code not in seen:
            seen.append(code)
    return [f"{code} ({name_of(code)})" for code in seen[:limit]]
