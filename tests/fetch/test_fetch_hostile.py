"""fetch against hostile servers and manifests (127.0.0.1 only): an overall deadline, another port
is another host, file names and ids that could write elsewhere or break the console."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pubcheck.cli import main
from pubcheck.fetch import ManifestError, fetch_sources


class Trickle(BaseHTTPRequestHandler):
    """/slow: 60 bytes, one every 0.3 s (never idle long enough for a read timeout);
    /hop: a redirect to the same host on another port (the server's `other`)."""

    def log_message(self, *a: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.other}/slow")  # type: ignore[attr-defined]
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "60")
        self.end_headers()
        for _ in range(60):
            if self.server.stop.is_set():  # type: ignore[attr-defined]
                return
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.3)


@pytest.fixture
def servers() -> Iterator[tuple[int, int]]:
    made = []
    for _ in range(2):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
        srv.daemon_threads = True
        srv.stop = threading.Event()  # type: ignore[attr-defined]
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        made.append(srv)
    made[0].other = made[1].server_address[1]  # type: ignore[attr-defined]
    yield made[0].server_address[1], made[1].server_address[1]
    for srv in made:
        srv.stop.set()  # type: ignore[attr-defined]
        srv.shutdown()
        srv.server_close()


def manifest(tmp_path: Path, **entry: str) -> Path:
    m = tmp_path / "sources.json"
    m.write_text(json.dumps([{"id": "s", "url": "http://127.0.0.1:9/x.txt", "file": "x.txt", **entry}]))
    return m


def test_a_trickling_server_is_cut_off_at_the_deadline(servers: tuple[int, int], tmp_path: Path) -> None:
    m = manifest(tmp_path, url=f"http://127.0.0.1:{servers[0]}/slow")
    t0 = time.monotonic()
    result = fetch_sources(m, tmp_path / "cache", timeout=5, retries=2, backoff=0.01, deadline=1.5)
    assert time.monotonic() - t0 < 6  # 60 bytes at 0.3 s each would take 18 s, times 3 attempts
    [f] = result.findings
    assert "deadline of 1.5 s" in f.message
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name != "x.txt.meta.json"]  # no partial file


def test_a_redirect_to_another_port_of_the_same_host_is_cross_host(servers: tuple[int, int], tmp_path: Path) -> None:
    m = manifest(tmp_path, url=f"http://127.0.0.1:{servers[0]}/hop")
    [f] = fetch_sources(m, tmp_path / "cache", timeout=5, retries=0, deadline=5).findings
    assert f.check == "fetch-redirect" and f"127.0.0.1:{servers[1]}" in f.message


@pytest.mark.parametrize("entry, needle", [
    ({"file": "a" * 300 + ".txt"}, "at most 200 bytes"),
    ({"file": "a\x00b.txt"}, "control characters"),
    ({"file": "../escape.txt"}, "plain file name"),
    ({"url": "file:///etc/passwd"}, "http(s)"),
    ({"url": "ftp://example.org/x"}, "http(s)"),
    ({"id": "a\nb"}, "control characters"),
])  # fmt: skip
def test_manifest_entries_that_could_write_elsewhere_are_manifest_errors(tmp_path: Path, entry: dict,
                                                                         needle: str) -> None:  # fmt: skip
    with pytest.raises(ManifestError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        fetch_sources(manifest(tmp_path, **entry), tmp_path / "cache", offline=True)
    assert not (tmp_path / "escape.txt").exists()


def test_console_markup_in_an_id_is_printed_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = manifest(tmp_path, id="[/bold]x[red]")
    code = main(["fetch", "--manifest", str(m), "--cache", str(tmp_path / "c"), "--offline"])
    err = capsys.readouterr().err
    assert code == 1 and "[/bold]x[red]: failed" in err and "internal error" not in err
