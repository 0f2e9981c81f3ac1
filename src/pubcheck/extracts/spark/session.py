"""The Spark session pubcheck runs on: `--spark-master` and `--spark-conf KEY=VALUE` land here.

Local mode (`local[*]`, the default when nothing else set a master) gets settings that suit one
machine: the driver on the loopback address, no web UI, no console progress bar, shuffle
partitions = cores, Spark's own logging quiet (a log4j2 file shipped with pubcheck). Under
`spark-submit` or on a platform that already holds a session (Databricks), pubcheck uses that
session and its master, and only adds the `--spark-conf` values (runtime SQL settings).

The Python workers (the fallbacks that run pandera or polars per partition) must run this
interpreter, not the first `python3` on PATH: PYSPARK_PYTHON defaults to sys.executable.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pubcheck.model import InputError

DEFAULT_MASTER = "local[*]"
_LOG4J = Path(__file__).with_name("log4j2.properties")


def parse_conf(items: Sequence[str] | None) -> dict[str, str]:
    """`--spark-conf KEY=VALUE` values as a dict; a malformed one is an InputError naming it."""
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--spark-conf {item!r}: expected KEY=VALUE (e.g. spark.executor.memory=4g)")
        out[key] = value.strip()
    return out


def local_conf(master: str) -> dict[str, str]:
    """The settings pubcheck gives a local-mode session (one machine)."""
    cores = os.cpu_count() or 2
    return {
        "spark.app.name": "pubcheck",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.sql.shuffle.partitions": str(max(2, cores)),
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_LOG4J.as_uri()}",
    }


def check_requirements() -> None:
    """pyspark and Java are there, or an InputError that says how to get them."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise InputError("--engine spark needs pyspark: install pubcheck with its spark extra "
                         "(pip install 'pubcheck[spark]'); ./scripts/setup installs it") from exc  # fmt: skip
    if os.environ.get("PYSPARK_GATEWAY_PORT"):
        return  # started by spark-submit: the JVM is already running
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        raise InputError("--engine spark needs Java 17 (java on PATH or JAVA_HOME); on Debian or Ubuntu: "
                         "apt-get install openjdk-17-jre-headless")  # fmt: skip


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """The SparkSession to run on. `master`: None uses the session or master that spark-submit
    or the platform set up, else local[*]. `conf`: --spark-conf values, over pubcheck's
    local defaults (which apply only to a local master)."""
    check_requirements()
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    conf = dict(conf or {})
    active = SparkSession.getActiveSession()
    if active is not None and master is None:  # Databricks, a notebook, or a test that made one
        for key, value in conf.items():
            try:
                active.conf.set(key, value)
            except Exception as exc:  # a static setting: cannot change on a running session
                raise InputError(f"--spark-conf {key}: cannot be changed on the running Spark session "
                                 f"({type(exc).__name__}); set it where the session is created") from exc  # fmt: skip
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    submitted = master is None and bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
    builder = SparkSession.builder
    settings: dict[str, str] = {}
    if not submitted:
        master = master or DEFAULT_MASTER
        builder = builder.master(master)
        if master.startswith("local"):
            settings.update(local_conf(master))
    for key, value in conf.items():
        if key == "spark.driver.extraJavaOptions" and key in settings:
            value = f"{settings[key]} {value}"  # keep pubcheck's logging setting, add the user's options
        settings[key] = value
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise InputError(f"could not start Spark (master {master or 'from spark-submit'}): "
                         f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
                         ) from exc  # fmt: skip
    return spark
