"""The format's vocabularies and how brief shows them, declared once.

The values are the schema's enums (schemas/brief.schema.json); tests/test_architecture.py checks that every
table here lists exactly those values, in the schema's order. Everything else — the stance symbols of
`compare` and `show`, the words of `--words`, the search language's `stance:support`, the likelihood ranges
of `show` and `summary`, the benchmark generator — reads them from here.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Literal

    Side = Literal["support", "neutral", "oppose", "unknown"]


class Stance:
    """One step of the stance scale: its value in briefs, signed symbol, words, side and strength."""

    __slots__ = ("side", "strength", "symbol", "value", "words")

    def __init__(self, value: str, symbol: str, side: Side, strength: str) -> None:
        self.value = value
        self.symbol = symbol  # the sign says the side, doubling says strong, brackets say leaning
        self.words = value.replace("-", " ")  # "leans supports", as `compare --words` prints it
        self.side = side
        self.strength = strength  # "strong", "" (plain) or "leaning"

    def __repr__(self) -> str:
        return f"Stance({self.value!r})"


# The scale, from strong support to strong opposition, then unknown: the schema's order, and the sort order.
STANCE_SCALE: tuple[Stance, ...] = (
    Stance("strongly-supports", "++", "support", "strong"),
    Stance("supports", "+", "support", ""),
    Stance("leans-supports", "(+)", "support", "leaning"),
    Stance("neutral", "0", "neutral", ""),
    Stance("leans-opposes", "(-)", "oppose", "leaning"),
    Stance("opposes", "-", "oppose", ""),
    Stance("strongly-opposes", "--", "oppose", "strong"),
    Stance("unknown", "?", "unknown", ""),
)
STANCES: tuple[str, ...] = tuple(stance.value for stance in STANCE_SCALE)
STANCE_BY_VALUE: dict[str, Stance] = {stance.value: stance for stance in STANCE_SCALE}
SYMBOLS: dict[str, str] = {stance.value: stance.symbol for stance in STANCE_SCALE}
# the search language's `stance:support` and `stance:oppose`
STANCE_GROUPS: dict[str, tuple[str, ...]] = {
    side: tuple(stance.value for stance in STANCE_SCALE if stance.side == side) for side in ("support", "oppose")
}
SUPPORTING = frozenset(STANCE_GROUPS["support"])
OPPOSING = frozenset(STANCE_GROUPS["oppose"])

INFERRED_MARK = "*"  # a stance inferred by the analyst rather than stated by the actor (basis: inferred)
CHANGE_MARK = "→"
CONFLICT_MARK = "!"

CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "moderate", "high")
CONFIDENCE_LETTERS: dict[str, str] = {level: level[0].upper() for level in CONFIDENCE_LEVELS}

# ICD 203 estimative words, with the probability ranges the directive gives them.
LIKELIHOOD: dict[str, tuple[str, str]] = {
    "almost-no-chance": ("almost no chance", "1–5%"),
    "very-unlikely": ("very unlikely", "5–20%"),
    "unlikely": ("unlikely", "20–45%"),
    "roughly-even-chance": ("roughly even chance", "45–55%"),
    "likely": ("likely", "55–80%"),
    "very-likely": ("very likely", "80–95%"),
    "almost-certain": ("almost certain", "95–99%"),
}

# Admiralty (NATO AJP-2.1) source grading: reliability of the source, credibility of the information.
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

TRENDS: dict[str, str] = {"improving": "↑ improving", "stable": "→ stable", "deteriorating": "↓ deteriorating"}

ACTOR_KINDS: dict[str, str] = {  # kind -> the heading `show` groups actors under
    "state": "States",
    "government": "Governments",
    "armed-forces": "Armed forces",
    "person": "People",
    "private-military-company": "Private military companies",
    "armed-group": "Armed groups",
    "international-organisation": "International organisations",
    "coalition": "Coalitions",
    "party": "Parties",
    "other": "Other actors",
}

RELATION_KINDS: tuple[str, ...] = (
    "alliance", "partnership", "cooperation", "neutral", "competition", "tension", "hostility", "armed-conflict",
)  # fmt: skip

# Domains and regions with the words analysts write for them, in English and in French: value -> (English label,
# French label, other names). `brief new` and `brief import` read "Défense Sécurité" or "Afrique de l'Ouest" with
# these (brief.authoring.terms: accents, case, word order and little words such as "and", "de" do not count).
DOMAINS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "defence-security": ("Defence and security", "Défense et sécurité",
                         ("Defense and security", "Defence", "Defense", "Security", "Sécurité", "Military")),
    "terrorism-extremism": ("Terrorism and extremism", "Terrorisme et extrémisme",
                            ("Terrorism", "Terrorisme", "Extremism", "Extrémisme", "Counter-terrorism",
                             "Contre-terrorisme", "Violent extremism", "Extrémisme violent")),
    "diplomacy": ("Diplomacy", "Diplomatie",
                  ("International relations", "Relations internationales", "Foreign policy", "Politique étrangère")),
    "politics-governance": ("Politics and governance", "Politique et gouvernance",
                            ("Politics", "Politique", "Governance", "Gouvernance", "Politique intérieure")),
    "economy-trade": ("Economy and trade", "Économie et commerce",
                      ("Economy", "Économie", "Trade", "Commerce", "Economics", "Finance")),
    "energy-resources": ("Energy and resources", "Énergie et ressources",
                         ("Energy", "Énergie", "Resources", "Ressources", "Natural resources", "Ressources naturelles",
                          "Mining", "Mines")),
    "humanitarian": ("Humanitarian", "Humanitaire", ("Humanitarian affairs", "Action humanitaire")),
    "human-rights": ("Human rights", "Droits de l'homme", ("Droits humains", "Droits de la personne")),
    "migration": ("Migration", "Migrations", ("Migrations", "Refugees", "Réfugiés", "Displacement")),
    "organised-crime": ("Organised crime", "Criminalité organisée",
                        ("Organized crime", "Crime organisé", "Trafficking", "Trafics")),
    "cyber": ("Cyber", "Cyber", ("Cybersecurity", "Cybersécurité", "Cyber security", "Cyberdéfense")),
    "information-influence": ("Information and influence", "Information et influence",
                              ("Disinformation", "Désinformation", "Influence", "Information warfare",
                               "Guerre de l'information", "Propaganda", "Propagande")),
    "environment-climate": ("Environment and climate", "Environnement et climat",
                            ("Environment", "Environnement", "Climate", "Climat", "Climate change",
                             "Changement climatique")),
    "health": ("Health", "Santé", ("Public health", "Santé publique")),
    "technology": ("Technology", "Technologie", ("Technologies", "Tech")),
}  # fmt: skip
REGIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "africa": ("Africa", "Afrique", ()),
    "west-africa": ("West Africa", "Afrique de l'Ouest", ("Western Africa", "Afrique occidentale")),
    "sahel": ("Sahel", "Sahel", ("The Sahel", "Bande sahélienne")),
    "lake-chad-basin": ("Lake Chad Basin", "Bassin du lac Tchad", ("Lake Chad", "Lac Tchad")),
    "gulf-of-guinea": ("Gulf of Guinea", "Golfe de Guinée", ()),
    "central-africa": ("Central Africa", "Afrique centrale", ()),
    "east-africa": ("East Africa", "Afrique de l'Est", ("Eastern Africa", "Afrique orientale")),
    "horn-of-africa": ("Horn of Africa", "Corne de l'Afrique", ()),
    "north-africa": ("North Africa", "Afrique du Nord", ("Northern Africa", "Maghreb")),
    "southern-africa": ("Southern Africa", "Afrique australe", ()),
    "middle-east": ("Middle East", "Moyen-Orient", ("Near East", "Proche-Orient")),
    "gulf": ("Gulf", "Golfe", ("Persian Gulf", "Golfe persique", "Arabian Gulf", "Golfe arabo-persique")),
    "europe": ("Europe", "Europe", ()),
    "eastern-europe": ("Eastern Europe", "Europe de l'Est", ("Europe orientale",)),
    "central-asia": ("Central Asia", "Asie centrale", ()),
    "south-asia": ("South Asia", "Asie du Sud", ("Southern Asia",)),
    "east-asia": ("East Asia", "Asie de l'Est", ("Eastern Asia", "Asie orientale", "Far East", "Extrême-Orient")),
    "southeast-asia": ("Southeast Asia", "Asie du Sud-Est", ("South-East Asia", "South East Asia")),
    "oceania": ("Oceania", "Océanie", ("Pacific", "Pacifique")),
    "north-america": ("North America", "Amérique du Nord", ()),
    "latin-america": ("Latin America", "Amérique latine",
                      ("South America", "Amérique du Sud", "Central America", "Amérique centrale")),
    "caribbean": ("Caribbean", "Caraïbes", ("Caribbean Sea", "Antilles")),
    "arctic": ("Arctic", "Arctique", ()),
    "global": ("Global", "Monde", ("World", "Worldwide", "International", "Mondial")),
}  # fmt: skip
# Traffic Light Protocol 2.0 (FIRST): who may see a brief, from the least to the most restricted. A command that
# writes briefs out of the collection withholds those ranked above its limit (see brief.query.selection).
TLP_LEVELS: dict[str, str] = {  # value -> the label readers expect at the top of a marked document
    "clear": "TLP:CLEAR",
    "green": "TLP:GREEN",
    "amber": "TLP:AMBER",
    "amber+strict": "TLP:AMBER+STRICT",
    "red": "TLP:RED",
}
TLP_RANK: dict[str, int] = {value: rank for rank, value in enumerate(TLP_LEVELS)}
DEFAULT_MAX_TLP = "amber"  # what leaves the collection unless a more restricted limit is asked for by name

# schema location -> the values declared here, for the test that keeps both in step
SCHEMA_ENUMS: dict[str, tuple[object, ...]] = {
    "$defs/position/properties/stance": STANCES,
    "$defs/confidence": CONFIDENCE_LEVELS,
    "$defs/judgment/properties/likelihood": tuple(LIKELIHOOD),
    "$defs/source/properties/reliability": tuple(RELIABILITY),
    "$defs/source/properties/credibility": tuple(CREDIBILITY),
    "$defs/relation/properties/trend": tuple(TRENDS),
    "$defs/actor/properties/kind": tuple(ACTOR_KINDS),
    "$defs/relation/properties/kind": RELATION_KINDS,
    "properties/domains/items": tuple(DOMAINS),
    "properties/regions/items": tuple(REGIONS),
    "properties/tlp": tuple(TLP_LEVELS),
}


def stance_legend() -> str:
    """'++ strongly supports, + supports, …, ? unknown': the symbols with their words, for help and legends."""
    return ", ".join(f"{stance.symbol} {stance.words}" for stance in STANCE_SCALE)
