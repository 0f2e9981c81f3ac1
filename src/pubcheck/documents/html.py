"""HTML publication pages (gov.uk style) as a Document: one line per heading, paragraph and
list item, tables as tab-separated rows under their caption, and a section for every line
("Key Indicator 5 > p[3]", "Table 3 > tr[2]").

Navigation, page furniture and scripts (script, style, nav, header, footer, aside, form,
noscript, role=navigation) are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from pubcheck.documents.load import Document

IGNORED = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TEXT_BLOCKS = {"p", "li", "dt", "dd"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TABLE_ID = re.compile(r"^\s*(?:#+\s*)?((?:Table|Figure)\s+[A-Z]?\d+[a-z]?)\b", re.I)
_SHORT = re.compile(r"^(.{3,60}?)(?::\s|\.\s|\s[–—-]\s)")
TOP = "top"


def decode(data: bytes) -> str:
    """The page's text: the charset of its meta tag, else UTF-8 (undecodable bytes raise)."""
    m = _META_CHARSET.search(data[:4096])
    charset = m.group(1).decode("ascii") if m else "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        charset, data = "utf-8", data[3:]
    return data.decode(charset)


def clean(text: str) -> str:
    return " ".join(text.split())


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
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: list[dict] = []
        self.section = TOP
        self.counts: dict[tuple[str, str], int] = {}
        self.last_text = ""  # the last heading/paragraph emitted (a table's caption, when it starts 'Table')

    def emit(self, line: str, where: str | None) -> None:
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
            if name in IGNORED or (child.get("role") or "").lower() == "navigation":
                continue
            if child.get("hidden") is not None or (child.get("aria-hidden") or "").lower() == "true":
                continue
            if name in HEADINGS:
                text = clean(child.get_text(" "))
                if text:
                    self.section = section_name(text)
                    self.emit(text, None)
                    self.last_text = text
            elif name in TEXT_BLOCKS:
                text = clean(child.get_text(" "))
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
        caption = clean(caption_tag.get_text(" ")) if caption_tag is not None else ""
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
            cells = [c for c in tr.find_all(["th", "td"]) if c.find_parent("tr") is tr]
            line = "\t".join(clean(c.get_text(" ")) for c in cells)
            if line.strip():
                self.emit(line, self.numbered(section, "tr"))
        self.section = outer
        self.emit("", None)
        self.last_text = ""


def to_lines(html: str) -> tuple[list[str], list[dict]]:
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    b = _Builder()
    if isinstance(root, NavigableString):  # pragma: no cover - find() never returns text here
        return [], []
    b.walk(root)
    return b.lines, b.places


def to_document(path: Path, shown: str, data: bytes) -> Document:
    lines, places = to_lines(decode(data))
    return Document(shown, lines, "", places=places)
