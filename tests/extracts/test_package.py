"""datapackage.json as data (pubcheck.extracts.package): every problem a finding naming the file
and the place; nothing outside the folder read; unknown scales never turn into wrong counts."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.extracts.package import read_package

ROOT = Path(__file__).resolve().parents[2]


def package(tmp_path: Path, content: str | bytes) -> Path:
    (tmp_path / "datapackage.json").write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


@pytest.mark.parametrize("content, where, needle", [
    (random.Random(2).randbytes(2048), "file", "cannot be read as a data package"),
    ('{"resources": [}', "line 1, column 16", "not valid JSON"),
    ("[1, 2]", "top level", "not a list"),
    ("[" * 100_000 + "]" * 100_000, "file", "nested too deeply"),
    ('{"resources": "x"}', "resources", "must be a list"),
    ('{"resources": ["a"]}', "resources[0]", "not a string"),
    ('{"resources": [{"path": "a.csv"}]}', "resources[0].name", "needs a name"),
    ('{"pubcheck:scale": "inf"}', "pubcheck:scale", "not 'inf'"),
    ('{"resources": [{"name": "p", "path": "p.csv", "pubcheck:scale": -1}]}', "resources[0].pubcheck:scale", "-1"),
    ('{"resources": [{"name": "p", "path": "../../etc/passwd"}]}', "resources[0].path", "leaves the package folder"),
    ('{"resources": [{"name": "p", "path": "/etc/passwd"}]}', "resources[0].path", "leaves the package folder"),
    ('{"resources": [{"name": "p", "path": "file:///etc/passwd"}]}', "resources[0].path", "is a URL: refused"),
    ('{"resources": [{"name": "p", "path": "p.csv"}]}', "resources[0].path", "does not exist"),
])  # fmt: skip
def test_each_problem_is_a_finding_naming_the_place(tmp_path: Path, content: str | bytes, where: str,
                                                    needle: str) -> None:  # fmt: skip
    pkg = read_package(package(tmp_path, content))
    assert pkg.findings, "a silent data package"
    f = pkg.findings[0]
    assert f.check == "extract-datapackage" and f.locations[0].quote == where, f.message
    assert needle in f.message and "datapackage.json" in f.message


def test_urls_are_accepted_unread_with_allow_remote(tmp_path: Path) -> None:
    pkg = read_package(package(tmp_path, '{"resources": [{"name": "p", "path": "https://e.org/p.csv"}]}'),
                       allow_remote=True)  # fmt: skip
    assert [(f.severity, "not read" in f.message) for f in pkg.findings] == [("info", True)]
    assert pkg.resources == {}


def test_fifos_and_links_out_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    os.symlink("/etc/passwd", tmp_path / "passwd.csv")
    pkg = read_package(package(tmp_path, json.dumps({"resources": [{"name": "a", "path": "pipe.csv"},
                                                                   {"name": "b", "path": "passwd.csv"}]})))
    assert ["FIFO" in pkg.findings[0].message, "outside the folder" in pkg.findings[1].message] == [True, True]
    assert pkg.resources == {}


def test_the_bundled_package_reads_cleanly() -> None:
    pkg = read_package(ROOT / "fixtures" / "extracts")
    assert not pkg.findings and pkg.scales_known and 0 < pkg.scales[""] < 1


@pytest.fixture(scope="module")
def bundled_report():  # type: ignore[no-untyped-def]
    return check(ROOT / "published", extracts=ROOT / "fixtures" / "extracts", publication_rules=False, workers=0)


def test_validate_reports_a_broken_package_and_no_spurious_count_errors(tmp_path: Path, bundled_report) -> None:
    shutil.copytree(ROOT / "fixtures" / "extracts", tmp_path / "x")
    os.unlink(tmp_path / "x" / "treatment.parquet")
    os.mkfifo(tmp_path / "x" / "treatment.csv")
    os.symlink("/etc/passwd", tmp_path / "x" / "benefits.csv")
    os.unlink(tmp_path / "x" / "benefits.parquet")
    (tmp_path / "x" / "datapackage.json").write_bytes(random.Random(3).randbytes(1000))
    report = check(ROOT / "published", extracts=tmp_path / "x", publication_rules=False, workers=0)
    checks = [f.check for f in report.findings]
    assert "extract-datapackage" in checks
    unread = {Path(f.locations[0].document).name: f.message for f in report.findings if f.check == "extract-unreadable"}
    assert "FIFO" in unread["treatment.csv"] and "outside the folder" in unread["benefits.csv"]
    assert all("root:" not in f.message + f.found for f in report.findings)
    before = sum(1 for f in bundled_report.findings if f.check == "extract-recompute")
    assert sum(1 for c in checks if c == "extract-recompute") <= before  # unknown scale: counts not compared


def test_validate_names_an_extract_the_package_lists_but_the_folder_lacks(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "fixtures" / "extracts", tmp_path / "x")
    os.unlink(tmp_path / "x" / "treatment.parquet")
    report = check(ROOT / "published", extracts=tmp_path / "x", publication_rules=False, workers=0)
    [f] = [f for f in report.findings if f.check == "extract-datapackage"]
    assert "'treatment'" in f.message and "does not exist" in f.message and f.severity == "error"
    assert f.locations[0].quote.startswith("resources[") and f.locations[0].document.endswith("datapackage.json")
