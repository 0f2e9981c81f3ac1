"""HTML publication pages (gov.uk style) as a Document: one line per heading, paragraph and
list item, tables as tab-separated rows under their caption, and a section for every line
("Key Indicator 5 > p[3]", "Table 3 > tr[2]").

Navigation, page furniture and scripts (script, style, nav, header, footer, aside, form,
noscript, role=navigation) are ignored, and so is what the page hides (hidden, aria-hidden,
display:none), inside a paragraph as around it.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from pubcheck.documents.load import Document
from pubcheck.limits import DEFAULT, InputLimit, Limits
from pubcheck.model import Finding, Location

_TEXT_TYPES = (NavigableString, CData)  # what get_text() joins (not comments, scripts or styles)

IGNORED = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TEXT_BLOCKS = {"p", "li", "dt", "dd"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TABLE_ID = re.compile(r"^\s*(?:#+\s*)?((?:Table|Figure)\s+[A-Z]?\d+[a-z]?)\b", re.I)
_SHORT = re.compile(r"^(.{3,60}?)(?::\s|\.\s|\s[–—-]\s)")
TOP = "top"


_WIDE = ("utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4", "unicode")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))  # fmt: skip


def decode(data: bytes) -> str:
    """The page's text: the charset of its meta tag, else UTF-8 (undecodable bytes raise)."""
    return decode_page(data)[0]


def decode_page(data: bytes) -> tuple[str, str | None]:
    """The page's text and, when its declared charset was not the one it is written in, why
    it was read otherwise. A byte-order mark wins; a meta tag readable as ASCII cannot declare
    a UTF-16 or UTF-32 page (those would not spell it in single bytes): such a page is read as
    UTF-8. Undecodable bytes raise."""
    for bom, charset in _BOMS:
        if data.startswith(bom):
            return data.decode(charset + ("-sig" if charset == "utf-8" else "")), None
    m = _META_CHARSET.search(data[:4096])
    charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    if charset.startswith(_WIDE):
        return data.decode("utf-8"), (f"declares charset {charset} but its meta tag is written in single bytes; "
                                      "read as UTF-8")  # fmt: skip
    try:
        import codecs

        codecs.lookup(charset)
    except LookupError:
        return data.decode("utf-8"), f"declares an unknown charset {charset!r}; read as UTF-8"
    return data.decode(charset), None


def clean(text: str) -> str:
    return " ".join(text.split())


def _hidden(el: Tag) -> bool:
    name = (el.name or "").lower()
    if name in IGNORED or (el.get("role") or "").lower() == "navigation":
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def text_of(el: Tag) -> str:
    """The text a reader sees in `el`, words joined by single spaces: like get_text(" "), but
    without what the page hides or never shows (<noscript>, hidden, display:none, scripts)."""
    parts: list[str] = []
    stack: list = list(reversed(el.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if not _hidden(node):
                stack.extend(reversed(node.contents))
        elif type(node) in _TEXT_TYPES:
            parts.append(node)
    return clean(" ".join(parts))


def _cells(tr: Tag) -> list[Tag]:
    """The th/td cells of a row, in order, not those of a table nested in it (as find_all with a
    parent check, without a search per row: a page of 30,000 rows spent most of its time there)."""
    out: list[Tag] = []
    stack: list = list(reversed(tr.contents))
    while stack:
        node = stack.pop()
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in ("th", "td"):
            out.append(node)
        elif name not in ("tr", "table"):
            stack.extend(reversed(node.contents))
    return out


def depth_of(root: Tag, limit: int) -> int:
    """How deeply elements nest under `root` (without recursion); stops counting past `limit`."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            break
        stack.extend((c, d + 1) for c in el.contents if isinstance(c, Tag))
    return deepest


def section_name(heading: str) -> str:
    """A short name for a heading: 'Key Indicator 5: Helping ...' -> 'Key Indicator 5'."""
    text = clean(heading).lstrip("#").strip()
    m = _TABLE_ID.match(text)
    if m:
        return clean(m.group(1))
    m = _SHORT.match(text)
    if m:
        return m.group(1).strip()
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


class _Builder:
    def __init__(self, limits: Limits = DEFAULT) -> None:
        self.limits = limits
        self.chars = 0  # of text emitted (nested unclosed blocks repeat their text: bounded by `text`)
        self.cells = 0
        self.lines: list[str] = []
        self.places: list[dict] = []
        self.section = TOP
        self.counts: dict[tuple[str, str], int] = {}
        self.last_text = ""  # the last heading/paragraph emitted (a table's caption, when it starts 'Table')

    def emit(self, line: str, where: str | None) -> None:
        self.chars += len(line)
        if self.chars > self.limits.text:
            raise InputLimit("text", self.limits.text, f"more than {self.limits.text:,} characters of text",
                             f"{self.section} (line {len(self.lines) + 1})")  # fmt: skip
        self.lines.append(line)
        self.places.append({"section": f"{self.section} > {where}" if where else self.section})

    def numbered(self, section: str, element: str) -> str:
        key = (section, element)
        self.counts[key] = self.counts.get(key, 0) + 1
        return f"{element}[{self.counts[key]}]"

    def walk(self, el: Tag) -> None:
        for child in el.children:
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if _hidden(child):
                continue
            if name in HEADINGS:
                text = text_of(child)
                if text:
                    self.section = section_name(text)
                    self.emit(text, None)
                    self.last_text = text
            elif name in TEXT_BLOCKS:
                text = text_of(child)
                if text:
                    self.emit(text, self.numbered(self.section, name))
                    self.last_text = text
            elif name == "table":
                self.table(child)
            else:
                self.walk(child)

    def table(self, table: Tag) -> None:
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        caption_tag = table.find("caption")
        caption = text_of(caption_tag) if caption_tag is not None else ""
        outer = self.section
        if caption:
            section = section_name(caption) if _TABLE_ID.match(caption) else f"{outer} > {caption[:40]}"
        elif _TABLE_ID.match(self.last_text):
            section = section_name(self.last_text)
        elif _TABLE_ID.fullmatch(outer) and (outer, "tr") not in self.counts:  # under its 'Table 3. ...' heading
            section = outer
        else:
            section = f"{outer} > {self.numbered(outer, 'table')}"
        self.emit("", None)
        if caption:
            self.section = section
            self.emit(caption, "caption")
        self.section = section
        for tr in rows:
            cells = [c for c in _cells(tr) if not _hidden(c)]
            self.cells += len(cells)
            if self.cells > self.limits.cells:
                raise InputLimit("cells", self.limits.cells, f"more than {self.limits.cells:,} table cells",
                                 f"{section} > tr[{self.counts.get((section, 'tr'), 0) + 1}]")  # fmt: skip
            line = "\t".join(text_of(c) for c in cells)
            if line.strip():
                self.emit(line, self.numbered(section, "tr"))
        self.section = outer
        self.emit("", None)
        self.last_text = ""


def to_lines(html: str, limits: Limits = DEFAULT) -> tuple[list[str], list[dict]]:
    soup = BeautifulSoup(html, "html.parser")
    depth = depth_of(soup, limits.html_depth)
    if depth > limits.html_depth:
        raise InputLimit("html_depth", limits.html_depth, f"elements nested more than {limits.html_depth} deep")
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    b = _Builder(limits)
    if isinstance(root, NavigableString):  # pragma: no cover - find() never returns text here
        return [], []
    b.walk(root)
    return b.lines, b.places


def to_document(path: Path, shown: str, data: bytes, limits: Limits = DEFAULT) -> Document:
    if len(data) > limits.html_bytes:
        raise InputLimit("html_bytes", limits.html_bytes, f"{len(data):,} bytes")
    text, why = decode_page(data)
    lines, places = to_lines(text, limits)
    doc = Document(shown, lines, "", places=places)
    if why:
        doc.notes.append(Finding(
            check="input-encoding", severity="warning", message=f"{shown} {why}.",
            expected="the charset the page is written in", found=why.split(";")[0],
            locations=(Location(shown, 0, ""),),
        ))  # fmt: skip
    return doc
