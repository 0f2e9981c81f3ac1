"""The command line: parse, call the library, render. Exit codes:
0 no finding at or above --fail-on; 1 findings; 2 bad usage or unreadable input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from pubcheck import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _shown(path: Path) -> Path:
    """A path as the user would type it from here: relative when under the current folder."""
    try:
        return path.relative_to(Path.cwd()) if path.is_absolute() else path
    except ValueError:
        return path


def _default_published() -> Path:
    from pubcheck.paths import published_dir

    d = published_dir()
    if d is None:
        raise SystemExit("pubcheck: no DIR given and the bundled published/ folder was not found")
    return _shown(d)


EXIT_CODES = """exit codes:
  0  no finding at or above --fail-on (default: error)
  1  findings at or above --fail-on (with --baseline and --only-new: new ones only)
  2  bad usage, or input that cannot be read (the message names the file and place)"""


def _epilog(examples: str, codes: str = EXIT_CODES) -> str:
    return f"examples:\n{examples}\n\n{codes}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one clear line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"pubcheck: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="pubcheck",
        description="Check published statistics: extract every figure from the documents and "
                    "report the discrepancies (arithmetic, bases, counts vs percentages, inverse "
                    "rates, prose vs tables, across documents, verbal quantifiers, missing-data "
                    "bounds, units).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_epilog("  pubcheck check                          # the bundled publications\n"
                       "  pubcheck check drafts/ --format html -o report.html\n"
                       "  pubcheck refresh --previous accepted/ --current new/ --format junit -o gate.xml\n"
                       "  pubcheck rules                          # every check id, its severity, one line"),
    )  # fmt: skip
    p.add_argument("--version", action="version", version=f"pubcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    raw = argparse.RawDescriptionHelpFormatter

    c = sub.add_parser("check", help="check the publications in DIR and report discrepancies",
                       description="Check the publications in DIR (default: the bundled "
                                   "published/ folder) and report every discrepancy.",
                       formatter_class=raw, epilog=_epilog(
                           "  pubcheck check                                 # the bundled published/ folder\n"
                           "  pubcheck check drafts/2025-bulletin/ --fail-on warning\n"
                           "  pubcheck check drafts/ --format sarif -o pubcheck.sarif   # code-scanning UIs\n"
                           "  pubcheck check drafts/ --format json -o today.json\n"
                           "  pubcheck check drafts/ --baseline today.json --only-new   # gate on new findings\n"
                           "  pubcheck check --select prose-table,cross-document --verbose"))  # fmt: skip
    c.add_argument("dir", nargs="?", type=Path, help="folder (or one file) of publications")
    _report_options(c)
    c.add_argument("--select", help="comma-separated rule ids to run (default: all)")
    c.add_argument("--ignore", help="comma-separated rule ids to skip")
    c.add_argument("--verbose", "-v", action="store_true",
                   help="also show the figures pubcheck did not compare, and why (always in JSON)")
    c.add_argument("--config", type=Path, metavar="FILE",
                   help="configuration to use (default: DIR/pubcheck.toml if present; see README)")
    c.add_argument("--extracts", type=Path, metavar="DIR",
                   help="also validate the source extracts in DIR and recompute every figure from them")
    _reading_options(c)
    c.add_argument("--allow-remote", action="store_true",
                   help="with --extracts: accept URLs as resource paths in datapackage.json (never read)")

    v = sub.add_parser("validate", help="validate source extracts and recompute the published figures",
                       description="Validate each extract in EXTRACTS_DIR (default: the bundled "
                                   "fixtures/extracts/) against its Pandera contract, recompute every "
                                   "published figure linked to an indicator the extracts cover, and "
                                   "report each figure the extracts do not support.",
                       formatter_class=raw, epilog=_epilog(
                           "  pubcheck validate                              # bundled extracts and publications\n"
                           "  pubcheck validate extracts/2025-q1/ --published drafts/ --format html -o qa.html\n"
                           "  pubcheck validate extracts/ --format junit -o validate.xml\n"
                           "  pubcheck validate s3a://bucket/extracts/ --engine spark"))  # fmt: skip
    v.add_argument("extracts", nargs="?", metavar="EXTRACTS_DIR",
                   help="folder of extracts (<stem>.parquet or <stem>.csv); with --engine spark also a URI "
                        "Spark reads (s3a://, abfss://, hdfs://, file://)")  # fmt: skip
    v.add_argument("--published", type=Path, metavar="DIR",
                   help="publications to compare with (default: the bundled published/)")
    v.add_argument("--config", type=Path, metavar="FILE",
                   help="configuration to use (default: the publications' pubcheck.toml if present)")
    _engine_options(v)
    _report_options(v)
    _reading_options(v)
    v.add_argument("--allow-remote", action="store_true",
                   help="accept URLs as resource paths in datapackage.json (pubcheck never reads them)")

    f = sub.add_parser("figures", help="list every figure extracted from the publications",
                       description="List every figure in DIR (default: the bundled published/) "
                                   "with its document, line, value, unit, precision, qualifier "
                                   "and linked indicator.",
                       formatter_class=raw, epilog=_epilog(
                           "  pubcheck figures                               # a table in the terminal\n"
                           "  pubcheck figures drafts/ --format csv -o figures.csv",
                           "exit codes:\n  0  listed\n  2  bad usage, or a document that cannot be read"))  # fmt: skip
    f.add_argument("dir", nargs="?", type=Path, help="folder (or one file) of publications")
    f.add_argument("--format", choices=["console", "json", "csv"], default="console")
    f.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    f.add_argument("--debug", action="store_true", help="show tracebacks")
    f.add_argument("--config", type=Path, metavar="FILE", help="pubcheck.toml to use (default: DIR/pubcheck.toml)")
    _reading_options(f)

    fe = sub.add_parser("fetch", help="download the sources in a manifest into a local cache",
                        description="Download the publications and tables listed in a sources manifest "
                                    "(timeouts, retries, size/type/checksum checks) into a cache folder. "
                                    "--offline never touches the network.",
                        formatter_class=raw, epilog=_epilog(
                            "  pubcheck fetch                                 # published/sources.json\n"
                            "  pubcheck fetch --manifest sources.json --cache .cache --offline",
                            "exit codes:\n  0  every source fetched or served from the cache\n"
                            "  1  a source failed (the finding names it and why)\n  2  bad usage"))  # fmt: skip
    fe.add_argument("--manifest", type=Path, default=Path("published/sources.json"), metavar="PATH",
                    help="sources manifest (JSON; default: published/sources.json)")  # fmt: skip
    fe.add_argument("--cache", type=Path, default=Path(".pubcheck-cache"), metavar="DIR",
                    help="cache folder (default: .pubcheck-cache)")  # fmt: skip
    fe.add_argument("--offline", action="store_true", help="never touch the network; serve from the cache")
    fe.add_argument("--timeout", type=float, default=10.0, help="connect and read timeout in seconds (default: 10)")
    fe.add_argument("--retries", type=int, default=3, help="retries on connection errors, timeouts, 5xx (default: 3)")
    fe.add_argument("--max-bytes", type=int, default=50_000_000, help="size limit per file (default: 50000000)")
    fe.add_argument("--allow-cross-host", action="store_true",
                    help="follow redirects to other hosts (another port of the same host counts as another host)")
    fe.add_argument("--deadline", type=float, default=300.0,
                    help="overall time for one source, all attempts included, in seconds (default: 300)")
    _report_options(fe, gate=False)

    r = sub.add_parser("refresh", help="gate a new extract against the previous accepted one",
                       description="Check the extracts in --current against the previous accepted ones in "
                                   "--previous: intake, contracts, the Great Expectations checkpoint, and "
                                   "the refresh rules (row counts, category mix, revised history, rate "
                                   "shifts). A file that fails intake gets one error naming the cause; its "
                                   "later checks are skipped (and counted). Nothing is written into either "
                                   "folder.",
                       formatter_class=raw, epilog=_epilog(
                           "  pubcheck refresh --previous accepted/ --current new/\n"
                           "  pubcheck refresh --previous accepted/ --current new/ --format html -o gate.html \\\n"
                           "      --data-docs gate-docs/          # the report links the GX Data Docs\n"
                           "  pubcheck refresh --previous accepted/ --current new/ --format junit -o gate.xml\n"
                           "  pubcheck refresh --previous s3a://b/2026-10/ --current s3a://b/2026-11/ --engine spark",
                       ))  # fmt: skip
    r.add_argument("--previous", required=True, metavar="DIR",
                   help="the previous accepted extracts (with --engine spark also a URI)")
    r.add_argument("--current", required=True, metavar="DIR", help="the new extracts (with --engine spark also a URI)")
    r.add_argument("--data-docs", type=Path, metavar="DIR", help="write GX Data Docs (HTML) into DIR")
    r.add_argument("--state-dir", type=Path, default=Path(".gx-state"), metavar="DIR",
                   help="where GX keeps its project state (default: .gx-state)")  # fmt: skip
    r.add_argument("--suites", type=Path, metavar="DIR",
                   help="hand-edited GX suites <stem>.json (default: checks/gx/); else generated from --previous")
    r.add_argument("--published", type=Path, metavar="DIR",
                   help="also validate the figures extracted from the publications in DIR with the "
                        "suite checks/gx/published-figures.json (units, ranges, complete series)")  # fmt: skip
    r.add_argument("--config", type=Path, metavar="FILE",
                   help="pubcheck.toml with [[suppress]] entries (default: --current/pubcheck.toml if present)")
    _engine_options(r)
    _report_options(r)

    ru = sub.add_parser("rules", help="list every check id of check, validate, refresh and fetch",
                        description="List every check id pubcheck reports, with the commands that run it, "
                                    "the severities it reports and one line saying what it finds.",
                        formatter_class=raw, epilog=_epilog(
                            "  pubcheck rules\n  pubcheck rules --format json",
                            "exit codes:\n  0  listed\n  2  bad usage"))  # fmt: skip
    ru.add_argument("--format", choices=["console", "json"], default="console")
    return p


def _engine_options(p: argparse.ArgumentParser) -> None:
    """The engine options validate and refresh share."""
    p.add_argument("--engine", choices=["polars", "spark"], default="polars",
                   help="run the extracts on polars (this machine, default) or on Apache Spark "
                        "(pyspark and Java 17: the spark extra)")  # fmt: skip
    p.add_argument("--spark-master", metavar="URL",
                   help="Spark master for --engine spark (default: the one spark-submit or the platform "
                        "set, else local[*])")  # fmt: skip
    p.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting for --engine spark (repeatable), e.g. "
                        "spark.hadoop.fs.s3a.endpoint=https://...")  # fmt: skip


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The engine --engine names (None: polars), with --spark-master and --spark-conf."""
    from pubcheck.model import InputError

    if args.engine != "spark":
        if args.spark_master or args.spark_conf:
            raise InputError("--spark-master and --spark-conf need --engine spark")
        return None
    from pubcheck.extracts.spark.engine import SparkEngine
    from pubcheck.extracts.spark.session import parse_conf

    return SparkEngine(args.spark_master, parse_conf(args.spark_conf))


def _folder(text: str, engine, shown: str = "") -> Path | str:  # type: ignore[no-untyped-def]
    """An extracts argument: a local folder, or a URI Spark reads (s3a://, abfss://, ...), which
    only --engine spark can take. `shown`: the option it came with, for the message."""
    import re

    from pubcheck.model import InputError

    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        return Path(text)
    if engine is None:
        raise InputError(f"{shown}{text}: a URI needs --engine spark (the polars engine reads local folders)")
    return text


def _report_options(p: argparse.ArgumentParser, *, gate: bool = True) -> None:
    """The report options check, validate, refresh and fetch share (gate: --fail-on and
    --no-progress too)."""
    p.add_argument("--format", choices=["console", "json", "junit", "sarif", "markdown", "html"],
                   default="console", help="report format (default: console); json is exactly the report "
                                           "object, sarif is SARIF 2.1.0")  # fmt: skip
    p.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of stdout")
    if gate:
        p.add_argument("--fail-on", choices=["error", "warning", "info"], default="error",
                       help="exit 1 when a finding at or above this severity exists (default: error)")  # fmt: skip
        p.add_argument("--baseline", type=Path, metavar="FILE",
                       help="a previous JSON report: each finding is new or unchanged, and the fixed ones are listed")
        p.add_argument("--only-new", action="store_true",
                       help="with --baseline: exit 1 only for new findings at or above --fail-on")
        p.add_argument("--no-progress", action="store_true", help="do not show progress on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def _reading_options(p: argparse.ArgumentParser) -> None:
    """Budgets per document and the worker processes that read documents."""
    from pubcheck.limits import help_text

    p.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                   help="change a budget per document (repeatable; also [limits] in pubcheck.toml). "
                        f"Names and defaults: {help_text()}")  # fmt: skip
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes reading documents (default: one per core, at most 8; "
                        "0: read in this process, without time and memory limits)")  # fmt: skip


def _limits(args: argparse.Namespace, target: Path | None):  # type: ignore[no-untyped-def]
    """The budgets: the configuration's [limits] (pubcheck.toml), then --limit on top."""
    from pubcheck.config import load_config
    from pubcheck.limits import DEFAULT, from_pairs
    from pubcheck.model import InputError

    if getattr(args, "workers", None) is not None and args.workers < 0:
        raise InputError("--workers must be 0 or more")
    base = load_config(target, getattr(args, "config", None)).limits if target is not None else DEFAULT
    return from_pairs(getattr(args, "limit", []) or [], base)


_PYSPARK_PANDAS_WARNING = "PySpark does not yet fully support pandas"


def run(argv: list[str] | None = None) -> int:
    """The `pubcheck` program: main() in a process that loads pyspark only for --engine spark.

    When pyspark is installed (the spark extra), `import pandera` probes `pyspark.pandas` and
    GX imports `pyspark.sql.connect`: every command would load Spark's Python side and, under
    pandas 3, print pyspark's FutureWarning. Without --engine spark, pyspark is marked absent
    for this process (both libraries then carry on as without it); with it, the warning is
    silenced (pubcheck never uses pyspark.pandas)."""
    import warnings

    args = sys.argv[1:] if argv is None else list(argv)
    spark = any(a == "--engine=spark" or (a == "--engine" and nxt == "spark")
                for a, nxt in zip(args, [*args[1:], ""], strict=True))  # fmt: skip
    if spark:
        warnings.filterwarnings("ignore", message=_PYSPARK_PANDAS_WARNING, category=FutureWarning)
    else:
        sys.modules.setdefault("pyspark", None)  # type: ignore[arg-type]
    code = main(args)
    if argv is None:  # the program, about to exit (tests pass argv and go on)
        import gc

        # A large run's tidy cells and tables hang in a reference cycle (a document and the
        # tidy tables cached on it, whose cells name it) that the collection at exit would free
        # one object at a time: 0.9 s after a 50,000-row table. Frozen, they go with the process.
        gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "figures":
            return _figures(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "refresh":
            return _refresh(args)
        if args.command == "rules":
            return _rules(args.format)
    except KeyboardInterrupt:
        sys.stderr.write("pubcheck: interrupted\n")
        return 130
    except Exception as exc:
        from pubcheck.model import InputError

        if getattr(args, "debug", False):
            raise
        if isinstance(exc, InputError):
            sys.stderr.write(f"pubcheck: {exc}\n")
            return EXIT_INPUT
        sys.stderr.write(f"pubcheck: internal error: {type(exc).__name__}: {exc} "
                         "(run with --debug for the traceback)\n")  # fmt: skip
        return EXIT_INPUT
    return EXIT_INPUT


def _ids(text: str | None) -> set[str] | None:
    if not text:
        return None
    from pubcheck.publication.registry import registered

    known = registered()
    ids = {t.strip() for t in text.split(",") if t.strip()}
    unknown = ids - set(known)
    if unknown:
        from pubcheck.model import InputError

        raise InputError(f"unknown rule id(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(known)}")  # fmt: skip
    return ids


def _out_console(path: Path | None) -> tuple[Console, object | None]:
    if path is None:
        return Console(), None
    try:
        fh = path.open("w", encoding="utf-8")
    except OSError as exc:
        from pubcheck.model import InputError

        raise InputError(f"cannot write the report to {path}: {exc.strerror}") from exc
    return Console(file=fh, width=120, no_color=True, force_terminal=False), fh


def _check(args: argparse.Namespace) -> int:
    from pubcheck.model import InputError

    target = args.dir or _default_published()
    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    select, ignore = _ids(args.select), _ids(args.ignore)
    return _run_and_render(args, target, select=select, ignore=ignore, extracts=args.extracts, config=args.config,
                           limits=_limits(args, target), workers=args.workers, allow_remote=args.allow_remote)


def _validate(args: argparse.Namespace) -> int:
    from pubcheck.extracts.validate import bundled_extracts
    from pubcheck.model import InputError

    target = args.published or _default_published()
    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    engine = _engine(args)
    extracts = _folder(args.extracts, engine) if args.extracts else _shown(bundled_extracts())
    return _run_and_render(args, target, extracts=extracts, publication_rules=False, config=args.config,
                           limits=_limits(args, target), workers=args.workers, allow_remote=args.allow_remote,
                           engine=engine)  # fmt: skip


def _run_and_render(args: argparse.Namespace, target: Path, **kw) -> int:  # type: ignore[no-untyped-def]
    from pubcheck.cli.pipeline import check
    from pubcheck.config import load_config

    err = Console(stderr=True)
    _check_baseline_args(args)
    show = not args.no_progress and err.is_terminal
    if show:
        with err.status("pubcheck: reading documents") as status:
            report = check(target, progress=lambda msg: status.update(Text(f"pubcheck: {msg}")), **kw)
    else:
        report = check(target, **kw)
    cfg = load_config(target, kw.get("config"))
    return _finish(report, args, cfg.suppressions, err)


def _check_baseline_args(args: argparse.Namespace) -> None:
    from pubcheck.model import InputError

    if getattr(args, "only_new", False) and getattr(args, "baseline", None) is None:
        raise InputError("--only-new needs --baseline FILE (a previous JSON report)")
    if getattr(args, "baseline", None) is not None and not args.baseline.is_file():
        raise InputError(f"--baseline {args.baseline}: no such file")


def _read_baseline(path: Path) -> dict:  # type: ignore[type-arg]
    import json

    from pubcheck.model import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"--baseline {path}: not a pubcheck JSON report ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise InputError(f"--baseline {path}: not a pubcheck JSON report (no findings list; write one with "
                         "--format json)")  # fmt: skip
    return data


def _finish(report, args: argparse.Namespace, suppressions, err: Console) -> int:  # type: ignore[no-untyped-def]
    """Everything the CLI does between the run and the renderers: paths relative to where the
    user is, the suppressions, the baseline, the catalog's help text, the verdict; then render
    and say on stderr what was written. Returns the exit code."""
    from pubcheck.cli.catalog import catalog

    report.relative_to(Path.cwd())
    report.suppress(suppressions)
    if getattr(args, "baseline", None) is not None:
        report.compare_with(_read_baseline(args.baseline), str(args.baseline))
    report.catalog = catalog() if args.format in ("sarif", "html") else {}
    verdict = report.decide(getattr(args, "fail_on", "error"), getattr(args, "only_new", False))
    _render(report, args)
    for d in report.data_docs:
        err.print(f"pubcheck: Great Expectations Data Docs for {d['file']}: {d['index']} ({d['summary']}; the GX "
                  "expectations only, not the gate's verdict)", soft_wrap=True, markup=False)  # fmt: skip
    if args.output is not None:
        err.print(f"pubcheck: wrote {args.format} report to {args.output}: {verdict.status} (exit "
                  f"{verdict.exit_code}), {_counts(report)}", soft_wrap=True, markup=False)  # fmt: skip
    if report.unreadable:
        err.print(f"pubcheck: could not read {', '.join(report.unreadable)} (see the report)", soft_wrap=True,
                  markup=False)
    return verdict.exit_code


def _counts(report) -> str:  # type: ignore[no-untyped-def]
    from pubcheck.humanize import plural

    s = report.summary()
    return f"{plural(s['error'], 'error')}, {plural(s['warning'], 'warning')}, {s['info']} info"


def _fetch(args: argparse.Namespace) -> int:
    from pubcheck.fetch import fetch_sources
    from pubcheck.model import InputError
    from pubcheck.report import Report

    if args.retries < 0 or not 0 < args.timeout < float("inf") or args.max_bytes <= 0 \
            or not 0 < args.deadline < float("inf"):  # fmt: skip
        raise InputError("--retries must be >= 0, --timeout, --deadline and --max-bytes > 0")
    result = fetch_sources(args.manifest, args.cache, offline=args.offline, timeout=args.timeout,
                           retries=args.retries, max_bytes=args.max_bytes,
                           allow_cross_host=args.allow_cross_host, deadline=args.deadline)  # fmt: skip
    err = Console(stderr=True)
    for item in result.items:
        d = item.to_dict()
        err.print(f"pubcheck fetch: {d['id']}: {d['status']} ({d.get('bytes') or 0:,} bytes) {d['url']}",
                  soft_wrap=True, markup=False)  # fmt: skip
    report = Report(str(args.manifest), [], list(result.findings), command="fetch")
    report.relative_to(Path.cwd())
    verdict = report.decide("error")
    _render(report, args)
    return verdict.exit_code


def _refresh(args: argparse.Namespace) -> int:
    from pubcheck.config import load_config
    from pubcheck.refresh import run_refresh

    err = Console(stderr=True)
    engine = _engine(args)
    previous = _folder(args.previous, engine, "--previous ")
    current = _folder(args.current, engine, "--current ")
    _check_baseline_args(args)
    cfg = load_config(current, args.config) if isinstance(current, Path) and current.is_dir() else None
    kw = {"data_docs": args.data_docs, "state_dir": args.state_dir, "suites_dir": args.suites, "engine": engine}
    if not args.no_progress and err.is_terminal:
        with err.status("pubcheck refresh") as status:
            report = run_refresh(previous, current, **kw,
                                 progress=lambda msg: status.update(Text(f"pubcheck refresh: {msg}")))
    else:
        report = run_refresh(previous, current, **kw)
    if args.published is not None:
        from pubcheck.model import InputError
        from pubcheck.paths import checks_path
        from pubcheck.refresh.published_suites import published_figures, validate_published_figures

        if not args.published.exists():
            raise InputError(f"{args.published}: no such file or directory")
        findings, runs = validate_published_figures(
            published_figures(args.published), checks_path("gx/published-figures.json"),
            project_dir=args.state_dir, with_runs=True,
        )  # fmt: skip
        report.findings += findings
        report.runs += runs
    code = _finish(report, args, cfg.suppressions if cfg else (), err)
    if args.data_docs is not None and report.data_docs:
        from pubcheck.refresh.gx import annotate_data_docs

        v = report.verdict
        annotate_data_docs(args.data_docs, f"{v.status.upper()} (exit {v.exit_code}): {v.reason}",
                           _first_blocking(report), args.output if args.format == "html" else None)  # fmt: skip
    elif args.data_docs is not None:
        err.print(f"pubcheck: no Data Docs written to {args.data_docs}: no extract reached the Great "
                  "Expectations stage (see the report)", soft_wrap=True, markup=False)  # fmt: skip
    return code


def _first_blocking(report) -> str:  # type: ignore[no-untyped-def]
    v = report.verdict
    if not v.blocking:
        return ""
    f = report.findings[v.blocking[0]]
    return f"{f.check}: {f.message}"


def _render(report, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    """Write the report in --format to --output (or stdout)."""
    from pubcheck.report import RENDERERS

    console, fh = _out_console(args.output)
    if args.format == "console" and not getattr(args, "verbose", False):
        # 'not compared: <why>' notes are in every other format; the console shows them on request
        report.hidden = sum(f.check == "not-compared" for f in report.findings)
    try:
        RENDERERS[args.format](report, console)
    finally:
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]


def _figures(args: argparse.Namespace) -> int:
    from pubcheck.figures.read import read_all
    from pubcheck.model import InputError
    from pubcheck.report.figures import render_figures

    target = args.dir or _default_published()
    if not target.exists():
        raise InputError(f"{target}: no such file or directory")
    from pubcheck.figures.link import rules_for

    loaded = read_all(target, display_root=Path.cwd(), limits=_limits(args, target), workers=args.workers,
                      rules=rules_for(target, args.config))  # fmt: skip
    # numbers in runs (no word between them) are counted when checking; listed here one by one
    figures = [f for e in loaded.extractions
               for f in sorted(e.figures + e.run_figures(), key=lambda f: (f.line, f.span[0]))]  # fmt: skip
    console, fh = _out_console(args.output)
    try:
        render_figures(figures, args.format, console)
    finally:
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]
    for f in loaded.findings:
        if f.severity == "error":
            sys.stderr.write(f"pubcheck: {f.message}\n")
    return EXIT_INPUT if loaded.unreadable else EXIT_OK


def _rules(fmt: str = "console") -> int:
    import json

    from rich.text import Text

    from pubcheck.cli.catalog import catalog

    cat = catalog()
    console = Console()
    if fmt == "json":
        console.file.write(json.dumps({"checks": [{"id": k, **v} for k, v in cat.items()]}, indent=2,
                                      ensure_ascii=False) + "\n")  # fmt: skip
        return EXIT_OK
    width = max(len(k) for k in cat)
    for cid, c in cat.items():
        line = Text(cid.ljust(width), style="bold")
        line.append(f"  {c['severity']:<15}", style="dim")
        line.append(f"{c['summary']}  ")
        line.append(f"[{c['command']}]", style="dim")
        console.print(line, soft_wrap=not console.is_terminal)
    console.print(Text(f"{len(cat)} check ids; the publication rules' full text: their docstrings in "
                       "src/pubcheck/publication/rules/", style="dim"), soft_wrap=not console.is_terminal)  # fmt: skip
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
