"""`datapackage.json` beside the extracts, read defensively: the sampling scales, and every
resource checked against the folder.

A data package is data: nothing in it is trusted. Each problem is an `extract-datapackage`
finding naming the file and the place in it (`resources[2].path`), never an exception:

- a file that is not JSON (with its line and column), nested too deeply, not an object, or
  whose `resources` is not a list of objects;
- a resource path that leaves the folder (absolute, `..`, a link out of it) or is a URL
  (accepted, never read, with `allow_remote`; pubcheck validates local files only);
- a resource whose file is missing, or is not a regular file (a FIFO would block the reader);
- a `pubcheck:scale` that is not a finite number above 0.

When the package cannot be read, the scales are unknown (`scales_known` False): counts that
are grossed up by a sample's scale are then not recomputed, instead of all being wrong.
"""

from __future__ import annotations

import json
import math
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pubcheck.model import Finding, Location

CHECK = "extract-datapackage"
MAX_BYTES = 16 * 1024 * 1024  # a data package's metadata; the data are beside it


@dataclass
class Package:
    path: Path
    scales: dict[str, float] = field(default_factory=dict)  # resource name -> scale; "" the package's
    resources: dict[str, Path] = field(default_factory=dict)  # resource name -> local file (checked)
    findings: list[Finding] = field(default_factory=list)
    scales_known: bool = True

    def problem(self, where: str, message: str, expected: str, found: str, severity: str = "error",
                line: int = 0) -> None:  # fmt: skip
        self.findings.append(Finding(
            check=CHECK, severity=severity, message=f"{self.path}: {where}: {message}",
            expected=expected, found=found[:200], locations=(Location(str(self.path), line, where),),
        ))  # fmt: skip


def read_package(directory: Path, *, allow_remote: bool = False) -> Package:
    """The data package of an extracts folder (an empty one when there is none)."""
    path = directory / "datapackage.json"
    pkg = Package(path)
    if not path.exists() and not path.is_symlink():
        return pkg
    root = directory.resolve()
    why = _not_readable(path, root)
    if why:
        pkg.scales_known = False
        pkg.problem("file", f"{why}; it was not read, so counts grossed up by a scale are not recomputed",
                    "a regular file inside the folder", why)  # fmt: skip
        return pkg
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
        if len(raw) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES:,} bytes")
        data = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        pkg.scales_known = False
        pkg.problem(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg}); counts grossed up by "
                    "a scale are not recomputed", "a JSON data package", exc.msg, line=exc.lineno)  # fmt: skip
        return pkg
    except (ValueError, OSError, RecursionError) as exc:
        pkg.scales_known = False
        what = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
        pkg.problem("file", f"cannot be read as a data package ({what}); counts grossed up by a scale are not "
                    "recomputed", "a JSON data package", what)  # fmt: skip
        return pkg
    if not isinstance(data, dict):
        pkg.scales_known = False
        pkg.problem("top level", f"a data package is a JSON object, not {_kind(data)}; counts grossed up by a "
                    "scale are not recomputed", "a JSON object", _kind(data))  # fmt: skip
        return pkg
    _scale(pkg, data, "", "pubcheck:scale")
    resources = data.get("resources", [])
    if not isinstance(resources, list):
        pkg.problem("resources", f"must be a list of resources, not {_kind(resources)}", "a list", _kind(resources))
        return pkg
    for i, res in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            pkg.problem(where, f"a resource is a JSON object, not {_kind(res)}", "an object", _kind(res))
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            pkg.problem(f"{where}.name", "a resource needs a name", "a name", repr(name))
            continue
        _scale(pkg, res, name, f"{where}.pubcheck:scale")
        _resource(pkg, root, directory, res.get("path"), name, f"{where}.path", allow_remote)
    return pkg


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _scale(pkg: Package, holder: dict, name: str, where: str) -> None:
    if "pubcheck:scale" not in holder:
        return
    raw = holder["pubcheck:scale"]
    value = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else math.nan
    if not (math.isfinite(value) and value > 0):
        pkg.scales_known = False
        pkg.problem(where, f"the sampling scale must be a finite number above 0, not {raw!r}; counts "
                    "grossed up by a scale are not recomputed", "a finite scale > 0", repr(raw))  # fmt: skip
        return
    pkg.scales[name] = value


def unsafe_files(directory: Path, names: list[str]) -> list[tuple[Path, str]]:
    """Files of the given names in `directory` that must not be read, with why: links out of the
    folder (never followed) and anything but a regular file (a FIFO would block the reader)."""
    root = directory.resolve()
    out = []
    for name in names:
        p = directory / name
        if p.exists() or p.is_symlink():
            why = _not_readable(p, root)
            if why:
                out.append((p, why))
    return out


def _not_readable(p: Path, root: Path) -> str | None:
    if p.is_symlink():
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a symbolic link to nothing"
        if not target.is_relative_to(root):
            return f"a symbolic link to {target}, outside the folder: not followed"
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return "a FIFO, not a file" if stat.S_ISFIFO(mode) else "not a regular file"
    return None


def _resource(pkg: Package, root: Path, directory: Path, raw: Any, name: str, where: str, remote: bool) -> None:
    paths = raw if isinstance(raw, list) else [raw]
    for k, rel in enumerate(paths):
        at = f"{where}[{k}]" if isinstance(raw, list) else where
        if not isinstance(rel, str) or not rel:
            pkg.problem(at, "a resource path is a non-empty string", "a relative path", repr(rel))
            continue
        if "://" in rel or rel.lower().startswith(("file:", "http:", "https:", "ftp:", "data:")):
            if remote:
                pkg.problem(at, f"{rel!r} is remote: accepted (--allow-remote) but not read; pubcheck validates "
                            "the local files", "a local file", rel, severity="info")  # fmt: skip
            else:
                pkg.problem(at, f"{rel!r} is a URL: refused (pubcheck reads only the package's folder; "
                            "--allow-remote accepts it without reading it)", "a path inside the folder", rel)
            continue
        pure = PurePosixPath(rel.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or "\x00" in rel or (len(rel) > 1 and rel[1] == ":"):
            pkg.problem(at, f"{rel!r} leaves the package folder: refused (paths must be relative, without '..')",
                        "a path inside the folder", rel)  # fmt: skip
            continue
        p = directory / pure
        if not p.exists() and not p.is_symlink():
            pkg.problem(at, f"resource {name!r}: its file {rel} does not exist", "the file", "missing")
            continue
        why = _not_readable(p, root)
        if why:
            pkg.problem(at, f"resource {name!r}: {rel} is {why}; it was not read", "a regular file", why)
            continue
        pkg.resources.setdefault(name, p)
