"""Fetching the publications and tables listed in a sources manifest, with a local cache.

The manifest is JSON: a list (or {"sources": [...]}) of entries
    {"id", "url", "file", "licence", "sha256"?, "content_types"?, "allow_cross_host"?}.

Each source is served from the cache when the cached copy can be trusted (its sha256 equals
the manifest's, or, when the manifest has none, the one recorded when it was fetched), and
otherwise downloaded: connect/read timeouts, bounded retries with exponential backoff (on
connection errors, timeouts, truncated bodies and 5xx; never on 4xx) within an overall
deadline per source (a server trickling a byte now and then cannot hold it), redirects
followed by hand (same host and port only unless allowed; http to https on the default ports
is the same), a content-type check before the body is read, a size limit while streaming, and
an atomic write (temp file in the cache dir, fsync, verify, os.replace) inside the cache folder
only: a manifest's file name is a plain name of at most 200 bytes without folders or control
characters. A body whose sha256 differs from the manifest is kept aside as
``<file>.rejected`` and reported; the earlier cached copy, if any, stays.

Problems are pubcheck Findings (fetch-error, fetch-checksum, fetch-content-type,
fetch-too-large, fetch-redirect) so they render in the same report. An unusable manifest
raises ManifestError (an InputError: exit code 2).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from pubcheck.model import Finding, InputError, Location

USER_AGENT = "pubcheck/0.1"
MAX_NAME = 200  # bytes of a cached file's name (the cache adds '.meta.json' and temporary suffixes; 255 is the limit)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
DEFAULT_CONTENT_TYPES: tuple[str, ...] = (
    "text/*",  # text/plain, text/html, text/csv, ...
    "application/pdf",
    "application/xhtml+xml",
    "application/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",  # XLSX
    "application/vnd.oasis.opendocument.spreadsheet",  # ODS
    "application/vnd.apache.parquet",
    "application/x-parquet",
)
STATUSES = ("downloaded", "cached", "offline-cached", "failed")


class ManifestError(InputError):
    """The sources manifest cannot be used (missing, not JSON, bad entries)."""


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    file: str
    licence: str | None = None
    sha256: str | None = None
    content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    allow_cross_host: bool = False


@dataclass(frozen=True)
class FetchItem:
    """What happened to one source."""

    id: str
    url: str
    status: str  # downloaded | cached | offline-cached | failed
    path: Path | None  # the cached file, when there is a usable one
    bytes: int = 0
    seconds: float = 0.0
    sha256: str | None = None
    reason: str | None = None  # for failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "status": self.status,
            "path": None if self.path is None else str(self.path),
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "sha256": self.sha256,
            "reason": self.reason,
        }


@dataclass
class FetchResult:
    items: list[FetchItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> list[FetchItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.findings


# --------------------------------------------------------------------------- manifest


def load_manifest(path: Path) -> list[Source]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: no such sources manifest") from exc
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the sources manifest: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: the sources manifest is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise ManifestError(f"{path}: the sources manifest is nested too deeply to be a list of sources") from exc
    if isinstance(raw, dict) and isinstance(raw.get("sources"), list):
        raw = raw["sources"]
    if not isinstance(raw, list):
        raise ManifestError(f"{path}: the sources manifest must be a JSON list of sources (or {{\"sources\": [...]}})")
    sources: list[Source] = []
    ids: set[str] = set()
    files: set[str] = set()
    for n, e in enumerate(raw, 1):
        where = f"{path}: source #{n}"
        if not isinstance(e, dict):
            raise ManifestError(f"{where}: not a JSON object")
        for key in ("id", "url", "file"):
            if not isinstance(e.get(key), str) or not e[key].strip():
                raise ManifestError(f"{where}: missing or empty {key!r}")
        sid, url, name = e["id"].strip(), e["url"].strip(), e["file"].strip()
        where = f"{path}: source {sid!r}"
        if sid in ids:
            raise ManifestError(f"{where}: duplicate id")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ManifestError(f"{where}: url must be http(s)://host/...: {url!r}")
        if name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name or name.endswith(".rejected"):
            raise ManifestError(f"{where}: file must be a plain file name (no folders, not hidden): {name!r}")
        if any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name.encode("utf-8", "surrogatepass")) > MAX_NAME:
            raise ManifestError(f"{where}: file must be a plain file name of at most {MAX_NAME} bytes without "
                                f"control characters: {name[:80]!r}{'...' if len(name) > 80 else ''}")  # fmt: skip
        if any(ord(c) < 32 or ord(c) == 127 for c in sid) or len(sid) > 200:
            raise ManifestError(f"{path}: source #{n}: id must be at most 200 characters without control characters")
        if name in files:
            raise ManifestError(f"{where}: file {name!r} is used by another source")
        sha = e.get("sha256")
        if sha is not None:
            if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdefABCDEF" for c in sha):
                raise ManifestError(f"{where}: sha256 must be 64 hex digits")
            sha = sha.lower()
        types = e.get("content_types", DEFAULT_CONTENT_TYPES)
        if isinstance(types, str):
            types = [types]
        if not isinstance(types, list | tuple) or not types or not all(isinstance(t, str) for t in types):
            raise ManifestError(f"{where}: content_types must be a non-empty list of media types")
        cross = e.get("allow_cross_host", False)
        if not isinstance(cross, bool):
            raise ManifestError(f"{where}: allow_cross_host must be true or false")
        licence = e.get("licence")
        ids.add(sid)
        files.add(name)
        sources.append(
            Source(
                id=sid,
                url=url,
                file=name,
                licence=licence if isinstance(licence, str) else None,
                sha256=sha,
                content_types=tuple(t.strip().lower() for t in types),
                allow_cross_host=cross,
            )
        )
    return sources


# --------------------------------------------------------------------------- helpers


class _Fail(Exception):
    """One attempt failed: the finding check id, the reason, and whether to retry."""

    def __init__(self, check: str, reason: str, *, retry: bool = False, expected: str = "", found: str = ""):
        super().__init__(reason)
        self.check, self.reason, self.retry = check, reason, retry
        self.expected, self.found = expected, found


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _meta_path(cache_dir: Path, src: Source) -> Path:
    return cache_dir / f"{src.file}.meta.json"


def _read_meta(cache_dir: Path, src: Source) -> dict[str, Any] | None:
    try:
        meta = json.loads(_meta_path(cache_dir, src).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _fsync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _write_meta(cache_dir: Path, src: Source, meta: dict[str, Any]) -> None:
    target = _meta_path(cache_dir, src)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2, sort_keys=True)
            fh.write("\n")
            _fsync(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _trusted_cache(cache_dir: Path, src: Source) -> tuple[Path, str] | None:
    """The cached file and its sha256 when it may be used without a request, else None.

    Trusted: its sha256 equals the manifest's; or the manifest has none and it equals the
    one recorded in the meta file, for the same url."""
    path = cache_dir / src.file
    if not path.is_file():
        return None
    try:
        got = _sha256_file(path)
    except OSError:
        return None
    if src.sha256 is not None:
        return (path, got) if got == src.sha256 else None
    meta = _read_meta(cache_dir, src)
    if meta and meta.get("url") == src.url and meta.get("sha256") == got:
        return path, got
    return None


_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, int | None, str]:
    """(host, port, scheme) of a URL, the port made explicit: another port is another server."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1  # an unusable port never equals the source's
    return (parts.hostname or "").lower(), port or _PORTS.get(parts.scheme), parts.scheme


def _same_origin(a: tuple[str, int | None, str], b: tuple[str, int | None, str]) -> bool:
    """The same host and port; http on its default port to https on its default port (the usual
    upgrade) counts as the same."""
    if a[0] != b[0]:
        return False
    if a[1] == b[1] and a[2] == b[2]:
        return True
    return (a[2], a[1], b[2], b[1]) == ("http", 80, "https", 443)


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _type_allowed(media: str, allowed: tuple[str, ...]) -> bool:
    return bool(media) and any(fnmatchcase(media, pat) for pat in allowed)


def _finding(src: Source, check: str, message: str, expected: str, found: str, quote: str = "") -> Finding:
    return Finding(
        check=check,
        severity="error",
        message=message,
        expected=expected,
        found=found,
        locations=(Location(document=src.url, line=0, quote=quote or f"{src.id}: {src.file}"),),
    )


# --------------------------------------------------------------------------- download


class _Downloader:
    def __init__(self, session: requests.Session, cache_dir: Path, *, timeout: float, max_bytes: int,
                 allow_cross_host: bool, deadline: float = 300.0) -> None:  # fmt: skip
        self.session = session
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_cross_host = allow_cross_host
        self.deadline = deadline  # seconds for one source, all attempts included
        self.ends = float("inf")  # monotonic time the current source must be done by

    def left(self) -> float:
        return self.ends - time.monotonic()

    def _late(self, url: str) -> _Fail:
        return _Fail("fetch-error", f"{url}: the source took longer than its deadline of {self.deadline:g} s",
                     expected=f"done within {self.deadline:g} s", found="deadline passed")

    def attempt(self, src: Source) -> tuple[Path, int, str, Any, str]:
        """One try: follow redirects by hand, check the type and the size, stream to a temp
        file in the cache dir (fsynced). Returns (temp path, bytes, sha256, headers, final url)."""
        url = src.url
        origin = _origin(url)
        cross_ok = self.allow_cross_host or src.allow_cross_host
        for _hop in range(MAX_REDIRECTS + 1):
            if self.left() <= 0:
                raise self._late(url)
            wait = min(self.timeout, max(self.left(), 0.001))
            try:
                resp = self.session.get(url, stream=True, allow_redirects=False, timeout=(wait, wait))
            except requests.Timeout as exc:
                raise _Fail("fetch-error", f"timed out after {self.timeout:g} s: {exc}", retry=True) from exc
            except requests.ConnectionError as exc:
                raise _Fail("fetch-error", f"connection failed: {exc}", retry=True) from exc
            except requests.RequestException as exc:
                raise _Fail("fetch-error", f"request failed: {exc}") from exc
            with resp:
                if resp.is_redirect:
                    location = resp.headers.get("Location", "")
                    nxt = urljoin(url, location)
                    parts = urlsplit(nxt)
                    if parts.scheme not in ("http", "https") or not parts.hostname:
                        raise _Fail("fetch-redirect", f"redirect from {url} to an unusable location {location!r}")
                    if not _same_origin(origin, _origin(nxt)) and not cross_ok:
                        raise _Fail(
                            "fetch-redirect",
                            f"redirect from {url} to another host {parts.hostname}:{_origin(nxt)[1]} refused "
                            "(allow it with allow_cross_host in the manifest entry or --allow-cross-host)",
                            expected=f"host {origin[0]}:{origin[1]}",
                            found=nxt,
                        )
                    url = nxt
                    continue
                return self._body(src, resp, url)
        raise _Fail("fetch-redirect", f"more than {MAX_REDIRECTS} redirects (last: {url})")

    def _body(
        self, src: Source, resp: requests.Response, url: str
    ) -> tuple[Path, int, str, Any, str]:
        code = resp.status_code
        if code >= 500:
            raise _Fail("fetch-error", f"HTTP {code} {resp.reason} from {url}", retry=True)
        if code >= 400:
            raise _Fail("fetch-error", f"HTTP {code} {resp.reason} from {url}")
        if code != 200:
            raise _Fail("fetch-error", f"unexpected HTTP {code} {resp.reason} from {url}")
        media = _media_type(resp.headers.get("Content-Type"))
        if not _type_allowed(media, src.content_types):
            raise _Fail(
                "fetch-content-type",
                f"content type {media or '(none)'} from {url} is not allowed",
                expected=", ".join(src.content_types),
                found=media or "(no Content-Type)",
            )
        declared: int | None = None
        cl = resp.headers.get("Content-Length")
        if cl is not None and resp.headers.get("Content-Encoding") in (None, "", "identity"):
            try:
                declared = int(cl)
            except ValueError:
                declared = None
        if declared is not None and declared > self.max_bytes:
            raise _Fail(
                "fetch-too-large",
                f"{url} declares {declared:,} bytes, over the limit of {self.max_bytes:,}",
                expected=f"<= {self.max_bytes:,} bytes",
                found=f"{declared:,} bytes (Content-Length)",
            )
        fd, tmp_name = tempfile.mkstemp(dir=self.cache_dir, prefix=f".{src.file}.", suffix=".part")
        tmp = Path(tmp_name)
        h = hashlib.sha256()
        size = 0
        # A server sending a byte now and then never trips the read timeout: at the deadline the
        # response is closed under the read, which then fails and is reported as late.
        watchdog = threading.Timer(max(self.left(), 0.0), _cut, (resp,))
        watchdog.daemon = True
        watchdog.start()
        try:
            with os.fdopen(fd, "wb") as fh:
                try:
                    for chunk in resp.iter_content(CHUNK):
                        if self.left() <= 0:
                            raise self._late(url)
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise _Fail(
                                "fetch-too-large",
                                f"{url} sent more than the limit of {self.max_bytes:,} bytes (download aborted)",
                                expected=f"<= {self.max_bytes:,} bytes",
                                found=f"> {self.max_bytes:,} bytes",
                            )
                        h.update(chunk)
                        fh.write(chunk)
                except _Fail:
                    raise
                except Exception as exc:
                    if self.left() <= 0:
                        raise self._late(url) from exc
                    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
                        raise _Fail("fetch-error", f"truncated body from {url}: {exc}", retry=True) from exc
                    if isinstance(exc, requests.ConnectionError):  # a read timeout while streaming lands here
                        raise _Fail("fetch-error", f"connection failed while reading {url}: {exc}",
                                    retry=True) from exc  # fmt: skip
                    raise _Fail("fetch-error", f"failed while reading {url}: {type(exc).__name__}: {exc}",
                                retry=True) from exc  # fmt: skip
                if self.left() <= 0:
                    raise self._late(url)
                if declared is not None and size < declared:
                    raise _Fail(
                        "fetch-error",
                        f"truncated body from {url}: got {size:,} of {declared:,} bytes",
                        retry=True,
                        expected=f"{declared:,} bytes",
                        found=f"{size:,} bytes",
                    )
                _fsync(fh)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            watchdog.cancel()
        return tmp, size, h.hexdigest(), resp.headers, url


def _cut(resp: requests.Response) -> None:
    """End a response being read in another thread: shut its socket down (closing the file
    object alone does not wake a blocked read)."""
    for reach in (lambda: resp.raw._fp.fp.raw._sock, lambda: resp.raw._connection.sock):  # http.client, urllib3
        try:
            sock = reach()
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
                break
        except Exception:  # noqa: BLE001, S112 - not this way: try the next, then closing is all there is
            continue
    resp.close()


def _fetch_one(dl: _Downloader, src: Source, *, retries: int, backoff: float) -> tuple[FetchItem, list[Finding]]:
    started = time.monotonic()
    dl.ends = started + dl.deadline
    last: _Fail | None = None
    for attempt in range(retries + 1):
        if attempt:
            pause = backoff * 2 ** (attempt - 1)
            if pause >= dl.left():
                break
            time.sleep(pause)
        try:
            tmp, size, got, headers, final_url = dl.attempt(src)
        except _Fail as fail:
            last = fail
            if fail.retry and dl.left() > 0:
                continue
            break
        return _install(dl.cache_dir, src, tmp, size, got, headers, final_url, started)
    assert last is not None
    tries = f" (after {attempt + 1} attempts)" if last.retry and attempt else ""
    message = f"{src.id}: could not fetch {src.url}: {last.reason}{tries}"
    finding = _finding(src, last.check, message, last.expected or "a usable response", last.found or last.reason)
    item = FetchItem(src.id, src.url, "failed", None, 0, time.monotonic() - started, None, last.reason + tries)
    return item, [finding]


def _install(cache_dir: Path, src: Source, tmp: Path, size: int, got: str, headers: Any, final_url: str,
             started: float) -> tuple[FetchItem, list[Finding]]:  # fmt: skip
    """Verify the fsynced temp file and move it into the cache (or aside as .rejected)."""
    try:
        if src.sha256 is not None and got != src.sha256:
            rejected = cache_dir / f"{src.file}.rejected"
            os.replace(tmp, rejected)
            old = cache_dir / src.file
            kept = f"; the cached copy {old} is kept" if old.is_file() else ""
            reason = f"sha256 mismatch (expected {src.sha256}, got {got})"
            finding = _finding(
                src,
                "fetch-checksum",
                f"{src.id}: {src.url} changed: its sha256 is not the manifest's; the download is kept aside "
                f"as {rejected}{kept}",
                src.sha256,
                got,
            )
            item = FetchItem(src.id, src.url, "failed", None, size, time.monotonic() - started, got, reason)
            return item, [finding]
        target = cache_dir / src.file
        os.replace(tmp, target)
        _write_meta(
            cache_dir,
            src,
            {
                "id": src.id,
                "url": src.url,
                "final_url": final_url,
                "sha256": got,
                "bytes": size,
                "etag": headers.get("ETag"),
                "last_modified": headers.get("Last-Modified"),
                "content_type": headers.get("Content-Type"),
                "licence": src.licence,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = f"cannot write to the cache {cache_dir}: {exc.strerror or exc}"
        finding = _finding(src, "fetch-error", f"{src.id}: {reason}", "a writable cache", reason)
        return FetchItem(src.id, src.url, "failed", None, size, time.monotonic() - started, got, reason), [finding]
    return FetchItem(src.id, src.url, "downloaded", target, size, time.monotonic() - started, got), []


def _offline_one(cache_dir: Path, src: Source) -> tuple[FetchItem, list[Finding]]:
    started = time.monotonic()
    hit = _trusted_cache(cache_dir, src)
    if hit is not None:
        path, got = hit
        item = FetchItem(src.id, src.url, "offline-cached", path, path.stat().st_size, time.monotonic() - started, got)
        return item, []
    path = cache_dir / src.file
    if path.is_file():
        got = _sha256_file(path)
        reason = "offline: the cached copy does not match the manifest's sha256"
        finding = _finding(
            src, "fetch-checksum", f"{src.id}: {reason} ({path}; url {src.url})", src.sha256 or "(recorded sha256)", got
        )
    else:
        reason = f"offline: no cached copy of {src.id} ({src.url}) in {cache_dir}"
        finding = _finding(src, "fetch-error", f"{src.id}: {reason}; run without --offline first", "a cached copy",
                           "nothing in the cache")  # fmt: skip
    return FetchItem(src.id, src.url, "failed", None, 0, time.monotonic() - started, None, reason), [finding]


# --------------------------------------------------------------------------- API


def fetch_sources(
    manifest: Path,
    cache_dir: Path,
    *,
    offline: bool = False,
    timeout: float = 10.0,
    retries: int = 3,
    backoff: float = 0.5,
    max_bytes: int = 50_000_000,
    allow_cross_host: bool = False,
    session: requests.Session | None = None,
    deadline: float = 300.0,
) -> FetchResult:
    """Fetch every source in `manifest` into `cache_dir` (see the module docstring).

    Raises ManifestError when the manifest is unusable or the cache dir cannot be created;
    every per-source problem is a Finding in the result instead, and never undoes another
    source's download."""
    if retries < 0 or timeout <= 0 or max_bytes <= 0 or backoff < 0 or deadline <= 0:
        raise ValueError("retries and backoff must be >= 0; timeout, deadline and max_bytes > 0")
    sources = load_manifest(manifest)
    cache_dir = Path(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ManifestError(f"{cache_dir}: cannot create the cache folder: {exc.strerror or exc}") from exc
    result = FetchResult()
    if offline:
        for src in sources:
            item, findings = _offline_one(cache_dir, src)
            result.items.append(item)
            result.findings.extend(findings)
        return result

    own = session is None
    sess = requests.Session() if session is None else session
    try:
        sess.headers["User-Agent"] = USER_AGENT
        dl = _Downloader(sess, cache_dir, timeout=timeout, max_bytes=max_bytes, allow_cross_host=allow_cross_host,
                         deadline=deadline)  # fmt: skip
        for src in sources:
            started = time.monotonic()
            hit = _trusted_cache(cache_dir, src)
            if hit is not None:
                path, got = hit
                size = path.stat().st_size
                result.items.append(FetchItem(src.id, src.url, "cached", path, size, time.monotonic() - started, got))
                continue
            item, findings = _fetch_one(dl, src, retries=retries, backoff=backoff)
            result.items.append(item)
            result.findings.extend(findings)
    finally:
        if own:
            sess.close()
    return result
