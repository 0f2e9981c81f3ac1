#!/usr/bin/env python3
"""Hostile and huge input (issue 11): regenerate every case into a scratch folder, run pubcheck
on each beside the bundled (good) publications, and print wall time, peak memory (RSS summed
over the process tree: pubcheck and its workers) and the finding for each; then the time of
`check` on a generated CSV table of 1,000 to 100,000 rows, extraction throughput (MB/s of text,
ordinary and pathological), and the speed-up of reading in parallel.

    .venv/bin/python scripts/bench_hostile.py [--out data/hostile] [--only NAME,...] [--rows 1000,...]

Nothing here is a test: it measures. The tests (tests/test_hostile.py) check the findings on
small versions of the same cases. Cases needing a server (fetch) start one on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBCHECK = [sys.executable, "-m", "pubcheck.cli"]
PROSE = ("In 2011, 35.8 per cent of young offenders re-offended within a year, compared with 37.3 per cent "
         "in 2010. Around 410,000 of them were in work. ")  # fmt: skip


# ----------------------------------------------------------------------------- measuring


def _tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run(args: list[str], timeout: float = 120.0) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(PUBCHECK + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    peak = 0
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            break
        time.sleep(0.05)
    reader.join(timeout=10)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""  # type: ignore[union-attr]
    return {"code": proc.wait(), "seconds": time.perf_counter() - t0, "peak": peak,
            "stdout": b"".join(out).decode(errors="replace"), "stderr": err}  # fmt: skip


def _report(r: dict) -> dict | None:
    try:
        return json.loads(r["stdout"])
    except ValueError:
        return None


# ----------------------------------------------------------------------------- cases


def good_folder(out: Path, name: str) -> Path:
    d = out / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for p in (ROOT / "published").iterdir():
        if p.suffix in (".txt", ".json", ".toml") and p.name not in ("sources.json", "sources.toml"):
            shutil.copy(p, d / p.name)
    return d


def write_text(d: Path, name: str, text: str) -> None:
    (d / name).write_text(text, encoding="utf-8")


def pdf_bytes(pages: list[bytes]) -> bytes:
    """A minimal PDF: one content stream per page (each already encoded, with its filter)."""
    objs: list[bytes] = []
    kids = []
    font = 3
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(b"")  # pages, filled below
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for content in pages:
        page_id = len(objs) + 1
        kids.append(f"{page_id} 0 R".encode())
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} 0 R >> "
                    f">> /Contents {page_id + 1} 0 R >>".encode())  # fmt: skip
        objs.append(content)
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {len(pages)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer << /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, flate: bool = False) -> bytes:
    body = zlib.compress(data) if flate else data
    filt = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length " + str(len(body)).encode() + filt + b" >>\nstream\n" + body + b"\nendstream"


def text_page(line: str) -> bytes:
    return stream(f"BT /F1 11 Tf 72 720 Td ({line}) Tj ET".encode())


def bomb_stream(gigabytes: float) -> bytes:
    """A FlateDecode content stream of zeros inflating to `gigabytes` (compressed in chunks)."""
    c = zlib.compressobj(9)
    block = b"0" * (1 << 24)
    parts = [c.compress(block) for _ in range(int(gigabytes * 64))]
    body = b"".join(parts) + c.flush()
    return b"<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>\nstream\n" + body + b"\nendstream"


def xlsx(sheet_xml: bytes, path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')  # fmt: skip
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="Table 1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')  # fmt: skip
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def sheet(rows_xml: str, dimension: str = "A1") -> bytes:
    return (f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>').encode()  # fmt: skip


def table_csv(path: Path, rows: int, seed: int = 1) -> None:
    r = random.Random(seed)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Table 9. Pupils achieving the expected standard, by local authority"])
        w.writerow(["Local authority", "Number of pupils", "Per cent 2019-20", "Per cent 2020-21",
                    "Per cent 2021-22", "Change (percentage points)"])  # fmt: skip
        for i in range(rows):
            a, b = r.uniform(40, 80), r.uniform(40, 80)
            w.writerow([f"Authority {i:06d}", f"{r.randint(100, 90000):,}", f"{a:.1f}", f"{r.uniform(40, 80):.1f}",
                        f"{b:.1f}", f"{b - a:.1f}"])  # fmt: skip


def check_case(out: Path, name: str, make) -> tuple[list[str], Path]:  # type: ignore[no-untyped-def]
    d = good_folder(out, name)
    make(d)
    return ["check", str(d), "--format", "json", "--no-progress"], d


def cases(out: Path) -> list[tuple[str, str, object]]:
    """(name, command, builder) for every case; the builder writes the input and returns the arguments."""
    n = 200_000
    c: list[tuple[str, str, object]] = []

    def text_case(name: str, text: str) -> None:
        c.append((name, "check", lambda: check_case(out, name, lambda d: write_text(d, "hostile.txt", text))[0]))

    text_case("line of 200,000 '.'", "." * n)
    text_case("line of 200,000 digits", "7" * n)
    text_case("line of 200,000 '-'", "-" * n)
    text_case("line of '...' x 66,666", "..." * (n // 3))
    text_case("line of digits and spaces", "1 " * (n // 2))
    c.append(("one 50 MB line of prose", "check", lambda: check_case(
        out, "line50mb", lambda d: write_text(d, "hostile.txt", PROSE * (50_000_000 // len(PROSE))))[0]))
    c.append(("1,000,000 lines of prose (40 MB)", "check", lambda: check_case(
        out, "lines1m", lambda d: write_text(d, "hostile.txt", "\n".join([PROSE[:38]] * 1_000_000)))[0]))

    def html_table(kb: int) -> bytes:
        row = "<tr><td>Authority</td><td>12.3</td><td>45.6</td><td>7,890</td></tr>"
        return ("<html><body><main><h2>Table 4. Rates</h2><table>" + row * (kb * 1024 // len(row))
                + "</table></main></body></html>").encode()  # fmt: skip

    for kb, label in ((200, "200 KB"), (1024, "1 MB"), (2048, "2 MB"), (20 * 1024, "20 MB")):
        c.append((f"HTML page of {label}", "check", (lambda kb=kb, label=label: check_case(
            out, f"html{kb}", lambda d: (d / "page.html").write_bytes(html_table(kb)))[0])))
    c.append(("HTML nested 100,000 deep", "check", lambda: check_case(
        out, "htmldeep", lambda d: (d / "page.html").write_text(
            "<div>" * 100_000 + "1 per cent" + "</div>" * 100_000))[0]))
    c.append(("HTML: charset=utf-16 written in UTF-8", "check", lambda: check_case(
        out, "htmlcharset", lambda d: (d / "page.html").write_text(
            '<html><head><meta charset="utf-16"></head><body><p>' + PROSE + "</p></body></html>"))[0]))
    c.append(("HTML: <noscript>/hidden text in a paragraph", "check", lambda: check_case(
        out, "htmlhidden", lambda d: (d / "page.html").write_text(
            "<html><body><p>Rates fell.<noscript>99 per cent</noscript><span hidden>98 per cent</span></p>"
            "<p>" + PROSE + "</p></body></html>"))[0]))
    c.append(("PDF stream inflating to 4 GB", "check", lambda: check_case(
        out, "pdfbomb", lambda d: (d / "bomb.pdf").write_bytes(pdf_bytes([bomb_stream(4.0)])))[0]))
    c.append(("PDF of 2,000 pages", "check", lambda: check_case(
        out, "pdf2000", lambda d: (d / "long.pdf").write_bytes(
            pdf_bytes([text_page(f"Page {i}: 12.5 per cent") for i in range(2000)])))[0]))
    c.append(("XLSX, one cell at XFD1048576 (1.7 KB)", "check", lambda: check_case(
        out, "xlsxlast", lambda d: xlsx(sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                                              "XFD1048576"), d / "tables.xlsx"))[0]))
    c.append(("XLSX, no dimension, cell at XFD1048576", "check", lambda: check_case(
        out, "xlsxnodim", lambda d: xlsx(sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
                                         .replace(b'<dimension ref="A1"/>', b""), d / "tables.xlsx"))[0]))

    def many_cells(d: Path) -> None:
        rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in "ABCDEFGHIJ") + "</row>"
                       for r in range(1, 600_001))  # fmt: skip
        xlsx(sheet(rows, "A1:J600000"), d / "tables.xlsx")

    c.append(("XLSX sheet of 6,000,000 cells", "check", lambda: check_case(out, "xlsxcells", many_cells)[0]))

    def ods_repeat(d: Path) -> None:
        content = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                   'xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text='
                   '"urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table '
                   'table:name="T"><table:table-row table:number-rows-repeated="1000000"><table:table-cell '
                   'table:number-columns-repeated="16000" office:value-type="float" office:value="1"><text:p>1</text:p>'
                   '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
                   '</office:document-content>')  # fmt: skip
        with zipfile.ZipFile(d / "tables.ods", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
            z.writestr("content.xml", content)

    c.append(("ODS, a cell repeated 16,000 x 1,000,000", "check", lambda: check_case(out, "odsrepeat", ods_repeat)[0]))

    def zip_ratio(d: Path) -> None:
        xlsx(sheet('<row r="1"><c r="A1"><v>1</v></c></row>') + b"<!--" + b" " * 200_000_000 + b"-->",
             d / "tables.xlsx")

    c.append(("XLSX member inflating 200 MB (ZIP ratio)", "check", lambda: check_case(out, "zipratio", zip_ratio)[0]))

    def big_csv(path: Path, size: int) -> None:
        with path.open("w") as fh:
            fh.write("reoffended\n")
            line = "true\n" * 200_000
            for _ in range(size // len(line) + 1):
                fh.write(line)

    c.append(("2 GB one-column CSV (check)", "check", lambda: check_case(
        out, "csv2g", lambda d: big_csv(d / "big.csv", 2 * 1024**3))[0]))

    def validate_case(name: str, make) -> list[str]:  # type: ignore[no-untyped-def]
        d = out / name
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(ROOT / "fixtures" / "extracts", d)
        make(d)
        return ["validate", str(d), "--format", "json", "--no-progress"]

    def csv_extract(d: Path) -> None:
        (d / "reoffending.parquet").unlink()
        big_csv(d / "reoffending.csv", 2 * 1024**3)

    c.append(("2 GB one-column CSV (validate)", "validate", lambda: validate_case("val2g", csv_extract)))

    def refresh_case() -> list[str]:
        d = out / "refresh2g"
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(ROOT / "fixtures" / "refresh" / "clean", d)
        cur = d / "current"
        for p in cur.glob("reoffending.*"):
            p.unlink()
        big_csv(cur / "reoffending.csv", 2 * 1024**3)
        return ["refresh", "--previous", str(d / "previous"), "--current", str(cur), "--format", "json",
                "--no-progress", "--state-dir", str(d / ".gx")]  # fmt: skip

    c.append(("2 GB one-column CSV (refresh)", "refresh", refresh_case))

    def wide_csv(d: Path) -> None:
        with (d / "wide.csv").open("w") as fh:
            fh.write(",".join(f"c{i}" for i in range(10_000)) + "\n")
            for r in range(20):
                fh.write(",".join(str(r + i) for i in range(10_000)) + "\n")

    c.append(("CSV with 10,000 columns", "check", lambda: check_case(out, "csvwide", wide_csv)[0]))
    for rows in (2_000, 4_000, 50_000):
        c.append((f"CSV table of {rows:,} rows", "check", (lambda rows=rows: check_case(
            out, f"csv{rows}", lambda d: table_csv(d / "table.csv", rows))[0])))
    c.append(("three 10,000-digit numbers (figures json)", "figures", lambda: [
        "figures", str(check_case(out, "longnum", lambda d: write_text(
            d, "hostile.txt", "\n".join(["In 2011 the count was " + "9" * 10_000 + "."] * 3)))[1]),
        "--format", "json"]))

    def pkg(name: str, text: str | bytes):  # type: ignore[no-untyped-def]
        def make(d: Path) -> None:
            (d / "datapackage.json").write_bytes(text if isinstance(text, bytes) else text.encode())
        return lambda: validate_case(name, make)

    c.append(("datapackage.json of random bytes", "validate", pkg("pkgrandom", random.Random(2).randbytes(4096))))
    c.append(("datapackage.json a list", "validate", pkg("pkglist", "[1, 2, 3]")))
    c.append(("datapackage.json resources are strings", "validate", pkg("pkgstrings", '{"resources": ["a", "b"]}')))
    c.append(("datapackage.json nested 100,000 deep", "validate", pkg("pkgdeep", "[" * 100_000 + "]" * 100_000)))
    c.append(("datapackage.json scale \"inf\"", "validate", pkg("pkginf", json.dumps(
        {"pubcheck:scale": "inf", "resources": [{"name": "pupils", "path": "pupils.parquet"}]}))))
    c.append(("datapackage.json path ../../etc/passwd", "validate", pkg("pkgescape", json.dumps(
        {"resources": [{"name": "pupils", "path": "../../etc/passwd"}, {"name": "x", "path": "https://e.com/x.csv"}]}))))

    def missing(d: Path) -> None:
        (d / "treatment.parquet").unlink()

    def fifo(d: Path) -> None:
        (d / "treatment.parquet").unlink()
        os.mkfifo(d / "treatment.csv")

    def symlink(d: Path) -> None:
        (d / "treatment.parquet").unlink()
        os.symlink("/etc/passwd", d / "treatment.csv")

    c.append(("extract file missing", "validate", lambda: validate_case("valmissing", missing)))
    c.append(("a FIFO in an extract's place", "validate", lambda: validate_case("valfifo", fifo)))
    c.append(("symlink to /etc/passwd as an extract", "validate", lambda: validate_case("valsymlink", symlink)))
    return c


# ----------------------------------------------------------------------------- fetch cases


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.other_port}/x.txt")  # type: ignore[attr-defined]
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "60")
        self.end_headers()
        for _ in range(60):  # one byte every 2 s
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(2)


def _server(other: int = 0) -> http.server.ThreadingHTTPServer:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.other_port = other  # type: ignore[attr-defined]
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def fetch_cases(out: Path) -> list[tuple[str, str, object]]:
    def manifest(name: str, sources: list[dict], *extra: str) -> list[str]:
        d = out / name
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        (d / "sources.json").write_text(json.dumps(sources))
        return ["fetch", "--manifest", str(d / "sources.json"), "--cache", str(d / "cache"), "--format", "json",
                "--retries", "0", *extra]  # fmt: skip

    def base(**kw: str) -> dict:
        return {"id": "s", "url": "http://127.0.0.1:9/x.txt", "file": "x.txt", "licence": "OGL", **kw}

    srv_b = _server()
    srv_a = _server(srv_b.server_address[1])
    return [
        ("fetch: file name of 300 characters", "fetch", lambda: manifest("f300", [base(file="a" * 300 + ".txt")])),
        ("fetch: NUL byte in a file name", "fetch", lambda: manifest("fnul", [base(file="a\x00b.txt")])),
        ("fetch: [/bold] in an id", "fetch", lambda: manifest("fmarkup", [base(id="[/bold]x")], "--offline")),
        ("fetch: file:// URL", "fetch", lambda: manifest("ffile", [base(url="file:///etc/passwd")])),
        ("fetch: redirect to another port", "fetch", lambda: manifest("fport", [base(
            url=f"http://127.0.0.1:{srv_a.server_address[1]}/redirect")])),
        ("fetch: one byte every 2 s (deadline 10 s)", "fetch", lambda: manifest("fslow", [base(
            url=f"http://127.0.0.1:{srv_b.server_address[1]}/slow")], "--deadline", "10")),
    ]


# ----------------------------------------------------------------------------- main


def summarise(r: dict) -> str:
    rep = _report(r)
    if rep is None:
        tail = (r["stderr"].strip().splitlines() or ["(no output)"])[-1]
        return f"exit {r['code']}: {tail[:150]}"
    genuine = [f["check"] for f in rep.get("findings", []) if f["severity"] == "error" and f["check"] in (
        "cross-document", "table-identity", "missing-bounds", "extract-recompute")]
    bundled = {p.name for p in (ROOT / "published").glob("*.txt")}

    def about_the_case(f: dict) -> bool:  # a finding about the hostile input, not the good publications
        docs = [Path(str(loc.get("document", ""))).name for loc in f.get("locations", [])]
        return (f["severity"] in ("error", "warning") or f["check"] in ("long-line", "figure-run")) and not (
            docs and all(d in bundled for d in docs)) and f["check"] != "extract-recompute"

    hostile = [f for f in rep.get("findings", []) if about_the_case(f)]
    what = "; ".join(f"{f['check']}: {f['message'][:110]}" for f in hostile[:2]) or "(no hostile finding)"
    if "figures" in rep:
        what = f"{len(rep['figures'])} figures, strict JSON"
    g = f" [+{len(genuine)} genuine errors of the good publications]" if genuine else ""
    return f"exit {r['code']}: {what}{g}"


def throughput(out: Path) -> None:
    """Extraction alone (reading the lines into figures, in this process): MB of text per second
    on ordinary prose (the bundled publications' prose lines, shuffled to 4 MB) and on lines of
    2 MB of one pathological piece; figures per second where the text is nothing but figures."""
    from pubcheck.documents.load import Document
    from pubcheck.figures.read import extract_within
    from pubcheck.limits import DEFAULT

    r = random.Random(1)
    prose = [line for p in sorted((ROOT / "published").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if len(line) > 80 and "\t" not in line]  # fmt: skip
    text, n = [], 0
    while n < 4_000_000:
        line = r.choice(prose)
        text.append(line)
        n += len(line) + 1
    inputs = [("prose of the publications, 4 MB", text)]
    # one character class; numbers with no word between them (a table flattened into text: counted
    # as runs); numbers among words, from denser than any publication to a word between each two
    for piece in (".", "1", "-", "...", "word ", "1,", "1 ", "1% ", "1. ", "2011-12 16.8 33.6 1,234 ",
                  "In 2011, 35.8 per cent (n=1,234) ", "35.8 per cent ", "Pupils 35.8 36.1 ", "1 a "):  # fmt: skip
        inputs.append((f"one 2 MB line of {piece!r}", [piece * (2_000_000 // len(piece))]))
    print(f"{'input':48} {'MB':>5} {'seconds':>8} {'MB/s':>6} {'figures':>9} {'in runs':>9} {'numbers/s':>10}")
    for name, lines in inputs:
        size = sum(len(x) + 1 for x in lines) / 1e6
        t0 = time.perf_counter()
        ex = extract_within(Document("t.txt", lines, ""), DEFAULT)
        dt = time.perf_counter() - t0
        print(f"{name:48} {size:5.1f} {dt:8.2f} {size / dt:6.2f} {len(ex.figures):9,} "
              f"{ex.numbers - len(ex.figures):9,} {ex.numbers / dt:10,.0f}", flush=True)  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "hostile")
    ap.add_argument("--only", help="comma-separated substrings of case names")
    ap.add_argument("--rows", default="1000,2000,5000,10000,20000,50000,100000")
    ap.add_argument("--no-cases", action="store_true")
    ap.add_argument("--no-parallel", dest="parallel", action="store_false")
    ap.add_argument("--no-throughput", dest="throughput", action="store_false")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.no_cases:
        print(f"{'case':44} {'command':8} {'wall s':>7} {'peak MB':>8}  finding")
        for name, command, build in cases(args.out) + fetch_cases(args.out):
            if args.only and not any(s.strip().lower() in name.lower() for s in args.only.split(",")):
                continue
            argv = build()  # type: ignore[operator]
            r = run(argv)
            print(f"{name:44} {command:8} {r['seconds']:7.1f} {r['peak'] / 1e6:8.0f}  {summarise(r)}", flush=True)
            if command != "fetch":
                shutil.rmtree(Path(argv[1]) if command != "refresh" else Path(argv[2]).parent, ignore_errors=True)
    if args.throughput:
        print("\nextraction throughput")
        throughput(args.out)
    if args.parallel:
        print("\nparallel reading: check on 8 HTML pages of 400 KB (tables) and 4 PDFs of 100 pages")
        d = args.out / "parallel"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        row = "<tr><td>Authority</td><td>12.3</td><td>45.6</td><td>7,890</td></tr>"
        for i in range(8):
            (d / f"page{i}.html").write_text(f"<html><body><main><h2>Table {i + 1}. Rates</h2><table>"
                                             + row * (400 * 1024 // len(row)) + "</table></main></body></html>")
        for i in range(4):
            (d / f"report{i}.pdf").write_bytes(pdf_bytes([text_page(f"Page {p}: In 2011, {p % 90}.5 per cent of "
                                                                    "offenders re-offended.") for p in range(100)]))
        print(f"{'workers':>8} {'wall s':>7} {'peak MB':>8}")
        for w in (0, 1, 2):
            r = run(["check", str(d), "--format", "json", "--no-progress", "--workers", str(w)], timeout=600)
            print(f"{w:8} {r['seconds']:7.1f} {r['peak'] / 1e6:8.0f}", flush=True)
        shutil.rmtree(d, ignore_errors=True)
    if args.rows:
        print("\ncheck on a generated CSV table (6 columns, 5 numeric) beside nothing else")
        print(f"{'rows':>8} {'wall s':>7} {'peak MB':>8} {'figures':>8}")
        for rows in [int(x) for x in args.rows.split(",") if x]:
            d = args.out / f"rows{rows}"
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            table_csv(d / "table.csv", rows)
            r = run(["check", str(d), "--format", "json", "--no-progress"], timeout=600)
            rep = _report(r) or {}
            figs = sum(doc["figures"] for doc in rep.get("documents", []))
            print(f"{rows:8,} {r['seconds']:7.1f} {r['peak'] / 1e6:8.0f} {figs:8,}", flush=True)
            shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
