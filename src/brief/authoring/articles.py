"""Reading an article — plain text, Markdown or a saved web page — into its title, header fields and a
Markdown body.

Plain text in the shape analysts paste from a web page: the first line is the title; `Domains:`, `Regions:`,
`Nations:` (and `Tags:`, `Authors:`, `Date:`, in English or French) lines may follow; then paragraphs, with
`•` (or `-`, `–`, `*`, `▪` …) bullets that become a Markdown list. Trailing page furniture (`Share:`, "Read
more", cookie notices, copyright lines) is dropped, and every dropped line is reported. Typography (’ — « »
é ï) is kept as it is.

Markdown keeps its front matter (to be completed); a web page's main text is extracted by trafilatura, a
library built for that, imported only when a page is read.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from brief.base.text import fold

MAX_BYTES = 16 * 1024 * 1024  # a saved web page can be large; an article is not larger than this
MAX_TITLE = 200  # a first line longer than this is a paragraph, not a title

Kind = str  # "text", "markdown" or "html"
KINDS = ("text", "markdown", "html")
_EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}  # fmt: skip

# header lines: field -> the labels analysts and web pages write for it (folded)
HEADER_LABELS = {
    "title": ("title", "titre"),
    "domains": ("domain", "domains", "domaine", "domaines", "theme", "themes", "thematique", "thematiques",
                "subject", "subjects", "sujet", "sujets"),
    "regions": ("region", "regions", "zone", "zones", "zone geographique"),
    "nations": ("nation", "nations", "country", "countries", "pays"),
    "tags": ("tag", "tags", "keywords", "key words", "mots-cles", "mots cles", "etiquettes"),
    "authors": ("author", "authors", "auteur", "auteurs", "by", "par"),
    "date": ("date", "published", "publication", "publie le", "date de publication", "published on"),
    "language": ("language", "langue", "lang"),
}  # fmt: skip
_HEADER_FIELD = {label: name for name, labels in HEADER_LABELS.items() for label in labels}
_HEADER = re.compile(r"^([^\W\d_][\w' \-]{0,30}?)\s*:\s*(.*)$")

_BULLET = re.compile(r"^(?:[•◦▪▫‣●○■□∙·–—*+]|-(?!-))\s+(.*)$")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
# trailing page furniture, matched on folded lines
_FURNITURE = re.compile(
    r"^(?:"
    r"(?:share|partager|partagez)(?:\s+(?:this|cet|l'|on|sur|via)\b.*)?\s*:?\s*(?:(?:facebook|twitter|x|linkedin|"
    r"whatsapp|telegram|email|e-mail|print|imprimer)\b[\s,|·•/]*)*"
    r"|(?:read more|read also|see also|related(?: articles| posts| stories)?|more on this|lire (?:aussi|la suite|plus)"
    r"|voir aussi|en savoir plus|a lire aussi|articles? (?:similaires|lies|connexes))\b.{0,80}"
    r"|(?:(?:facebook|twitter|x|linkedin|whatsapp|telegram|email|e-mail|print|imprimer|tweet|pin it|reddit)"
    r"[\s,|·•/]*)+"
    r"|(?:©|\(c\)|copyright\b).{0,150}|.{0,120}\b(?:all rights reserved|tous droits reserves)\b.{0,40}"
    r"|(?:subscribe|abonnez-vous|s'abonner|sign up|inscrivez-vous|newsletter)\b.{0,100}"
    r"|(?:advertisement|publicite|sponsored|annonce)"
    r"|(?:previous|next|precedent|suivant)(?: (?:article|post|story))?"
    r"|(?:comments?|commentaires?)(?: \(\d+\))?|(?:leave a (?:comment|reply)|laisser un commentaire).{0,40}"
    r"|(?:back to top|retour en haut|top of page)"
    r")\s*:?\s*$"
)
_COOKIES = re.compile(r"\bcookies?\b")
_COOKIE_CONTEXT = re.compile(
    r"\b(?:accept|consent|use|uses|using|utilis\w*|accepter|acceptez|continu\w*|privacy|confidentialite|settings"
    r"|parametres|manage|gerer|policy|politique)\b"
)
_LINE_START_ESCAPES = re.compile(r"^(#|>|=+\s*$|-{3,}\s*$|_{3,}\s*$|\*{3,}\s*$|`{3,}|~{3,}|\+\s)")
_TAG_START = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "janvier", "jan"), ("february", "fevrier", "feb", "fev"), ("march", "mars", "mar"),
         ("april", "avril", "apr", "avr"), ("may", "mai"), ("june", "juin", "jun"),
         ("july", "juillet", "jul", "juil"), ("august", "aout", "aug"), ("september", "septembre", "sep", "sept"),
         ("october", "octobre", "oct"), ("november", "novembre", "nov"), ("december", "decembre", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip


class ArticleError(Exception):
    """An article that cannot be read or decoded: one line for the user, and the others are still imported."""


@dataclass
class Article:
    """What an article holds, before it is mapped to a brief."""

    name: str  # as the user gave it, for messages
    kind: Kind
    title: str | None = None
    title_made: bool = False  # no title line: made from the first words
    headers: list[tuple[str, str, str]] = field(default_factory=list)  # (field, label as written, value)
    blocks: list[str] = field(default_factory=list)  # the body in Markdown, one paragraph, list or heading each
    front: dict[str, Any] | None = None  # a Markdown article's front matter
    front_comments: bool = False  # that front matter had comments (which a draft does not keep)
    date: str | None = None  # the article's own date, when it says
    url: str | None = None
    publisher: str | None = None
    dropped: list[str] = field(default_factory=list)  # page furniture, as written

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks) + "\n" if self.blocks else ""

    def header(self, name: str) -> list[tuple[str, str]]:
        return [(label, value) for field_name, label, value in self.headers if field_name == name]


# --- reading --------------------------------------------------------------------------------------------------


def kind_of(name: str, raw: bytes) -> Kind:
    """The kind of an article by its extension, else by its first characters."""
    by_extension = _EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if by_extension:
        return by_extension
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    if head.startswith(b"---"):
        return "markdown"
    return "text"


def read_path(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ArticleError("is a folder, not an article") from None
    except OSError as exc:
        raise ArticleError(f"cannot read it: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ArticleError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not an article")
    return raw


def decode(raw: bytes) -> str:
    """UTF-8 (or UTF-16 with its byte-order mark) text; anything else is refused with where it fails."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ArticleError("not valid UTF-16 text, though it starts like it") from None
    if b"\x00" in raw:
        raise ArticleError("a binary file (it contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8 and import it again"
        ) from None
    return text.removeprefix("\ufeff")


def read_article(name: str, raw: bytes, kind: Kind | None = None) -> Article:
    """The article in `raw`, named `name` in messages; `kind` as given, else guessed."""
    if kind is None and os.path.splitext(name)[1].lower() in (".yaml", ".yml", ".json"):
        raise ArticleError("a YAML or JSON file is a brief already, not an article (brief validate checks it)")
    kind = kind or kind_of(name, raw)
    if kind == "html":
        return _from_html(name, raw)
    text = _clean(decode(raw))
    if not text.strip():
        raise ArticleError("empty: no text to import")
    if kind == "markdown":
        return _from_markdown(name, text)
    return _from_text(name, text)


def _clean(text: str) -> str:
    """Newlines as \\n, tabs as spaces, and no control characters (they have no place in a brief)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


# --- plain text -----------------------------------------------------------------------------------------------


def header_line(line: str) -> tuple[str, str, str] | None:
    """(field, label as written, value) when `line` is a header line such as `Regions: Afrique de l’Ouest`."""
    match = _HEADER.match(line.strip())
    if not match:
        return None
    name = _HEADER_FIELD.get(fold(match.group(1)))
    if name is None or not match.group(2).strip():
        return None
    return name, match.group(1).strip(), match.group(2).strip()


def _from_text(name: str, text: str) -> Article:
    article = Article(name, "text")
    lines = [line.strip() for line in text.split("\n")]
    index = 0
    while index < len(lines) and not lines[index]:
        index += 1
    first = header_line(lines[index])
    if first and first[0] == "title":
        article.title = first[2]
        index += 1
    elif len(lines[index]) <= MAX_TITLE:
        article.title = lines[index].lstrip("#").strip() or None
        index += 1
    index = _headers(article, lines, index)
    article.blocks = _blocks(lines[index:], escape=True)
    _drop_furniture(article)
    _headers_at_end(article)
    if article.title is None:
        _title_from_first_words(article)
    return article


def _headers(article: Article, lines: list[str], index: int) -> int:
    """Read the header lines after the title (blank lines between them allowed); return where the body starts."""
    while index < len(lines):
        if not lines[index]:
            index += 1
            continue
        found = header_line(lines[index])
        if found is None or found[0] == "title":
            break
        _add_header(article, found)
        index += 1
    return index


def _add_header(article: Article, found: tuple[str, str, str]) -> None:
    if found[0] == "date" and article.date is None:
        article.date = parse_date(found[2])
    article.headers.append(found)


def _headers_at_end(article: Article) -> None:
    """`Tags:` (or `Keywords:`) lines at the very end of an article are fields, not prose."""
    while article.blocks:
        lines = article.blocks[-1].split("\n")
        found = header_line(lines[-1].replace("\\", ""))
        if found is None or found[0] not in ("tags", "authors"):
            return
        _add_header(article, found)
        lines.pop()
        if lines:
            article.blocks[-1] = "\n".join(lines)
        else:
            article.blocks.pop()


def _title_from_first_words(article: Article) -> None:
    words = re.sub(r"[\\#>*_`]", "", article.body).split()
    if not words:
        return
    article.title = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    article.title_made = True


def _blocks(lines: list[str], escape: bool) -> list[str]:
    """Paragraphs and lists in Markdown from lines of plain text (blank lines between blocks). Consecutive
    bullets become one list, even with blank lines between them, as web pages copy them; a line right under a
    bullet (no blank line between) continues it, as hard-wrapped text does."""
    blocks: list[str] = []
    items: list[str] = []  # the list being built
    paragraph: list[str] = []
    in_item = False  # the previous line was a bullet or its continuation

    def literal(text: str) -> str:
        return _escape(text) if escape else text

    def end_paragraph() -> None:
        if paragraph:
            blocks.append("\n".join(literal(line) for line in paragraph))
            paragraph.clear()

    def end_list() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for line in lines:
        if not line:
            end_paragraph()
            in_item = False
            continue
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line) if bullet is None else None
        if bullet:
            end_paragraph()
            items.append("- " + literal(bullet.group(1)))
            in_item = True
        elif numbered:
            end_paragraph()
            items.append(f"{numbered.group(1)}. " + literal(numbered.group(2)))
            in_item = True
        elif in_item:
            items[-1] += " " + literal(line)
        else:
            end_list()
            paragraph.append(line)
    end_paragraph()
    end_list()
    return blocks


def _escape(line: str) -> str:
    """Plain text that Markdown would read as markup at the start of a line (a heading, a quote, a rule, a
    fence) or as an HTML tag, made literal."""
    line = _TAG_START.sub(r"\\<", line)
    return _LINE_START_ESCAPES.sub(r"\\\1", line, count=1)


def _drop_furniture(article: Article) -> None:
    """Drop trailing page furniture, and cookie notices wherever they are, reporting every line dropped."""
    kept: list[str] = []
    for block in article.blocks:
        lines = []
        for line in block.split("\n"):
            if _is_cookie_notice(line):
                article.dropped.append(line)
            else:
                lines.append(line)
        if lines:
            kept.append("\n".join(lines))
    trailing: list[str] = []
    while kept:
        lines = kept[-1].split("\n")
        if not _is_furniture(lines[-1]):
            break
        trailing.insert(0, lines.pop())
        if lines:
            kept[-1] = "\n".join(lines)
        else:
            kept.pop()
    article.dropped.extend(trailing)
    article.blocks = kept


def _is_furniture(line: str) -> bool:
    plain = fold(re.sub(r"^(?:- |\d+\. )", "", line).replace("\\", ""))
    return bool(_FURNITURE.match(plain))


def _is_cookie_notice(line: str) -> bool:
    folded = fold(line)
    return len(folded) < 400 and bool(_COOKIES.search(folded)) and bool(_COOKIE_CONTEXT.search(folded))


def parse_date(value: str) -> str | None:
    """YYYY-MM-DD from a date as articles write it: 2021-09-28, 28/09/2021, 28 September 2021,
    September 28, 2021, 28 septembre 2021; None when it is not one."""
    text = fold(value)
    found = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if found:
        parts = (int(found.group(1)), int(found.group(2)), int(found.group(3)))
    elif found := re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", text):
        parts = (int(found.group(3)), int(found.group(2)), int(found.group(1)))
    elif found := re.search(r"\b(\d{1,2})(?:er)?\s+([a-z]+)\.?,?\s+(\d{4})\b", text):
        month = _MONTHS.get(found.group(2))
        parts = (int(found.group(3)), month or 0, int(found.group(1)))
    elif found := re.search(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text):
        month = _MONTHS.get(found.group(1))
        parts = (int(found.group(3)), month or 0, int(found.group(2)))
    else:
        return None
    try:
        return datetime.date(*parts).isoformat()
    except ValueError:
        return None


# --- Markdown -------------------------------------------------------------------------------------------------


def _from_markdown(name: str, text: str) -> Article:
    from brief.format import loading

    article = Article(name, "markdown")
    body = text
    if text.lstrip("\n").startswith("---"):
        try:
            loaded = loading.load_text(text.lstrip("\n"), name, "markdown")
        except loading.LoadError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            raise ArticleError(f"its front matter cannot be read{where}: {exc.message}") from None
        article.front = loaded.data
        body = str(article.front.pop("body", ""))
        article.front_comments = bool(re.search(r"(?m)^\s*#|\s#\s", loaded.source.text))
        title = article.front.get("title")
        article.title = title.strip() if isinstance(title, str) and title.strip() else None
        date = article.front.get("date")
        article.date = date if isinstance(date, str) and parse_date(date) == date else None
    lines = body.split("\n")
    if article.title is None:
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            heading = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
            if heading:
                article.title = heading.group(1)
                del lines[index]
            break
    article.blocks = _markdown_blocks(lines)
    _drop_furniture(article)
    if (
        article.title is None
        and article.blocks
        and len(article.blocks[0]) <= MAX_TITLE
        and "\n" not in article.blocks[0]
    ):
        article.title = article.blocks.pop(0).lstrip("#").strip()
    if article.title is None:
        _title_from_first_words(article)
    return article


def _markdown_blocks(lines: list[str]) -> list[str]:
    """Markdown as written, cut at blank lines (outside fenced code) so that furniture can be dropped."""
    blocks: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in lines:
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if marker:
            fence = None if fence and marker.group(1).startswith(fence) else (fence or marker.group(1))
        if not line.strip() and fence is None:
            if current:
                blocks.append("\n".join(current).rstrip())
                current = []
            continue
        current.append(line.rstrip())
    if current:
        blocks.append("\n".join(current).rstrip())
    return blocks


# --- web pages ------------------------------------------------------------------------------------------------


@cache
def _quiet_libraries() -> None:
    """The extraction libraries' log warnings are not the user's business (Python would print them)."""
    import logging

    for library in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(library).addHandler(logging.NullHandler())


def _from_html(name: str, raw: bytes) -> Article:
    """A saved web page: its main text, title, date, address and site name, as trafilatura extracts them."""
    try:
        import trafilatura
        from trafilatura.utils import load_html
    except ImportError as exc:  # installed with brief; a broken environment says so in one line
        raise ArticleError(f"reading web pages needs trafilatura, which cannot be imported ({exc})") from None

    _quiet_libraries()
    tree = load_html(raw)
    if tree is None:
        raise ArticleError("not a web page that can be read")
    metadata = trafilatura.extract_metadata(tree)
    markdown = trafilatura.extract(
        tree, output_format="markdown", include_formatting=True, include_links=False, include_images=False,
        include_comments=False, include_tables=True, favor_recall=True,
    )  # fmt: skip
    article = Article(name, "html")
    title = _clean(metadata.title).strip() if metadata and metadata.title else None
    article.title = " ".join(title.split()) if title else None
    if metadata:
        article.date = parse_date(metadata.date) if metadata.date else None
        article.url = metadata.url if metadata.url and metadata.url.startswith(("http://", "https://")) else None
        article.publisher = " ".join(_clean(metadata.sitename).split()) if metadata.sitename else None
    if not markdown or not markdown.strip():
        raise ArticleError("no article text found in this web page")
    lines = [line.rstrip() for line in _clean(markdown).split("\n")]
    # the page's own heading repeats the title
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and article.title and fold(lines[0].lstrip("#").strip()) == fold(article.title):
        lines.pop(0)
    elif lines and article.title is None and lines[0].startswith("# "):
        article.title = lines.pop(0)[2:].strip()
    stripped = [line.strip() for line in lines]
    start = _headers(article, stripped, 0)
    article.blocks = [_TAG_START.sub(r"\\<", block) for block in _markdown_blocks(lines[start:])]
    _drop_furniture(article)
    _headers_at_end(article)
    if article.title is None:
        _title_from_first_words(article)
    return article
