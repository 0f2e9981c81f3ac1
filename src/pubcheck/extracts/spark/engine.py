"""`SparkEngine`: what `--engine spark` hands to `validate` and `refresh`. It holds the session
(started on first use, from --spark-master and --spark-conf) and runs the extracts stage on it:
`run_extracts` is the Spark twin of pubcheck.extracts.validate.run_extracts (contracts,
recomputation, indicator invariants; same findings)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pubcheck.extracts.validate import ExtractSummary, no_extracts, recompare
from pubcheck.model import Finding, InputError


class SparkEngine:
    """The Spark engine. `master`: None uses what spark-submit or the platform set, else
    local[*]; `conf`: --spark-conf values. `spark`: a session to use as it is (tests, notebooks)."""

    name = "spark"

    def __init__(self, master: str | None = None, conf: Mapping[str, str] | None = None, *, spark: Any = None):
        self.master = master
        self.conf = dict(conf or {})
        self._spark = spark
        self._sources: dict[str, Any] = {}
        self.session_seconds = 0.0

    @property
    def spark(self) -> Any:
        if self._spark is None:
            from pubcheck.extracts.spark.session import spark_session

            t0 = time.perf_counter()
            self._spark = spark_session(self.master, self.conf)
            self.session_seconds = time.perf_counter() - t0
        return self._spark

    # ---- the pieces
    def find_extracts(self, directory: str | Path) -> dict[str, Any]:
        from pubcheck.extracts.spark.read import find_extracts

        return find_extracts(self.spark, directory)

    def is_directory(self, directory: str | Path) -> bool:
        from pubcheck.extracts.spark.read import is_directory

        return is_directory(self.spark, directory)

    def validate_extract(self, path: Any, stem: str, *, sample: int = 5, confirm: bool = True) -> Any:
        """The contract (ContractResult); the opened source is kept for `load`."""
        from pubcheck.extracts.spark.execute import validate_extract

        return validate_extract(self.spark, path, stem, sample=sample, confirm=confirm, sources=self._sources)

    def open(self, path: Any, stem: str) -> Any:
        """The extract opened with Spark (read.SparkSource), kept for the steps after."""
        from pubcheck.extracts.spark.read import open_source

        key = str(path)
        if key not in self._sources:
            self._sources[key] = open_source(self.spark, path, stem)
        return self._sources[key]

    def load(self, path: Any, stem: str) -> tuple[Any, list[Finding]]:
        """The extract's declared columns, typed, as a Spark DataFrame (None if it cannot be
        read as the contract's table), and its structure findings (as load_extract)."""
        from pubcheck.extracts.contracts.common import STRUCTURE, _file_finding

        src = self.open(path, stem)
        findings = list(src.findings)
        for col, found in src.wrong_dtype.items():
            declared = src.parsed[col]
            findings.append(_file_finding(
                STRUCTURE, "error", src.path, "dtype", f"column {col}: dtype: the file has {found}, the contract "
                f"declares {declared}", str(declared), found, cell=col)[1])  # fmt: skip
        return (src.typed() if src.df is not None else None), findings

    def local_copy(self, directory: str | Path, names: list[str], read: Any) -> Any:
        """`read(folder)` on a local folder holding `names` from `directory` (a local folder
        as it is; for a URI, the small files among those names fetched into a temporary one)."""
        from pubcheck.extracts.spark.read import Uri, _Files, location

        where = location(directory)
        if not isinstance(where, Uri):
            return read(where)
        files = _Files(self.spark)
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                uri = where.child(name)
                size = files.size(uri)
                data = files.read(uri, 0, size) if size is not None and size <= 16 << 20 else None
                if data is not None:
                    (Path(tmp) / name).write_bytes(data)
            return read(Path(tmp))

    def aggregate(self, frames: dict[str, Any], scales: dict[str, float]) -> Any:
        from pubcheck.extracts.spark.recompute import aggregate

        return aggregate(frames, scales)

    # ---- `pubcheck validate` on Spark
    def discover(self, directory: str | Path, *, allow_remote: bool = False) -> tuple[list[Finding], dict[str, Any],
                                                                                        Any]:  # fmt: skip
        """validate.discover for the Spark engine: a local folder as the polars engine sees it
        (its datapackage.json, unsafe files, resources), plus folders of Parquet part files; at
        a URI, the extracts Spark finds there and the datapackage.json fetched from it."""
        import dataclasses

        from pubcheck.extracts.package import read_package
        from pubcheck.extracts.spark.read import Uri, location
        from pubcheck.extracts.validate import discover

        where = location(directory)
        if not isinstance(where, Uri):
            return discover(where, allow_remote=allow_remote, find=self.find_extracts, parquet_folders=True)
        holder: dict[str, Any] = {}

        def read(tmp: Path) -> Any:
            holder["tmp"] = str(tmp / "datapackage.json")
            return read_package(tmp, allow_remote=allow_remote)

        package = self.local_copy(where, ["datapackage.json"], read)
        uri = where.child("datapackage.json")
        findings = [dataclasses.replace(f, message=f.message.replace(holder["tmp"], uri),
                                        locations=tuple(dataclasses.replace(loc, document=uri) for loc in f.locations))
                    for f in package.findings]  # fmt: skip
        found = self.find_extracts(where)
        if not found:
            findings.append(no_extracts(directory))
        return findings, found, package

    def run_extracts(self, directory: str | Path, corpus: Any, progress: Any = None, *,
                     allow_remote: bool = False) -> tuple[list[Finding], list[ExtractSummary], list[Any]]:  # fmt: skip
        """Validate every extract in `directory` (a local folder or a URI) and recompute the
        published figures of `corpus`: the same findings as the polars engine's run_extracts."""
        from pubcheck.extracts.contracts import contract_runs

        if progress:
            progress("starting Spark")
        if not self.is_directory(directory):
            raise InputError(f"{directory}: no such directory of extracts")
        findings, found, package = self.discover(directory, allow_remote=allow_remote)
        summaries: list[ExtractSummary] = []
        frames: dict[str, Any] = {}
        for stem, path in sorted(found.items()):
            if progress:
                progress(f"validating {path.name} on Spark")
            t0 = time.perf_counter()
            result = self.validate_extract(path, stem)
            findings += result.findings
            summaries.append(ExtractSummary(stem, str(path), result.rows, time.perf_counter() - t0,
                                            len(result.findings), contract_runs(result)))  # fmt: skip
            broken = any(f.check in ("extract-unreadable", "extract-structure") for f in result.findings)
            if not broken:
                df, load_findings = self.load(path, stem)
                if df is not None and not load_findings:
                    frames[stem] = df
        if progress:
            progress("recomputing published figures on Spark")
        more, comparisons = recompare(self.aggregate(frames, package.scales), package, found, corpus, directory)
        return findings + more, summaries, comparisons
