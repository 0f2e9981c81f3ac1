"""Shared fixtures for every tests/<stage>/ folder: a copy of the bundled publications with one
planted change."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "published"


def plant_copy(tmp_path: Path, filename: str, lineno: int, old: str, new: str) -> Path:
    """Copy published/*.txt, manifest.json and pubcheck.toml into `tmp_path` (unless already there, so
    several plants can be combined), then replace the one occurrence of `old` with `new`
    on 1-based line `lineno` of `filename`. Returns `tmp_path`.

    Line numbers are those pubcheck reports (str.splitlines), which for the bundled
    documents are also grep -n's. `old` must occur exactly once on that line: a plant
    that changes nothing, or the wrong figure, fails here instead of passing silently.
    """
    for src in [*sorted(PUBLISHED.glob("*.txt")), PUBLISHED / "manifest.json", PUBLISHED / "pubcheck.toml"]:
        dst = tmp_path / src.name
        if not dst.exists():
            shutil.copyfile(src, dst)
    target = tmp_path / filename
    assert target.is_file(), f"{filename} is not a bundled publication"
    lines = target.read_bytes().decode("utf-8").splitlines(keepends=True)
    assert 1 <= lineno <= len(lines), f"{filename} has no line {lineno}"
    line = lines[lineno - 1]
    count = line.count(old)
    assert count == 1, f"{old!r} occurs {count} times on {filename}:{lineno}: {line!r}"
    lines[lineno - 1] = line.replace(old, new, 1)
    target.write_bytes("".join(lines).encode("utf-8"))
    return tmp_path


@pytest.fixture
def plant() -> Callable[[Path, str, int, str, str], Path]:
    """plant(tmp_path, filename, lineno, old, new) -> folder holding the planted copy."""
    return plant_copy


class Browser:
    """Headless Chromium (Debian's `chromium`, installed by .ci/run when missing) on local pages:
    the DOM after the page's scripts ran, and screenshots. Nothing is fetched from the network."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars"]  # fmt: skip

    def __init__(self, path: Path) -> None:
        self.path = path

    def _run(self, args: list[str], url: str) -> str:
        import os
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory(prefix="pubcheck-chromium-") as profile:
            env = {**os.environ, "HOME": profile}  # no writes to the real home (crash reports, caches)
            out = subprocess.run([str(self.path), *self.FLAGS, f"--user-data-dir={profile}", *args, url],
                                 capture_output=True, text=True, timeout=90, env=env, cwd=profile)  # fmt: skip
        assert out.returncode == 0, f"chromium exited {out.returncode}: {out.stderr[-2000:]}"
        return out.stdout

    def dom(self, page: Path, query: str = "") -> str:
        """The DOM of a local page (with `?query`) once its scripts have run."""
        return self._run(["--dump-dom"], page.resolve().as_uri() + (f"?{query}" if query else ""))

    def screenshot(self, page: Path, out: Path, size: str = "1400,1800", query: str = "") -> Path:
        self._run([f"--screenshot={out.resolve()}", f"--window-size={size}"],
                  page.resolve().as_uri() + (f"?{query}" if query else ""))  # fmt: skip
        assert out.is_file() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        return out


@pytest.fixture(scope="session")
def browser() -> Browser:
    """Headless Chromium; skips on a workstation without it, fails under CI (CI must run it)."""
    import os

    path = Path(os.environ.get("PUBCHECK_CHROMIUM", "/usr/bin/chromium"))
    if path.is_file() and os.access(path, os.X_OK):
        return Browser(path)
    message = f"{path} not found: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser checks: {message}", pytrace=False)
    pytest.skip(message)


# ------------------------------------------------------------------------------------- Spark

SPARK_STARTED: dict[str, float] = {}


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One local Spark session for the whole test run, started by the first test that asks
    (tests that do not ask never pay for it). Without Java or pyspark the Spark tests are
    skipped here and fail under CI (CI must run them: .ci/run installs Java when missing)."""
    import os
    import shutil
    import time
    import warnings

    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the Spark tests need pyspark (the spark extra; ./scripts/setup installs it)")
        pytest.skip("pyspark is not installed (the spark extra)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("the Spark tests need Java 17 (apt-get install openjdk-17-jre-headless)")
        pytest.skip("no Java: the Spark tests need Java 17")
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pubcheck.extracts.spark.session import spark_session

    tmp = tmp_path_factory.mktemp("spark")
    t0 = time.perf_counter()
    session = spark_session("local[2]", {
        "spark.sql.shuffle.partitions": "2",
        "spark.local.dir": str(tmp / "local"),
        "spark.sql.warehouse.dir": str(tmp / "warehouse"),
        "spark.driver.memory": "1g",
        # a fast start for short tests; never outside tests (C1 only makes large runs 4x slower)
        "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
    })  # fmt: skip
    SPARK_STARTED["seconds"] = time.perf_counter() - t0
    yield session
    session.stop()


@pytest.fixture
def spark_engine(spark):  # type: ignore[no-untyped-def]
    """The Spark engine on the test run's session."""
    from pubcheck.extracts.spark.engine import SparkEngine

    return SparkEngine(spark=spark)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if SPARK_STARTED:
        terminalreporter.write_line(f"spark: one local session for the run, started in {SPARK_STARTED['seconds']:.1f}s")
