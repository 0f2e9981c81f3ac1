"""Reading publications: plain text documents and the manifest of known checksums."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from pubcheck.model import Finding, InputError, Location

TEXT_SUFFIXES = {".txt", ".md", ".text"}
CONVERTED_SUFFIXES = {".pdf", ".html", ".htm", ".xlsx", ".ods", ".csv"}


@dataclass
class Document:
    path: str  # as given (relative to where the user pointed pubcheck)
    lines: list[str]
    sha256: str
    manifest_id: str | None = None
    figures: list = field(default_factory=list)  # filled by extraction
    # Where each line came from, for documents converted from PDF, HTML or spreadsheets:
    # {"page": p, "page_line": n} | {"section": "..."} | {"sheet": s, "row": r, "col0": c}
    places: list[dict] | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    def place(self, loc: Location, col: int | None = None) -> Location:
        """`loc` with the page, section or sheet/cell of its line (col: a table cell's index)."""
        if not self.places or not 1 <= loc.line <= len(self.places):
            return loc
        p = self.places[loc.line - 1]
        if "page" in p:
            return replace(loc, page=p["page"], page_line=p.get("page_line"))
        if "sheet" in p:
            cell = None
            if p.get("row") is not None:
                cell = f"{column_letter(int(p.get('col0', 0)) + (col or 0))}{p['row']}"
            return replace(loc, sheet=p["sheet"], cell=cell)
        if "section" in p:
            return replace(loc, section=p["section"])
        return loc


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class LoadResult:
    documents: list[Document]
    findings: list[Finding]
    unreadable: list[str]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_manifest(directory: Path) -> dict | None:
    p = directory / "manifest.json"
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{p}: manifest is not valid JSON ({exc})") from exc


def bundled_manifest() -> dict | None:
    from pubcheck.paths import published_dir

    d = published_dir()
    return load_manifest(d) if d else None


def discover(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    suffixes = TEXT_SUFFIXES | CONVERTED_SUFFIXES
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                  and p.name.lower() not in {"readme.md", "readme.txt"})  # fmt: skip


def load_documents(target: Path, display_root: Path | None = None) -> LoadResult:
    """Read every text document under `target`, checking sha256 against the manifests.

    A document whose checksum differs from the manifest is a new draft: reported as info,
    and checked like any other. An unreadable document becomes an error finding; the
    others are still read.
    """
    paths = discover(target)
    manifest = load_manifest(target if target.is_dir() else target.parent) or bundled_manifest()
    known: dict[str, dict] = {}
    if manifest:
        for entry in manifest.get("documents", []):
            known[entry["file"]] = entry
    docs: list[Document] = []
    findings: list[Finding] = []
    unreadable: list[str] = []
    for p in paths:
        shown = _display(p, display_root)
        if p.suffix.lower() in CONVERTED_SUFFIXES:
            try:
                from pubcheck.documents.convert import convert

                data = p.read_bytes()
                doc = convert(p, shown, data)
            except Exception as exc:  # a broken PDF/HTML/sheet is a finding, the others go on
                unreadable.append(shown)
                findings.append(Finding(
                    check="unreadable-input", severity="error",
                    message=f"{shown} could not be read as {p.suffix.lstrip('.').upper()} "
                            f"({type(exc).__name__}: {exc}); it was not checked.",
                    expected=f"a readable {p.suffix} file", found=type(exc).__name__,
                    locations=(Location(shown, 0, ""),),
                ))  # fmt: skip
                continue
            entry = known.get(p.name)
            doc.manifest_id = entry["id"] if entry else None
            docs.append(doc)
            continue
        try:
            data = p.read_bytes()
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            unreadable.append(shown)
            line = data[: exc.start].count(b"\n") + 1
            findings.append(Finding(
                check="unreadable-input", severity="error",
                message=f"{shown} is not valid UTF-8 text (byte {exc.start}, line {line}); "
                        "it was not checked. Re-save it as UTF-8.",
                expected="UTF-8 text", found=f"invalid byte 0x{data[exc.start]:02x}",
                locations=(Location(shown, line, ""),),
            ))  # fmt: skip
            continue
        except OSError as exc:
            unreadable.append(shown)
            findings.append(Finding(
                check="unreadable-input", severity="error",
                message=f"{shown} could not be read ({exc.strerror}); it was not checked.",
                expected="a readable file", found=str(exc.strerror),
                locations=(Location(shown, 0, ""),),
            ))  # fmt: skip
            continue
        digest = sha256_bytes(data)
        entry = known.get(p.name)
        doc = Document(shown, text.splitlines(), digest, entry["id"] if entry else None)
        docs.append(doc)
        if entry and entry.get("sha256") != digest:
            findings.append(Finding(
                check="document-changed", severity="info",
                message=f"{shown} differs from the manifest's {entry['id']} "
                        f"({entry.get('title', '')}): treated as a new draft and checked in full.",
                expected=f"sha256 {entry.get('sha256')}", found=f"sha256 {digest}",
                locations=(Location(shown, 1, doc.lines[0] if doc.lines else ""),),
            ))  # fmt: skip
        elif entry is None and manifest is not None:
            findings.append(Finding(
                check="document-unknown", severity="info",
                message=f"{shown} is not in the manifest; its checksum cannot be verified.",
                expected="a manifest entry", found=f"sha256 {digest}",
                locations=(Location(shown, 1, doc.lines[0] if doc.lines else ""),),
            ))  # fmt: skip
    return LoadResult(docs, findings, unreadable)


def _display(p: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(p.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(p)
