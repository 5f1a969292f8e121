"""`brief import`, end to end through the CLI: the seed article becomes a draft that validates, keeps every
paragraph and bullet, maps its header lines, links the actors examples/ knows (with their briefs) and lists the
names it does not know; Markdown and web pages; several files, unreadable ones, standard input; nothing is ever
overwritten; untrusted text stays harmless."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from brief.authoring import emit
from brief.authoring.articles import parse_date, read_article
from brief.format import loading
from brief.format.checker import Checker
from conftest import DATA, ROOT, run, run_process


def process(*args: str, cwd: Path, input: bytes | None = None) -> tuple[int, bytes, bytes]:
    """The real `brief` in its own process: (exit code, stdout, stderr) as bytes, as they were written."""
    result = run_process(*args, cwd=cwd, input=input, timeout=60)
    return result.returncode, cast(bytes, result.stdout), cast(bytes, result.stderr)


# the seed article (shared/seed/000_b02d5830e9251f2c.txt), byte for byte, with its trailing "Share:" furniture
SEED = DATA / "import" / "seed.txt"
EXAMPLES = ROOT / "examples"
SEED_EXAMPLE = EXAMPLES / "2021-09-mali-wagner.md"
DRAFT = "drafts/beginning-awkward-russo-malian-military-cooperation-2021.md"


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A working folder holding the seed as seed.txt."""
    shutil.copy(SEED, tmp_path / "seed.txt")
    return tmp_path


def brief_import(folder: Path, *args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = run("-C", str(folder), "import", *args, "--collection", str(EXAMPLES), input=input)
    return result.exit_code, result.stdout, result.stderr


def load(path: Path) -> dict[str, Any]:
    data, result = Checker().load_path(str(path))
    assert data is not None
    assert result.diagnostics == [], [f"{d.line}:{d.column} {d.message}" for d in result.diagnostics]
    return data


def actors_of(path: Path) -> dict[str, dict[str, Any]]:
    data, _ = Checker().load_path(str(path))
    assert data is not None
    return {actor["id"]: actor for actor in data["actors"]}


# --- the seed -------------------------------------------------------------------------------------------------


SEED_REPORT = """\
brief: seed.txt → drafts/beginning-awkward-russo-malian-military-cooperation-2021.md (id beginning-awkward-russo-malian-military-cooperation-2021)
  mapped: domains 'Défense Sécurité' → defence-security; regions 'Afrique de l’Ouest' → west-africa; nations 'Mali' → ML
  linked: 8 actors: France (france), Choguel Maïga (choguel-maiga), Wagner (wagner), Operation Barkhane (barkhane), Sergey Lavrov (sergey-lavrov), Russia (russia), Sadio Camara (sadio-camara), Government of Niger (niger-government)
  proposed: 2 candidate names: Kremlin, Moscow Institute of Telecommunications; nations the text names: FR, CF, RU, NE
  dropped: 1 line of page furniture: 'Share:'
  note: language en, guessed from the text
"""  # noqa: E501


def test_the_seed_becomes_a_valid_draft_with_everything_in_it(desk: Path) -> None:
    code, out, err = brief_import(desk, "seed.txt", "--date", "2021-09-28", "-o", "drafts/")
    assert (code, out, err) == (0, DRAFT + "\n", SEED_REPORT)
    draft = desk / DRAFT
    assert run("validate", str(draft)).exit_code == 0
    data = load(draft)
    assert data["title"] == (
        "The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the Fight Against Terrorism"
    )
    assert (data["domains"], data["regions"], data["nations"]) == (["defence-security"], ["west-africa"], ["ML"])
    assert (data["date"], data["language"], data["id"]) == ("2021-09-28", "en", Path(DRAFT).stem)

    # every paragraph, and all six bullets as a Markdown list: the body is the example's, to the byte
    body = data["body"]
    expected = loading.load_text(SEED_EXAMPLE.read_text(encoding="utf-8"), "x", "markdown").data["body"]
    assert body == expected
    seed_text = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed_text.split("\n\n")[1:] if p.strip() and not p.strip().startswith("•")]
    for paragraph in paragraphs[:-1]:  # the last is the "Share:" furniture
        assert paragraph in body
    bullets = [line.strip()[1:].strip() for line in seed_text.splitlines() if line.strip().startswith("•")]
    assert len(bullets) == 6
    assert [line[2:] for line in body.splitlines() if line.startswith("- ")] == bullets
    for mark in ("’", "—", "ï", '"Wagner."'):  # (the seed's é are in its header lines)
        assert mark in body
    text = draft.read_text(encoding="utf-8")
    assert "Share" not in text


def test_the_seed_links_the_actors_examples_knows(desk: Path) -> None:
    brief_import(desk, "seed.txt", "--date", "2021-09-28", "-o", "drafts/")
    draft = desk / DRAFT
    actors = actors_of(draft)
    wanted = ["choguel-maiga", "sadio-camara", "wagner", "france", "sergey-lavrov", "russia", "barkhane",
              "niger-government"]  # fmt: skip
    assert sorted(actors) == sorted(wanted)
    known, _ = Checker().load_path(str(SEED_EXAMPLE))
    assert known is not None
    for actor in known["actors"]:
        if actor["id"] in actors:
            mine = actors[actor["id"]]
            assert (mine["name"], mine["kind"], mine.get("country")) == (
                actor["name"],
                actor["kind"],
                actor.get("country"),
            )
            assert set(actor.get("aliases", [])) <= set(mine.get("aliases", [])), actor["id"]
    assert actors["niger-government"]["aliases"][-1] == "Niger"  # the name the seed uses, as the collection has it
    # the ids of the briefs each actor comes from, latest first, in a comment on its entry
    text = draft.read_text(encoding="utf-8")
    assert "  - id: choguel-maiga  # from mali-wagner-2021\n" in text
    assert "  - id: barkhane  # from france-mali-withdrawal-2022, mali-wagner-2021\n" in text
    assert re.search(r"  - id: france  # from niger-coup-2023, minusma-termination-2023, .* and 1 more brief\n", text)


def test_unknown_names_are_commented_candidates_never_actors(desk: Path) -> None:
    brief_import(desk, "seed.txt", "--date", "2021-09-28", "-o", "drafts/")
    text = (desk / DRAFT).read_text(encoding="utf-8")
    block = text[text.index("# Candidates:") :].split("\n")
    assert block[2:4] == ["#   - Kremlin (1 mention)", "#   - Moscow Institute of Telecommunications (1 mention)"]
    names = {actor["name"] for actor in actors_of(desk / DRAFT).values()}
    assert "Kremlin" not in names
    assert "# nations the text also names: FR (France), CF (Central African Republic), RU (Russia), NE (Niger)" in text


def test_without_linking_nothing_is_entered_as_an_actor(desk: Path) -> None:
    code, out, err = brief_import(desk, "seed.txt", "--no-link", "-o", "draft.md", "--date", "2021-09-28")
    assert (code, out) == (0, "draft.md\n")
    assert "  linked: none\n" in err
    data = load(desk / "draft.md")
    assert "actors" not in data
    assert "#   - Choguel Maïga (3 mentions)" in (desk / "draft.md").read_text(encoding="utf-8")


def test_today_is_the_date_when_the_article_gives_none(desk: Path) -> None:
    import datetime

    today = datetime.date.today().isoformat()
    code, out, err = brief_import(desk, "seed.txt", "-o", "-")
    assert code == 0
    assert f"\ndate: {today}\n# the article gives no date: today's; correct it\n" in out
    assert f"  note: no date in the article: today's date ({today}); correct it\n" in err


# --- plain text variants ---------------------------------------------------------------------------------------


ARTICLE = """\
Les chefs de la junte rencontrent la CEDEAO à Abuja
Domaines : Diplomatie ; Défense et sécurité
Régions : Afrique de l’Ouest, Atlantide
Pays : Mali, Niger, Burkina Faso
Date : 28 septembre 2023
Auteurs : Awa Traoré et Jean Dupont

Les dirigeants de l’Alliance des États du Sahel ont rencontré les envoyés de la CEDEAO. Le colonel Assimi Goïta n’a pas fait le déplacement.

1. Premier point : la levée des sanctions.
2. Second point : le calendrier de la transition.

# Ce n’est pas un titre

Lire aussi : Le Niger et la CEDEAO
Partager :
Facebook Twitter
"""  # noqa: E501


def test_a_french_article_with_every_header(desk: Path) -> None:
    (desk / "cedeao.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = brief_import(desk, "cedeao.txt", "-o", "drafts/")
    assert code == 0, err
    draft = desk / out.strip()
    assert draft.name == "chefs-junte-rencontrent-cedeao-abuja-2023.md"
    data = load(draft)
    assert data["date"] == "2023-09-28" and data["language"] == "fr"
    assert data["domains"] == ["diplomacy", "defence-security"]
    assert data["regions"] == ["west-africa"]
    assert data["nations"] == ["ML", "NE", "BF"]
    assert data["authors"] == ["Awa Traoré", "Jean Dupont"]
    assert {"aes", "ecowas", "assimi-goita"} <= {actor["id"] for actor in data["actors"]}
    text = draft.read_text(encoding="utf-8")
    # a value that maps to nothing is said on stderr and kept in the draft as a comment
    assert "regions: [west-africa]\n# not mapped, from Régions: Atlantide\n" in text
    assert "  not mapped (kept in the draft as comments): regions 'Atlantide'\n" in err
    assert "1. Premier point : la levée des sanctions.\n2. Second point : le calendrier de la transition.\n" in text
    assert "\\# Ce n’est pas un titre" in text  # plain text is not Markdown markup
    assert "Lire aussi" not in text and "Partager" not in text and "Facebook" not in text
    assert (
        "  dropped: 3 lines of page furniture: 'Lire aussi : Le Niger et la CEDEAO', 'Partager :', 'Facebook Twitter'\n"
        in err
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021-09-28", "2021-09-28"),
        ("28/09/2021", "2021-09-28"),
        ("28 September 2021", "2021-09-28"),
        ("September 28, 2021", "2021-09-28"),
        ("1er octobre 2021", "2021-10-01"),
        ("Published on Tuesday 28 Sept. 2021", "2021-09-28"),
        ("31 février 2021", None),
        ("yesterday", None),
    ],
)
def test_dates_as_articles_write_them(written: str, expected: str | None) -> None:
    assert parse_date(written) == expected


def test_cookie_notices_are_dropped_wherever_they_are() -> None:
    article = read_article("a.txt", b"Title\n\nWe use cookies to improve your experience. Accept all\n\nText.\n")
    assert article.blocks == ["Text."]
    assert article.dropped == ["We use cookies to improve your experience. Accept all"]


def test_bullets_wrapped_over_lines_stay_one_item() -> None:
    article = read_article("a.txt", "T\n\n• one\n  continued\n\n◦ two\n– three\n".encode())
    assert article.blocks == ["- one continued\n- two\n- three"]


# --- linking ----------------------------------------------------------------------------------------------------

LABELS = [
    ("maiga", "Choguel Maïga"),
    ("wagner", "Wagner"),
    ("wagner", "Wagner Group"),
    ("us", "United States"),
    ("us", "US"),
    ("cote-divoire", "Côte d’Ivoire"),
    ("aes", "AES"),
    ("aes", "Alliance des États du Sahel"),
]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("CHOGUEL MAIGA and choguel maïga", [("CHOGUEL MAIGA", "choguel maiga"), ("choguel maïga", "choguel maiga")]),
        ("The Wagner Group, or Wagner.", [("Wagner Group", "wagner group"), ("Wagner", "wagner")]),
        ("Wagnerian music, a Choguel", []),  # whole words only
        ("Let us see what the US says", [("US", "us")]),  # a name written in capitals matches only in capitals
        ("the united states", [("united states", "united states")]),
        ("en Côte d'Ivoire", [("Côte d'Ivoire", "cote d ivoire")]),
        ("l’Alliance des Etats du Sahel (AES), aes", [("Alliance des Etats du Sahel", "alliance des etats du sahel"),
                                                     ("AES", "aes")]),
    ],
)  # fmt: skip
def test_names_match_as_whole_words_whatever_the_case_and_accents(text: str, found: list[tuple[str, str]]) -> None:
    from brief.authoring.linking import Directory

    directory = Directory(LABELS)
    assert [(text[start:end], key) for start, end, key in directory.scan(text)] == found


# --- Markdown and web pages -----------------------------------------------------------------------------------


def test_markdown_front_matter_is_kept_and_completed(desk: Path) -> None:
    (desk / "note.md").write_text(
        "---\ntitle: Wagner au Mali\ndomains: [Défense, diplomacy]\nx-desk: Sahel\n"
        "actors:\n  - {id: fama, name: Forces armées maliennes, kind: armed-forces, country: Mali}\n---\n"
        "Les FAMa et Wagner opèrent ensemble près de Kidal ; la France et la Russie s’observent.\n",
        encoding="utf-8",
    )
    code, out, err = brief_import(desk, "note.md", "-o", "drafts/", "--date", "2024-02-01")
    assert code == 0, err
    data = load(desk / out.strip())
    assert data["title"] == "Wagner au Mali" and data["x-desk"] == "Sahel"
    assert data["domains"] == ["diplomacy", "defence-security"]
    assert (data["schema_version"], data["date"], data["language"]) == ("1.0", "2024-02-01", "fr")
    assert [actor["id"] for actor in data["actors"]] == ["fama", "wagner", "france"]  # examples/ has no "Russie"
    assert data["actors"][0]["country"] == "ML"
    assert data["body"].startswith("Les FAMa et Wagner")


def test_an_id_from_front_matter_never_names_a_file_outside_the_folder(desk: Path) -> None:
    (desk / "sneaky.md").write_text("---\nid: ../../escaped\ntitle: Sneaky\n---\nText.\n", encoding="utf-8")
    code, out, err = brief_import(desk, "sneaky.md", "-o", "drafts", "--date", "2024-01-01")
    assert (code, out) == (0, "drafts/sneaky-2024.md\n")
    assert "  note: id '../../escaped' (from the front matter) is not a brief id; one is made from the title\n" in err
    assert sorted(p.name for p in desk.iterdir()) == ["drafts", "seed.txt", "sneaky.md"]


def test_a_brief_file_is_not_an_article(desk: Path) -> None:
    shutil.copy(EXAMPLES / "2023-08-niger-coup.yaml", desk / "niger.yaml")
    code, out, err = brief_import(desk, "niger.yaml", "-o", "drafts")
    assert (code, out) == (1, "")
    assert err == (
        "brief: cannot import niger.yaml: a YAML or JSON file is a brief already, not an article "
        "(brief validate checks it)\n"
    )


def test_a_full_brief_in_markdown_goes_through_unchanged(desk: Path) -> None:
    code, out, _ = brief_import(desk, str(SEED_EXAMPLE), "-o", "same.md")
    assert (code, out) == (0, "same.md\n")
    original, _ = Checker().load_path(str(SEED_EXAMPLE))
    assert load(desk / "same.md") == original


def test_markdown_without_front_matter_takes_its_heading_as_title(desk: Path) -> None:
    (desk / "plain.md").write_text(
        "# Niger : le coup d’État\n\nLe général Tiani a pris le pouvoir.\n", encoding="utf-8"
    )
    code, out, _ = brief_import(desk, "plain.md", "-o", "-", "--date", "2023-07-26")
    assert code == 0
    assert 'title: "Niger : le coup d’État"' in out
    assert out.endswith("---\nLe général Tiani a pris le pouvoir.\n")


PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Mali : la junte se tourne vers Wagner | Sahel Observer</title>
<meta property="og:title" content="Mali : la junte se tourne vers Wagner">
<meta property="og:site_name" content="Sahel Observer">
<link rel="canonical" href="https://sahel-observer.example/fr/mali-wagner">
<meta property="article:published_time" content="2021-09-15T08:00:00Z">
</head><body>
<div class="cookie-banner"><p>Nous utilisons des cookies pour améliorer votre expérience. Accepter</p></div>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/sahel">Rubrique Sahel</a></li></ul></nav>
<main><article>
<h1>Mali : la junte se tourne vers Wagner</h1>
<p>Le gouvernement de transition du Premier ministre Choguel Maïga négocie avec le groupe russe Wagner, alors que la
France réduit sa présence militaire au Sahel.</p>
<p>Paris s’y oppose pour trois raisons, dit-on à l’Élysée :</p>
<ul><li>la réputation de Wagner en Centrafrique ;</li><li>l’incompatibilité avec le soutien occidental ;</li>
<li>les tensions avec l’opération Barkhane.</li></ul>
<p>Un texte &lt;script&gt;alert(1)&lt;/script&gt; cité tel quel — sans danger.</p>
</article></main>
<footer><p>Partager : Facebook Twitter</p><p>© 2021 Sahel Observer. Tous droits réservés.</p></footer>
<script>alert("page script")</script>
</body></html>
"""


def test_a_saved_web_page_gives_its_main_text(desk: Path) -> None:
    (desk / "page.html").write_text(PAGE, encoding="utf-8")
    code, out, err = brief_import(desk, "page.html", "-o", "drafts/")
    assert code == 0, err
    data = load(desk / out.strip())
    assert data["title"] == "Mali : la junte se tourne vers Wagner"
    assert (data["date"], data["language"]) == ("2021-09-15", "fr")
    source = {"id": "article", "title": data["title"], "publisher": "Sahel Observer",
              "url": "https://sahel-observer.example/fr/mali-wagner", "date": "2021-09-15"}  # fmt: skip
    assert data["sources"] == [source]
    body = data["body"]
    assert "- la réputation de Wagner en Centrafrique ;\n- l’incompatibilité" in body
    for furniture in ("Accueil", "Rubrique", "cookies", "Partager", "Tous droits", "page script"):
        assert furniture not in body
    assert "Mali : la junte" not in body  # the page's heading repeats the title
    assert "\\<script>alert(1)\\</script>" in body  # text that looks like a tag is escaped, not raw HTML
    assert {"wagner", "choguel-maiga", "france", "barkhane"} <= {actor["id"] for actor in data["actors"]}


# --- several files, bad files, where drafts go --------------------------------------------------------------


def test_bad_files_get_one_line_each_and_the_others_are_imported(desk: Path) -> None:
    (desk / "latin1.txt").write_bytes("Titre\n\nLe ministre a été reçu.\n".encode("latin-1"))
    (desk / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (desk / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (desk / "folder.txt").mkdir()
    (desk / "bad-front.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    (desk / "other.txt").write_text("Another article\n\nNiger and Mali.\n", encoding="utf-8")
    files = ["latin1.txt", "seed.txt", "missing.txt", "binary.txt", "empty.txt", "folder.txt", "bad-front.md",
             "other.txt"]  # fmt: skip
    code, out, err = brief_import(desk, *files, "-o", "drafts", "-q", "--date", "2024-01-01")
    assert code == 1
    assert out.splitlines() == [
        "drafts/beginning-awkward-russo-malian-military-cooperation-2024.md",
        "drafts/another-article-2024.md",
    ]
    assert err.splitlines() == [
        "brief: cannot import latin1.txt: not UTF-8 text (byte 0xe9 on line 3); save it as UTF-8 and import it again",
        "brief: cannot import missing.txt: cannot read it: No such file or directory",
        "brief: cannot import binary.txt: a binary file (it contains NUL bytes), not a text article",
        "brief: cannot import empty.txt: empty: no text to import",
        "brief: cannot import folder.txt: is a folder, not an article",
        "brief: cannot import bad-front.md: its front matter cannot be read (line 3): YAML syntax error: did not "
        "find expected ',' or ']' (while parsing a flow sequence)",
    ]  # fmt: skip
    assert "Traceback" not in err


def test_ids_stay_unique_within_a_run_and_against_files(desk: Path) -> None:
    shutil.copy(desk / "seed.txt", desk / "again.txt")
    code, out, _ = brief_import(desk, "seed.txt", "again.txt", "-o", "drafts", "-q", "--date", "2021-09-28")
    assert code == 0
    stem = "drafts/beginning-awkward-russo-malian-military-cooperation-2021"
    assert out.splitlines() == [f"{stem}.md", f"{stem}-2.md"]
    code, out, _ = brief_import(desk, "seed.txt", "-o", "drafts", "-q", "--date", "2021-09-28")
    assert (code, out) == (0, f"{stem}-3.md\n")


def test_a_refused_overwrite_leaves_the_file_byte_identical(desk: Path) -> None:
    target = desk / "draft.md"
    original = "---\nmine: true\n---\nDo not touch — ever.\n".encode()
    target.write_bytes(original)
    os.utime(target, (1_000_000_000, 1_000_000_000))
    code, out, err = brief_import(desk, "seed.txt", "-o", "draft.md")
    assert (code, out, err) == (1, "", "brief: cannot import seed.txt: draft.md exists; not overwritten\n")
    assert target.read_bytes() == original and target.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in desk.iterdir()) == ["draft.md", "seed.txt"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed.txt", "seed.txt", "-o", "-"],
         "brief: error: -o - writes one draft to standard output: give one FILE\n"),
        (["seed.txt", "-o", "draft.txt"],
         "brief: error: draft.txt: a draft is Markdown; name it .md (or name a folder)\n"),
        (["seed.txt", "seed.txt", "-o", "two.md"],
         "brief: error: two.md: several articles go into a folder, not into one .md file\n"),
        (["-", "-"], "brief: error: standard input ('-') can be read only once\n"),
        (["seed.txt", "--date", "2021-02-30"], "brief: error: date '2021-02-30' is not a date as YYYY-MM-DD\n"),
    ],
)  # fmt: skip
def test_usage_errors(desk: Path, args: list[str], message: str) -> None:
    assert brief_import(desk, *args) == (2, "", message)
    assert sorted(p.name for p in desk.iterdir()) == ["seed.txt"]


def test_a_collection_that_does_not_exist_is_a_usage_error(desk: Path) -> None:
    result = run("-C", str(desk), "import", "seed.txt", "--collection", "nowhere")
    assert result.exit_code == 2 and "'nowhere' does not exist" in result.stderr
    assert sorted(p.name for p in desk.iterdir()) == ["seed.txt"]


def test_standard_input_to_standard_output(desk: Path) -> None:
    code, out, err = brief_import(desk, "-", "-o", "-", "--date", "2021-09-28", input=SEED.read_bytes())
    assert code == 0
    assert out.startswith('---\nschema_version: "1.0"\nid: beginning-awkward-russo-malian-military-cooperation-2021\n')
    assert err.startswith("brief: <stdin> → standard output (id beginning-awkward")


def test_default_destination_is_the_collections_first_folder(tmp_path: Path) -> None:
    (tmp_path / "brief.toml").write_text('paths = ["briefs/", "archive/"]\n', encoding="utf-8")
    shutil.copy(SEED, tmp_path / "seed.txt")
    stem = b"briefs/beginning-awkward-russo-malian-military-cooperation-2021"
    assert process("import", "seed.txt", "--date", "2021-09-28", "-q", cwd=tmp_path) == (0, stem + b".md\n", b"")
    # the new draft is now part of the collection: a second import gets another id
    assert process("import", "seed.txt", "--date", "2021-09-28", "-q", cwd=tmp_path)[1] == stem + b"-2.md\n"


# --- untrusted text -------------------------------------------------------------------------------------------


HOSTILE = [
    "plain", "with: colon", "# not a comment", "- dash", "yes", "No", "~", "null", "1.5", "0x1f", "2021-09-28",
    "'quoted'", '"double"', "a #hash", "trailing space ", " leading", "tab\there", "back\\slash", "[flow]",
    "{flow}", "a, b", "&anchor", "*alias", "!tag", "|block", ">folded", "%directive", "@at", "`tick`",
    "line\nbreak", "cr\rreturn", "nel\x85next", "ls\u2028sep", "ps\u2029sep", "bom\ufeff", "del\x7f", "esc\x1b[31m",
    "bell\x07", "c1\x9b", "emoji 🇲🇱", "rtl \u202eevil", "é’—ï", "…", ":", "?", "-", "a: b #c", "key:", "=",
]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE)
def test_scalars_read_back_as_written(value: str) -> None:
    document = f"title: {emit.scalar(value)}\ntags: {emit.flow([value, 'x'])}\n"
    assert "\n" not in document.rstrip("\n").replace("\ntags", "")  # one line each
    assert yaml.safe_load(document) == {"title": value, "tags": [value, "x"]}
    loaded = loading.load_text(document, "x.yaml", "yaml").data
    assert loaded == {"title": value, "tags": [value, "x"]}


@pytest.mark.parametrize("value", HOSTILE)
def test_comments_cannot_be_escaped(value: str) -> None:
    document = emit.comment(f"candidate {value}") + "\nkey: 1\n"
    assert yaml.safe_load(document) == {"key": 1}


def test_hostile_article_is_harmless_on_the_terminal_and_in_the_draft(desk: Path) -> None:
    article = (
        "Title \x1b[31mred\x1b[0m: a # b\u2028\n"
        "Regions: Sahel, \x1b]0;pwned\x07Nowhere\n"
        "Nations: Mali\n\n"
        "<script>alert(1)</script> and \u202eevil text.\n\n"
        "> quoted\n\n---\n"
    )
    (desk / "evil.txt").write_text(article, encoding="utf-8")
    code, _, err = process("import", "evil.txt", "-o", "evil.md", "--collection", str(EXAMPLES), "--date",
                           "2024-01-01", cwd=desk)  # fmt: skip
    assert code == 0, err
    assert b"\x1b" not in err and b"\x07" not in err
    data = load(desk / "evil.md")
    assert data["title"] == "Title [31mred[0m: a # b"  # control characters removed, the rest kept
    assert data["regions"] == ["sahel"]
    body = data["body"]
    assert body.startswith("\\<script>alert(1)\\</script>")
    assert "\\> quoted" in body and "\\---" in body
    assert json.dumps(data)  # plain data


def test_import_help_imports_nothing_heavy() -> None:
    """Covered for every command by tests/test_imports.py; here: trafilatura only loads for web pages."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom brief.cli.main import main\n"
        "try:\n    main(['import', '-', '-o', '-', '--no-link', '--date', '2024-01-01'])\n"
        "except SystemExit:\n    pass\n"
        "print('TRAFILATURA=' + str('trafilatura' in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=b"Title\n\nText.\n", capture_output=True, cwd=ROOT, check=False
    )
    assert result.stderr.decode().strip().endswith("TRAFILATURA=False")
