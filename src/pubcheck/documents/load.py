"""Reading publications: plain text documents and the manifest of known checksums."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pubcheck.model import Finding, InputError, Location, changed

if TYPE_CHECKING:
    from pubcheck.limits import InputLimit, Limits

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
    # How it was read, for the report: a declared charset that was wrong, pages without text
    notes: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def place(self, loc: Location, col: int | None = None) -> Location:
        """`loc` with the page, section or sheet/cell of its line (col: a table cell's index)."""
        where = self.place_of(loc.line, col)
        return changed(loc, **where) if where else loc

    def place_of(self, line: int, col: int | None = None) -> dict[str, object]:
        """The Location fields that place `line` (and cell `col`) in the original file: page and
        line on the page, section, or sheet and cell; {} for a plain-text document."""
        if not self.places or not 1 <= line <= len(self.places):
            return {}
        p = self.places[line - 1]
        if "page" in p:
            return {"page": p["page"], "page_line": p.get("page_line")}
        if "sheet" in p:
            cell = None
            if p.get("row") is not None:
                cell = f"{column_letter(int(p.get('col0', 0)) + (col or 0))}{p['row']}"
            return {"sheet": p["sheet"], "cell": cell}
        if "section" in p:
            return {"section": p["section"]}
        return {}


@lru_cache(maxsize=4096)
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
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{p}: manifest is not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise InputError(f"{p}: manifest is nested too deeply to be a manifest") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise InputError(f"{p}: the manifest must be a JSON object with \"documents\": [{{\"file\", \"id\", "
                         "\"sha256\"}, ...]")  # fmt: skip
    return data


def bundled_manifest() -> dict | None:
    from pubcheck.paths import published_dir

    d = published_dir()
    return load_manifest(d) if d else None


def discover(directory: Path) -> list[Path]:
    """The documents in `directory` (or the one file named), those pubcheck reads, in name order."""
    return discover_all(directory)[0]


def discover_all(directory: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The documents in `directory` and the entries with a document's suffix that are skipped,
    with why: not a regular file (a FIFO, a device, a folder), or a symbolic link that leads
    outside the folder (never followed)."""
    if directory.is_file():
        return [directory], []
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    suffixes = TEXT_SUFFIXES | CONVERTED_SUFFIXES
    root = directory.resolve()
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in sorted(directory.iterdir()):
        if p.suffix.lower() not in suffixes or p.name.lower() in {"readme.md", "readme.txt"}:
            continue
        why = outside_or_special(p, root)
        if why:
            skipped.append((p, why))
        else:
            found.append(p)
    return found, skipped


def outside_or_special(p: Path, root: Path) -> str | None:
    """Why `p` (in folder `root`) must not be read, or None: a link out of the folder is never
    followed, and only regular files are read (a FIFO would block, a device never end)."""
    import stat

    if p.is_symlink():
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a symbolic link to nothing (or a loop of links)"
        if not target.is_relative_to(root):
            return f"a symbolic link to {target}, outside {root}: not followed"
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        return f"{kind}, not a document file: not read"
    return None


def read_limited(p: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing one larger than `limit` before reading it."""
    size = p.stat().st_size
    if size > limit:
        from pubcheck.limits import InputLimit

        raise InputLimit("bytes", limit, f"{size:,} bytes")
    with p.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # it grew while we looked
        from pubcheck.limits import InputLimit

        raise InputLimit("bytes", limit, f"more than {limit:,} bytes")
    return data


def _entries(target: Path) -> tuple[dict | None, dict[str, dict]]:
    manifest = load_manifest(target if target.is_dir() else target.parent) or bundled_manifest()
    known: dict[str, dict] = {}
    if manifest:
        for entry in manifest.get("documents", []) if isinstance(manifest, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                known[entry["file"]] = entry
    return manifest, known


def plan(target: Path, display_root: Path | None = None) -> tuple[list[tuple[Path, str, dict | None, bool]],
                                                                  list[Finding], list[str]]:  # fmt: skip
    """What load_documents reads: (path, shown, manifest entry, a manifest exists) per document,
    and the findings and unreadable names of the entries it skips."""
    paths, skipped = discover_all(target)
    manifest, known = _entries(target)
    findings: list[Finding] = []
    unreadable: list[str] = []
    for p, why in skipped:
        shown = _display(p, display_root)
        unreadable.append(shown)
        findings.append(Finding(
            check="unreadable-input", severity="error",
            message=f"{shown} is {why}; it was not checked.",
            expected="a regular file inside the folder", found=why.split(",")[0].split(":")[0],
            locations=(Location(shown, 0, ""),),
        ))  # fmt: skip
    jobs = [(p, _display(p, display_root), known.get(p.name), manifest is not None) for p in paths]
    return jobs, findings, unreadable


def read_one(p: Path, shown: str, entry: dict | None, has_manifest: bool,
             limits: Limits | None = None) -> tuple[Document | None, list[Finding]]:  # fmt: skip
    """Read one document (None when it cannot be read) and the findings about reading it.
    A budget exceeded (pubcheck.limits) raises InputLimit; the caller reports it."""
    from pubcheck.limits import DEFAULT, InputLimit

    limits = limits or DEFAULT
    findings: list[Finding] = []
    if p.suffix.lower() in CONVERTED_SUFFIXES:
        try:
            from pubcheck.documents.convert import convert

            data = read_limited(p, limits.bytes)
            doc = convert(p, shown, data, limits)
        except InputLimit:
            raise
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a broken PDF/HTML/sheet is a finding, the others go on
            # (BaseException: a Rust panic in python-calamine is one)
            return None, [Finding(
                check="unreadable-input", severity="error",
                message=f"{shown} could not be read as {p.suffix.lstrip('.').upper()} "
                        f"({type(exc).__name__}: {exc}); it was not checked.",
                expected=f"a readable {p.suffix} file", found=type(exc).__name__,
                locations=(Location(shown, 0, ""),),
            )]  # fmt: skip
        doc.manifest_id = entry.get("id") if entry else None
        check_text(doc, limits)
        return doc, doc.notes
    try:
        data = read_limited(p, limits.bytes)
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Finding(
            check="unreadable-input", severity="error",
            message=f"{shown} is not valid UTF-8 text (byte {exc.start}, line {line}); "
                    "it was not checked. Re-save it as UTF-8.",
            expected="UTF-8 text", found=f"invalid byte 0x{data[exc.start]:02x}",
            locations=(Location(shown, line, ""),),
        )]  # fmt: skip
    except OSError as exc:
        return None, [Finding(
            check="unreadable-input", severity="error",
            message=f"{shown} could not be read ({exc.strerror}); it was not checked.",
            expected="a readable file", found=str(exc.strerror),
            locations=(Location(shown, 0, ""),),
        )]  # fmt: skip
    if len(text) > limits.text:
        raise InputLimit("text", limits.text, f"{len(text):,} characters")
    digest = sha256_bytes(data)
    doc = Document(shown, text.splitlines(), digest, entry.get("id") if entry else None)
    if entry and entry.get("sha256") != digest:
        findings.append(Finding(
            check="document-changed", severity="info",
            message=f"{shown} differs from the manifest's {entry.get('id')} "
                    f"({entry.get('title', '')}): treated as a new draft and checked in full.",
            expected=f"sha256 {entry.get('sha256')}", found=f"sha256 {digest}",
            locations=(Location(shown, 1, doc.lines[0][:200] if doc.lines else ""),),
        ))  # fmt: skip
    elif entry is None and has_manifest:
        findings.append(Finding(
            check="document-unknown", severity="info",
            message=f"{shown} is not in the manifest; its checksum cannot be verified.",
            expected="a manifest entry", found=f"sha256 {digest}",
            locations=(Location(shown, 1, doc.lines[0][:200] if doc.lines else ""),),
        ))  # fmt: skip
    return doc, findings


def check_text(doc: Document, limits: Limits) -> None:
    """A converted document's text against the `text` budget."""
    from pubcheck.limits import InputLimit

    total = sum(len(line) for line in doc.lines)
    if total > limits.text:
        raise InputLimit("text", limits.text, f"{total:,} characters of text")


def limit_finding(shown: str, exc: InputLimit) -> Finding:
    """The `input-limit` error for a document that exceeds a budget."""
    return Finding(
        check="input-limit", severity="error",
        message=f"{shown}: {exc}; it was not checked.",
        expected=f"{exc.limit} <= {exc.value}", found=exc.found,
        locations=(Location(shown, 0, exc.where),),
    )  # fmt: skip


def load_documents(target: Path, display_root: Path | None = None, limits: Limits | None = None) -> LoadResult:
    """Read every document under `target` in this process, checking sha256 against the manifests.

    A document whose checksum differs from the manifest is a new draft: reported as info,
    and checked like any other. An unreadable document, or one over a budget, becomes an
    error finding; the others are still read. (pubcheck.figures.read reads documents in
    worker processes, with operating-system limits, and extracts their figures there.)
    """
    from pubcheck.limits import InputLimit

    jobs, findings, unreadable = plan(target, display_root)
    docs: list[Document] = []
    for p, shown, entry, has_manifest in jobs:
        try:
            doc, more = read_one(p, shown, entry, has_manifest, limits)
        except InputLimit as exc:
            doc, more = None, [limit_finding(shown, exc)]
        findings += more
        if doc is None:
            unreadable.append(shown)
        else:
            docs.append(doc)
    return LoadResult(docs, findings, unreadable)


def _display(p: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(p.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(p)
