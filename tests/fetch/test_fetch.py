"""pubcheck fetch against a real HTTP server on 127.0.0.1 (loopback only, no mocks)."""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from pubcheck.fetch import FetchResult, ManifestError, fetch_sources, load_manifest
from pubcheck.model import Finding

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "published"
DOCS = {p.name: p.read_bytes() for p in sorted(PUBLISHED.glob("*.txt"))}
NAMES = sorted(DOCS)
A, B = NAMES[0], NAMES[1]
FAST = {"timeout": 2.0, "retries": 2, "backoff": 0.01}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (size limit, timeout) are expected: do not print their
    BrokenPipe/ConnectionReset tracebacks; keep anything else for the test to see."""

    daemon_threads = True

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.errors: list[BaseException] = []

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError) and exc is not None:
            self.errors.append(exc)


class Server:
    """A ThreadingHTTPServer on 127.0.0.1:0 serving the bundled documents under /doc/NAME,
    plus misbehaving routes. Counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.fail_first: dict[str, int] = {}  # path -> number of 500s before success
        self.release = threading.Event()  # ends the slow handler's sleep at teardown
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep quiet
                pass

            def send_body(self, body: bytes, ctype: str = "text/plain; charset=utf-8", length: int | None = None,
                          status: int = 200) -> None:  # fmt: skip
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.send_header("ETag", f'"{sha(body)[:16]}"')
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?", 1)[0]
                with outer.lock:
                    outer.hits[path] += 1
                    n = outer.hits[path]
                parts = path.strip("/").split("/")
                route, name = parts[0], parts[-1]
                if route == "flaky" and n <= outer.fail_first.get(path, 0):
                    self.send_body(b"try again", status=500)
                    return
                if route in ("doc", "flaky") and name in DOCS:
                    self.send_body(DOCS[name])
                elif route == "slow":
                    outer.release.wait(2.0)
                    self.close_connection = True
                elif route == "truncated":
                    body = DOCS[name]
                    self.send_body(body[:1000], length=len(body))
                    self.close_connection = True
                elif route == "exe":
                    self.send_body(b"MZ\x90\x00", ctype="application/x-msdownload")
                elif route == "big":
                    self.send_body(DOCS[name])  # the test sets max_bytes below its size
                elif route == "big-chunked":  # no Content-Length: the limit applies while streaming
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(DOCS[name])
                    self.close_connection = True
                elif route == "redirect-same":
                    self.send_response(302)
                    self.send_header("Location", f"/doc/{name}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif route == "redirect-other":  # 127.0.0.1 -> localhost: another host name
                    self.send_response(301)
                    self.send_header("Location", f"http://localhost:{outer.port}/doc/{name}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif route == "loop":
                    self.send_response(302)
                    self.send_header("Location", path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_body(b"not found", status=404)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    try:
        yield s
    finally:
        s.close()
    assert not s.httpd.errors, s.httpd.errors


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[[list[dict]], Path]:
    def write(entries: list[dict]) -> Path:
        path = tmp_path / "sources.json"
        path.write_text(json.dumps(entries), encoding="utf-8")
        return path

    return write


def entry(server: Server, sid: str, path: str, name: str, **extra: object) -> dict:
    return {"id": sid, "url": server.url(path), "file": name, "licence": "OGL-UK-3.0", **extra}


def checks(result: FetchResult) -> list[str]:
    return [f.check for f in result.findings]


def only(result: FetchResult) -> Finding:
    assert len(result.findings) == 1, result.findings
    return result.findings[0]


def no_partials(cache: Path) -> None:
    assert not [p.name for p in cache.iterdir() if p.name.endswith(".part")]


# ------------------------------------------------------------------------- success and cache


def test_download_then_cache_needs_no_request(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    m = write_manifest([entry(server, "a", f"/doc/{A}", A, sha256=sha(DOCS[A])), entry(server, "b", f"/doc/{B}", B)])
    r1 = fetch_sources(m, cache, **FAST)
    assert r1.findings == []
    assert [i.status for i in r1.items] == ["downloaded", "downloaded"]
    assert (cache / A).read_bytes() == DOCS[A] and (cache / B).read_bytes() == DOCS[B]
    assert r1.items[0].bytes == len(DOCS[A]) and r1.items[0].sha256 == sha(DOCS[A]) and r1.items[0].seconds >= 0
    meta = json.loads((cache / f"{A}.meta.json").read_text())
    assert meta["url"] == server.url(f"/doc/{A}") and meta["sha256"] == sha(DOCS[A])
    assert meta["etag"] and meta["fetched_at"]
    hits = sum(server.hits.values())
    assert hits == 2

    r2 = fetch_sources(m, cache, **FAST)  # with and without a manifest sha256: no request at all
    assert r2.findings == [] and [i.status for i in r2.items] == ["cached", "cached"]
    assert sum(server.hits.values()) == hits
    no_partials(cache)


def test_given_session_is_used_and_left_open(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "a", f"/doc/{A}", A)])
    with requests.Session() as s:
        r = fetch_sources(m, tmp_path / "c", session=s, **FAST)
        assert r.findings == [] and s.headers["User-Agent"] == "pubcheck/0.1"


# ------------------------------------------------------------------------- HTTP failures


def test_404_is_not_retried_and_names_the_url(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "gone", "/missing/x.txt", "x.txt")])
    r = fetch_sources(m, tmp_path / "c", **FAST)
    f = only(r)
    assert f.check == "fetch-error" and f.severity == "error"
    assert "404" in f.message and server.url("/missing/x.txt") in f.message
    assert f.locations[0].document == server.url("/missing/x.txt")
    assert server.hits["/missing/x.txt"] == 1
    assert r.items[0].status == "failed"


def test_500_then_success_on_retry(server: Server, write_manifest, tmp_path: Path) -> None:
    server.fail_first[f"/flaky/{A}"] = 2
    m = write_manifest([entry(server, "a", f"/flaky/{A}", A, sha256=sha(DOCS[A]))])
    r = fetch_sources(m, tmp_path / "c", **FAST)
    assert r.findings == [] and r.items[0].status == "downloaded"
    assert server.hits[f"/flaky/{A}"] == 3


def test_500_past_the_retry_budget_fails(server: Server, write_manifest, tmp_path: Path) -> None:
    server.fail_first[f"/flaky/{A}"] = 10
    m = write_manifest([entry(server, "a", f"/flaky/{A}", A)])
    r = fetch_sources(m, tmp_path / "c", timeout=2.0, retries=1, backoff=0.01)
    f = only(r)
    assert f.check == "fetch-error" and "HTTP 500" in f.message and "2 attempts" in f.message
    assert server.hits[f"/flaky/{A}"] == 2
    assert not (tmp_path / "c" / A).exists()


def test_slow_server_times_out(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "slow", "/slow/x.txt", "x.txt")])
    r = fetch_sources(m, tmp_path / "c", timeout=0.3, retries=1, backoff=0.01)
    f = only(r)
    assert f.check == "fetch-error" and "timed out" in f.message and server.url("/slow/x.txt") in f.message
    assert server.hits["/slow/x.txt"] == 2  # retried once
    assert r.items[0].seconds < 2.0


def test_truncated_body_is_an_error_and_leaves_nothing(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    m = write_manifest([entry(server, "t", f"/truncated/{A}", A)])
    r = fetch_sources(m, cache, timeout=2.0, retries=1, backoff=0.01)
    f = only(r)
    assert f.check == "fetch-error" and "truncated" in f.message
    assert not (cache / A).exists()
    no_partials(cache)


def test_wrong_content_type(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "exe", "/exe/setup.exe", "setup.exe")])
    r = fetch_sources(m, tmp_path / "c", **FAST)
    f = only(r)
    assert f.check == "fetch-content-type" and f.found == "application/x-msdownload"
    assert server.hits["/exe/setup.exe"] == 1
    # an entry may allow it explicitly
    m = write_manifest([entry(server, "exe", "/exe/setup.exe", "setup.exe", content_types=["application/*"])])
    assert fetch_sources(m, tmp_path / "c", **FAST).findings == []


@pytest.mark.parametrize("route", ["big", "big-chunked"])
def test_oversized_response(server: Server, write_manifest, tmp_path: Path, route: str) -> None:
    cache = tmp_path / "c"
    m = write_manifest([entry(server, "big", f"/{route}/{A}", A)])
    r = fetch_sources(m, cache, max_bytes=1000, **FAST)
    f = only(r)
    assert f.check == "fetch-too-large" and "1,000" in f.message
    assert server.hits[f"/{route}/{A}"] == 1  # not retried
    assert not (cache / A).exists()
    no_partials(cache)


# ------------------------------------------------------------------------- redirects


def test_redirect_within_host_is_followed(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "r", f"/redirect-same/{A}", A, sha256=sha(DOCS[A]))])
    r = fetch_sources(m, tmp_path / "c", **FAST)
    assert r.findings == [] and r.items[0].status == "downloaded"
    assert server.hits[f"/doc/{A}"] == 1


def test_redirect_to_another_host_is_refused(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "r", f"/redirect-other/{A}", A)])
    r = fetch_sources(m, tmp_path / "c", **FAST)
    f = only(r)
    assert f.check == "fetch-redirect" and "localhost" in f.message
    assert server.hits[f"/doc/{A}"] == 0
    assert not (tmp_path / "c" / A).exists()


def test_redirect_to_another_host_allowed_by_flag_or_entry(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "r", f"/redirect-other/{A}", A)])
    r = fetch_sources(m, tmp_path / "c1", allow_cross_host=True, **FAST)
    assert r.findings == [] and (tmp_path / "c1" / A).read_bytes() == DOCS[A]
    m = write_manifest([entry(server, "r", f"/redirect-other/{A}", A, allow_cross_host=True)])
    r = fetch_sources(m, tmp_path / "c2", **FAST)
    assert r.findings == [] and (tmp_path / "c2" / A).read_bytes() == DOCS[A]


def test_redirect_loop_is_bounded(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "loop", "/loop/x", "x.txt")])
    f = only(fetch_sources(m, tmp_path / "c", **FAST))
    assert f.check == "fetch-redirect" and "redirects" in f.message
    assert server.hits["/loop/x"] == 6


# ------------------------------------------------------------------------- checksums


def test_changed_checksum_is_rejected_and_old_copy_kept(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    # first a good copy of A is cached under the name the manifest uses
    m = write_manifest([entry(server, "a", f"/doc/{A}", A, sha256=sha(DOCS[A]))])
    assert fetch_sources(m, cache, **FAST).findings == []
    # the manifest now expects other bytes: the cached copy no longer qualifies, so fetch again
    wrong = sha(b"something else")
    m = write_manifest([entry(server, "a", f"/doc/{A}", A, sha256=wrong)])
    r = fetch_sources(m, cache, **FAST)
    f = only(r)
    assert f.check == "fetch-checksum" and f.severity == "error"
    assert f.expected == wrong and f.found == sha(DOCS[A])
    assert (cache / f"{A}.rejected").read_bytes() == DOCS[A]
    assert (cache / A).read_bytes() == DOCS[A]  # the earlier good file stays
    assert r.items[0].status == "failed"
    assert server.hits[f"/doc/{A}"] == 2
    no_partials(cache)


def test_checksum_mismatch_without_earlier_copy(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    m = write_manifest([entry(server, "a", f"/doc/{A}", A, sha256=sha(DOCS[B]))])
    f = only(fetch_sources(m, cache, **FAST))
    assert f.check == "fetch-checksum"
    assert not (cache / A).exists() and (cache / f"{A}.rejected").exists()


# ------------------------------------------------------------------------- offline


def test_offline_serves_from_cache_without_network(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    m = write_manifest([entry(server, "a", f"/doc/{A}", A, sha256=sha(DOCS[A])), entry(server, "b", f"/doc/{B}", B)])
    assert fetch_sources(m, cache, **FAST).findings == []
    hits = sum(server.hits.values())
    server.close()  # the network is gone
    r = fetch_sources(m, cache, offline=True)
    assert r.findings == [] and [i.status for i in r.items] == ["offline-cached", "offline-cached"]
    assert r.items[0].path == cache / A
    assert sum(server.hits.values()) == hits


def test_offline_without_cache_is_a_clear_error(server: Server, write_manifest, tmp_path: Path) -> None:
    m = write_manifest([entry(server, "a", f"/doc/{A}", A)])
    r = fetch_sources(m, tmp_path / "c", offline=True)
    f = only(r)
    assert f.check == "fetch-error" and "offline" in f.message
    assert "'a'" in f.message or "a:" in f.message
    assert server.url(f"/doc/{A}") in f.message
    assert sum(server.hits.values()) == 0 and r.items[0].status == "failed"


# ------------------------------------------------------------------------- isolation, manifest


def test_one_failure_leaves_other_downloads_intact(server: Server, write_manifest, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    m = write_manifest([
        entry(server, "a", f"/doc/{A}", A, sha256=sha(DOCS[A])),
        entry(server, "bad", "/missing/x.txt", "x.txt"),
        entry(server, "t", f"/truncated/{B}", B),
        entry(server, "c", f"/doc/{NAMES[2]}", NAMES[2]),
    ])  # fmt: skip
    r = fetch_sources(m, cache, timeout=2.0, retries=1, backoff=0.01)
    assert [i.status for i in r.items] == ["downloaded", "failed", "failed", "downloaded"]
    assert sorted(checks(r)) == ["fetch-error", "fetch-error"]
    assert (cache / A).read_bytes() == DOCS[A] and (cache / NAMES[2]).read_bytes() == DOCS[NAMES[2]]
    assert not (cache / B).exists()
    no_partials(cache)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("not json", "not valid JSON"),
        ('{"a": 1}', "JSON list"),
        ('[{"id": "a", "url": "ftp://x/y", "file": "y"}]', "http"),
        ('[{"id": "a", "url": "http://x/y", "file": "../y"}]', "plain file name"),
        ('[{"id": "a", "url": "http://x/y", "file": "y", "sha256": "abc"}]', "64 hex"),
        ('[{"id": "a", "url": "http://x/y", "file": "y"}, {"id": "a", "url": "http://x/z", "file": "z"}]', "duplicate"),
        ('[{"url": "http://x/y", "file": "y"}]', "'id'"),
    ],
)
def test_unusable_manifest_raises(tmp_path: Path, text: str, needle: str) -> None:
    m = tmp_path / "sources.json"
    m.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=needle):
        fetch_sources(m, tmp_path / "c", offline=True)


def test_missing_manifest_raises(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such"):
        fetch_sources(tmp_path / "nope.json", tmp_path / "c")


def test_example_manifest_loads() -> None:
    sources = load_manifest(ROOT / "checks" / "sources.example.json")
    assert sources and all(s.url.startswith("https://") and s.licence for s in sources)
