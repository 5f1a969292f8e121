"""English names of ISO 3166-1 countries and ISO 639-1 languages, for display.

Read from a small JSON file shipped with brief rather than from pycountry's full databases, whose loading
costs more than a whole `brief show`. The file is generated from pycountry (`python -m brief.names`) and
tests/test_schema.py checks that it still matches.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names.json"


@cache
def _names() -> dict[str, dict[str, str]]:
    with NAMES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, dict[str, str]] = json.load(handle)
    return data


def country_name(code: str) -> str | None:
    return _names()["countries"].get(code)


def language_name(code: str) -> str | None:
    return _names()["languages"].get(code)


def build() -> dict[str, Any]:
    """The table, from pycountry (common names where ISO's are formal)."""
    import pycountry

    countries = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    languages = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return {"countries": dict(sorted(countries.items())), "languages": dict(sorted(languages.items()))}


if __name__ == "__main__":
    NAMES_FILE.write_text(json.dumps(build(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
