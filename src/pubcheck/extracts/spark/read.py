"""Reading an extract with Spark as the contract's table: the same structure findings, types,
malformed lines and row numbers as the polars engine (pubcheck.extracts.contracts.read).

Where an extract may be: a local path or a URI Spark reads (`s3a://`, `abfss://`, `hdfs://`,
`file://`; credentials through ordinary Spark configuration, `--spark-conf`). A `.parquet` may
be one file or a folder of part files (as Spark writes them); a `.csv` is one file.

Row numbers: Parquet rows come from Spark's `_metadata.row_index` (the row's position in its
file, the number polars' `with_row_index` gives, however Spark splits the file); in a folder of
part files, rows count on through the files in name order. A CSV file's rows are numbered from
Spark's partitions (each partition's position from one small count; a single file's splits are
read in order), shifted past the blank lines Spark's CSV reader skips, so data row i is line
i + 2 as in the polars engine.

The CSV's lines are checked first, as in the polars engine (ragged, truncated, blank, not UTF-8):
a local file by the polars line scan, a file at a URI by the same scan done by Spark. Spark's
own CSV reader pads ragged lines and decodes bad bytes silently, so it never decides this.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from pubcheck.extracts.contracts import read as polars_read
from pubcheck.extracts.contracts.common import RAW, ROW, STRUCTURE, UNREADABLE, _err, _file_finding
from pubcheck.extracts.spark.translate import col
from pubcheck.model import Finding
from schemas.extracts import CONTRACTS, schema_for

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BOOL = polars_read._BOOL


class Uri(str):
    """An extract's location given as a URI (s3a://bucket/x/reoffending.parquet): it names
    itself in findings as written, and has a `.name` and a `.suffix` like a Path."""

    @property
    def name(self) -> str:
        return self.rstrip("/").rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name
        return name[name.rfind("."):] if "." in name else ""

    def child(self, name: str) -> Uri:
        return Uri(self.rstrip("/") + "/" + name)


def location(value: str | Path) -> Path | Uri:
    """A local path (Path) or a URI (Uri)."""
    if isinstance(value, Uri):
        return value
    text = str(value)
    return Uri(text) if _URI.match(text) else Path(text)


# ------------------------------------------------------------------ the file system Spark sees


class _Files:
    """Files at URIs through Hadoop's FileSystem (the one Spark reads with, so s3a/abfss
    settings apply). None of it is needed for local paths."""

    def __init__(self, spark: SparkSession):
        self.spark = spark
        try:
            self.jvm = spark._jvm  # type: ignore[attr-defined]
            self.conf = spark._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        except Exception:  # Spark Connect: no JVM in this process
            self.jvm = None

    def _fs(self, uri: str) -> tuple[Any, Any]:
        p = self.jvm.org.apache.hadoop.fs.Path(uri)
        return p.getFileSystem(self.conf), p

    def status(self, uri: str) -> str | None:
        """'file', 'dir' or None (absent, or not knowable here)."""
        if self.jvm is None:
            return None
        try:
            fs, p = self._fs(uri)
            if not fs.exists(p):
                return None
            return "dir" if fs.getFileStatus(p).isDirectory() else "file"
        except Exception:
            return None

    def size(self, uri: str) -> int | None:
        if self.jvm is None:
            return None
        try:
            fs, p = self._fs(uri)
            return int(fs.getFileStatus(p).getLen())
        except Exception:
            return None

    def read(self, uri: str, offset: int, n: int) -> bytes | None:
        if self.jvm is None:
            return None
        try:
            fs, p = self._fs(uri)
            stream = fs.open(p)
            try:
                if offset:
                    stream.seek(offset)
                return bytes(self.jvm.org.apache.commons.io.IOUtils.toByteArray(stream, n))
            finally:
                stream.close()
        except Exception:
            return None


def find_extracts(spark: SparkSession, directory: str | Path) -> dict[str, Path | Uri]:
    """For each contract, `<stem>.parquet` (a file or a folder of part files, preferred) or
    `<stem>.csv` in `directory` (a local folder or a URI)."""
    where = location(directory)
    found: dict[str, Path | Uri] = {}
    files = _Files(spark) if isinstance(where, Uri) else None
    for stem in CONTRACTS:
        for suffix in (".parquet", ".csv"):
            if isinstance(where, Uri):
                assert files is not None
                candidate: Path | Uri = where.child(stem + suffix)
                if files.jvm is None:  # Spark Connect: no file system here; ask Spark's reader
                    ok = _readable(spark, candidate, suffix)
                else:
                    kind = files.status(candidate)
                    ok = kind == "file" or (kind == "dir" and suffix == ".parquet")
            else:
                candidate = where / f"{stem}{suffix}"
                ok = candidate.is_file() or (suffix == ".parquet" and candidate.is_dir())
            if ok:
                found[stem] = candidate
                break
    return found


def _readable(spark: SparkSession, uri: str, suffix: str) -> bool:
    try:
        reader = spark.read.parquet if suffix == ".parquet" else spark.read.text
        reader(uri).schema  # noqa: B018 - lists the files, reads no rows
        return True
    except Exception:
        return False


def is_directory(spark: SparkSession, where: str | Path) -> bool:
    """A local folder, or a URI that is a folder (on Spark Connect, where the file system
    cannot be asked from here: assumed, and a missing folder shows as no extracts found)."""
    loc = location(where)
    if isinstance(loc, Uri):
        files = _Files(spark)
        return files.jvm is None or files.status(loc) == "dir"
    return loc.is_dir()


# ------------------------------------------------------------------ types


_TO_POLARS: list[tuple[type, Any]] = [
    (T.LongType, pl.Int64), (T.IntegerType, pl.Int32), (T.ShortType, pl.Int16), (T.ByteType, pl.Int8),
    (T.DoubleType, pl.Float64), (T.FloatType, pl.Float32), (T.StringType, pl.String), (T.BooleanType, pl.Boolean),
    (T.DateType, pl.Date), (T.BinaryType, pl.Binary),
]  # fmt: skip


def polars_dtype(t: T.DataType) -> Any:
    """The polars dtype Spark's type corresponds to (None: no counterpart)."""
    for spark_type, dtype in _TO_POLARS:
        if isinstance(t, spark_type):
            return dtype
    if isinstance(t, T.TimestampNTZType):
        return pl.Datetime("us")
    if isinstance(t, T.TimestampType):
        return pl.Datetime("us", "UTC")
    if isinstance(t, T.DecimalType):
        return pl.Decimal(t.precision, t.scale)
    return None


def spark_type(dtype: Any) -> T.DataType:
    """The Spark type of a declared polars dtype."""
    for spark_t, polars_t in _TO_POLARS:
        if dtype == polars_t:
            return spark_t()
    if isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
        return T.TimestampType() if getattr(dtype, "time_zone", None) else T.TimestampNTZType()
    if isinstance(dtype, pl.Decimal):
        return T.DecimalType(dtype.precision or 38, dtype.scale or 0)
    raise TypeError(f"no Spark type for {dtype}")


_EDGE_SPACE = r"(?s)^[\x00-\x20]|[\x00-\x20]$"  # Spark's casts trim these; polars' do not
_DATE = r"(?dU)^[ \t\n\r]*\+?([0-9]{1,4})-[ \t\n\r]*([0-9]{1,2})-[ \t\n\r]*([0-9]{1,2})\z"  # chrono's %Y-%m-%d


def parse_text(raw: Column, want: Any) -> Column:
    """Text -> the declared polars dtype, as the polars engine parses it (null where it does
    not parse; the dtype rule counts those). Spark's casts are more lenient (they trim spaces,
    read '1d' as a double, need two-digit months): those texts are kept from them."""
    if want == pl.String:
        return raw
    if want == pl.Boolean:
        trues = [k for k, v in _BOOL.items() if v]
        falses = [k for k, v in _BOOL.items() if not v]
        return F.when(raw.isin(trues), F.lit(True)).when(raw.isin(falses), F.lit(False))
    if want == pl.Date:
        parts = [F.regexp_extract(raw, _DATE, i) for i in (1, 2, 3)]
        text = F.concat_ws("-", F.lpad(parts[0], 4, "0"), F.lpad(parts[1], 2, "0"), F.lpad(parts[2], 2, "0"))
        return F.when(raw.rlike(_DATE), F.try_to_date(text, "yyyy-MM-dd"))
    target = spark_type(want)
    if isinstance(target, T.DoubleType | T.FloatType):
        low = F.lower(raw)
        special = (F.when(low.rlike(r"^\+?inf(inity)?$"), F.lit(float("inf")))
                   .when(low.rlike(r"^-inf(inity)?$"), F.lit(float("-inf")))
                   .when(low.rlike(r"^[+-]?nan$"), F.lit(float("nan"))))  # fmt: skip
        plain = ~raw.rlike(_EDGE_SPACE) & ~raw.rlike(r"[dDfF]$|[xXpP]")
        return F.coalesce(special.cast(target), F.when(plain, raw.try_cast(target)))
    return F.when(~raw.rlike(_EDGE_SPACE), raw.try_cast(target))


# ------------------------------------------------------------------ the source


@dataclass
class SparkSource(polars_read.Keyed):
    """An extract opened with Spark: `df` holds ROW, the declared columns that can be checked
    (typed) and, for columns parsed from text or cast from another type, the column as read
    (RAW prefix); malformed CSV lines are already left out. The other fields mean what they
    mean in the polars engine's _Source, so the findings are written by the same code."""

    path: Path | Uri
    kind: str  # "csv" | "parquet"
    df: DataFrame | None = None
    findings: list[Finding] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    parsed: dict[str, Any] = field(default_factory=dict)  # column -> declared polars dtype, RAW kept
    wrong_dtype: dict[str, str] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)
    excluded: list[int] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # the file's own columns, in its order
    keyed: dict[str, Finding] = field(default_factory=dict)

    @property
    def base(self) -> DataFrame | None:
        return self.df

    def typed(self) -> DataFrame:
        """The declared columns only, typed (what the recomputation and GX read)."""
        assert self.df is not None
        return self.df.select(*[col(c) for c in self.columns])

    def rows(self) -> DataFrame:
        """ROW and the declared columns, typed (the refresh rules quote rows in file order)."""
        assert self.df is not None
        return self.df.select(F.col(ROW), *[col(c) for c in self.columns])


def open_source(spark: SparkSession, path: str | Path, stem: str) -> SparkSource:
    """Open the extract at `path` for the contract `stem` (see the module docstring)."""
    if stem not in CONTRACTS:
        raise ValueError(f"no contract for extract {stem!r}")
    where = location(path)
    schema = schema_for(stem)
    kind = "csv" if where.suffix.lower() == ".csv" else "parquet"
    src = SparkSource(where, kind)
    files = _Files(spark) if isinstance(where, Uri) else None
    exists = files.status(where) if files is not None else ("dir" if where.is_dir() else  # type: ignore[union-attr]
                                                            "file" if where.is_file() else None)  # type: ignore[union-attr]
    if exists is None and (files is None or files.jvm is not None):
        src.add(*_file_finding(UNREADABLE, "error", where, "unreadable", "unreadable: no such file",  # type: ignore[arg-type]
                               "a readable extract", "no file"))  # fmt: skip
        return src
    if kind == "csv":
        _open_csv(spark, src, schema, files)
    else:
        _open_parquet(spark, src, schema, files, folder=exists == "dir")
    return src


def _magic(src: SparkSource, files: _Files | None) -> bool:
    """The Parquet magic bytes at both ends (a file cut short has no footer). False: a finding."""
    path = src.path
    if files is None:
        local = Path(path)
        size = local.stat().st_size
        with local.open("rb") as fh:
            head = fh.read(4)
            fh.seek(max(size - 4, 0))
            tail = fh.read(4)
    else:
        size_or_none = files.size(path)
        if size_or_none is None:
            return True  # not knowable here: Spark's reader will say
        size = size_or_none
        head = files.read(path, 0, 4) or b""
        tail = files.read(path, max(size - 4, 0), 4) or b""
    if size < 12 or head != b"PAR1":
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable",  # type: ignore[arg-type]
                               "unreadable: not a Parquet file (no PAR1 magic bytes at the start)",
                               "a Parquet file", f"{size} bytes starting {head!r}"))  # fmt: skip
        return False
    if tail != b"PAR1":
        src.add(*_file_finding(UNREADABLE, "error", path, "truncated",  # type: ignore[arg-type]
                               "truncated: the Parquet footer is missing (the file was cut short?)",
                               "a file ending with the PAR1 footer", f"{size} bytes ending {tail!r}"))
        return False
    return True


def _open_parquet(spark: SparkSession, src: SparkSource, schema: pa.DataFrameSchema, files: _Files | None, *,
                  folder: bool) -> None:  # fmt: skip
    path = src.path
    if not folder and not _magic(src, files):
        return
    try:
        raw = spark.read.parquet(str(path))
        have_spark = {f.name: f.dataType for f in raw.schema.fields}
        if files is None and not folder:  # the types as the polars engine sees them (unsigned ints, say)
            have = dict(pl.scan_parquet(Path(path)).collect_schema())
        else:
            have = {n: polars_dtype(t) for n, t in have_spark.items()}
    except Exception as exc:
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable", f"unreadable: cannot be read: {_err(exc)}",  # type: ignore[arg-type]
                               "a readable Parquet file", _err(exc)))  # fmt: skip
        return
    src.present = list(have_spark)
    polars_read._structure(src, schema, src.present, line=0)  # type: ignore[arg-type]
    meta = F.col("_metadata")
    rows = raw.select("*", meta.getField("row_index").alias("__idx"), meta.getField("file_path").alias("__file"))
    if folder:  # rows count on through the part files, in name order
        sizes = sorted((r[0], r[1]) for r in rows.groupBy("__file").count().collect())
        offsets, acc = [], 0
        for name, n in sizes:
            offsets += [F.lit(name), F.lit(acc)]
            acc += n
        row = F.create_map(*offsets)[F.col("__file")] + F.col("__idx") if offsets else F.col("__idx")
    else:
        row = F.col("__idx")
    rows = rows.withColumn(ROW, row.cast("long"))
    _typed(spark, src, schema, rows, have, text=False)


def _typed(spark: SparkSession, src: SparkSource, schema: pa.DataFrameSchema, rows: DataFrame, have: dict[str, Any],
           *, text: bool) -> None:  # fmt: skip
    """The declared columns at their declared types; RAW copies of those converted."""
    declared = polars_read._declared(schema)
    select: list[Column] = [F.col(ROW)]
    for name in list(src.columns):
        want, got = declared[name], have.get(name)
        c = col(name)
        pandera_dtype = schema.columns[name].dtype
        if not text and (pandera_dtype is None or (got is not None and polars_read._dtype_ok(pandera_dtype, got))):
            select.append(c)
            continue
        if text and want == pl.String:
            select.append(c)
            continue
        if text or got == pl.String:
            typed = parse_text(c.cast("string") if not text else c, want)
        else:
            typed = c.try_cast(spark_type(want))
            try:  # can this type be converted at all? (analysis only, no job)
                rows.select(typed.alias("__probe")).schema  # noqa: B018
            except Exception:
                src.unusable[name] = f"dtype {got}"
                src.add(*_file_finding(
                    STRUCTURE, "error", src.path, "dtype", f"column {name}: dtype: the file has {got}, the contract "  # type: ignore[arg-type]
                    f"declares {want}, and it cannot be converted: its rules are not checked", str(want), str(got),
                    cell=name))  # fmt: skip
                continue
        src.parsed[name] = want
        if not text:
            src.wrong_dtype[name] = str(got)
        select += [typed.alias(name), c.alias(RAW + name)]
    src.columns = [c for c in src.columns if c not in src.unusable]
    src.df = rows.select(*select)


# ------------------------------------------------------------------ CSV


def _open_csv(spark: SparkSession, src: SparkSource, schema: pa.DataFrameSchema, files: _Files | None) -> None:
    path = src.path
    if files is None:
        local = Path(path)
        size = local.stat().st_size
        head = b""
        if size:
            with local.open("rb") as fh:
                head = fh.readline()
                fh.seek(size - 1)
                ends_with_newline = fh.read(1) == b"\n"
    else:
        size = files.size(path) or 0
        first = files.read(path, 0, min(size, 1 << 20)) or b""
        head = first[: first.index(b"\n") + 1] if b"\n" in first else first
        ends_with_newline = (files.read(path, size - 1, 1) or b"") == b"\n" if size else False
    if size == 0:
        src.add(*_file_finding(UNREADABLE, "error", path, "empty-file", "empty-file: the file is empty (no header)",  # type: ignore[arg-type]
                               "a header line and data rows", "0 bytes"))  # fmt: skip
        return
    try:
        header = head.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        src.add(*_file_finding(
            UNREADABLE, "error", path, "encoding", f"encoding: the header is not UTF-8 ({exc.reason} at byte "  # type: ignore[arg-type]
            f"{exc.start})", "UTF-8 text", repr(head[max(exc.start - 10, 0):exc.end + 10]), line=1,
            quote=head.decode("utf-8", "replace").strip()))  # fmt: skip
        return
    names = next(csv.reader([header]), [])
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes or not names:
        problem = f"duplicate column names {', '.join(dupes)}" if dupes else "no column names"
        src.add(*_file_finding(UNREADABLE, "error", path, "header", f"header: {problem}",  # type: ignore[arg-type]
                               "distinct column names", header, line=1, quote=header))  # fmt: skip
        return
    src.present = names
    polars_read._structure(src, schema, names, line=1)  # type: ignore[arg-type]
    if files is None:
        _, stop = polars_read._csv_lines(src, len(names), ends_with_newline)  # type: ignore[arg-type]
    else:
        stop = _csv_lines_spark(spark, src, len(names), ends_with_newline)
    if stop:
        return
    text = T.StructType([T.StructField(n, T.StringType()) for n in names])
    raw = spark.read.csv(str(path), header=True, schema=text, mode="PERMISSIVE", enforceSchema=True, quote='"',
                         escape='"', encoding="UTF-8")  # fmt: skip
    rows = with_row_index(raw)
    blank = src.blank
    if blank:  # Spark's reader skips blank lines, polars' reads them as rows (left out): number as polars does
        thresholds = [b - j for j, b in enumerate(blank)]
        shift = F.size(F.filter(F.array(*[F.lit(t) for t in thresholds]), lambda t: t <= F.col(ROW)))
        rows = rows.withColumn(ROW, F.col(ROW) + shift)
    if src.excluded:
        rows = rows.where(~F.col(ROW).isin(src.excluded))
    _typed(spark, src, schema, rows, {n: pl.String for n in names}, text=True)


def with_row_index(df: DataFrame) -> DataFrame:
    """ROW: a 0-based row number in file order, for a source without `_metadata.row_index`.
    monotonically_increasing_id is (partition << 33) + position in the partition; one small
    count per partition gives each partition's first row."""
    tagged = df.withColumn("__pid", F.spark_partition_id()).withColumn("__mid", F.monotonically_increasing_id())
    sizes = dict(tagged.groupBy("__pid").count().collect())
    offsets, acc = [], 0
    for pid in sorted(sizes):
        offsets += [F.lit(pid), F.lit(acc)]
        acc += sizes[pid]
    local = F.col("__mid") - F.col("__pid").cast("long") * F.lit(1 << 33)
    row = F.create_map(*offsets)[F.col("__pid")] + local if offsets else local
    return tagged.withColumn(ROW, row.cast("long")).drop("__pid", "__mid")


def _csv_lines_spark(spark: SparkSession, src: SparkSource, ncols: int, ends_with_newline: bool) -> bool:
    """The polars line scan (contracts.read._csv_lines), done by Spark for a file at a URI.
    Returns True when the file is too broken to validate."""
    path = str(src.path)
    try:
        lines = with_row_index(spark.read.text(path)).withColumnRenamed(ROW, "i")
        line = F.col("value")
        blank = line.isNull() | (line == "")
        unquoted = F.regexp_replace(line, '"[^"]*"', "")
        fields = F.length(unquoted) - F.length(F.regexp_replace(unquoted, ",", "")) + 1
        odd = ((F.length(line) - F.length(F.regexp_replace(line, '"', ""))) % 2) == 1
        ragged = ~blank & ((fields != ncols) | odd)
        bad_text = F.coalesce(~F.is_valid_utf8(line) | line.contains("\ufffd"), F.lit(False))
        flag = (blank | ragged | bad_text) & (F.col("i") > 0)
        info = lines.select("i", F.make_valid_utf8(line).alias("line"), line.cast("binary").alias("bytes"),
                            fields.alias("fields"), blank.alias("blank"), ragged.alias("ragged"),
                            bad_text.alias("bad_text"), flag.alias("flag"))  # fmt: skip
        totals = info.agg(F.count(F.lit(1)).alias("n"), F.sum(F.col("flag").cast("long")).alias("n_bad")).collect()[0]
        bad_rows = info.where("flag").orderBy("i").limit(polars_read.MAX_BAD_LINES + 1).collect()
    except Exception as exc:
        src.add(*_file_finding(UNREADABLE, "error", src.path, "unreadable",  # type: ignore[arg-type]
                               f"unreadable: cannot be read: {_err(exc)}", "a readable CSV file", _err(exc)))
        return True
    bad = [{"i": int(r["i"]), "line": r["line"], "fields": int(r["fields"]), "blank": bool(r["blank"]),
            "ragged": bool(r["ragged"]), "bad_text": bool(r["bad_text"])} for r in bad_rows]  # fmt: skip
    raw = {int(r["i"]): bytes(r["bytes"] or b"")[:200] for r in bad_rows if r["bad_text"]}
    _, stop = polars_read._line_findings(src, ncols, ends_with_newline, bad, int(totals["n"]),
                                         int(totals["n_bad"] or 0), lambda ix: {i: raw[i] for i in ix if i in raw})
    return stop
