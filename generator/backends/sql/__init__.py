"""The SQL backend: module plans in, DuckDB and Spark SQL queries (file name -> text) out."""

from generator.backends.sql.render import render_sql

__all__ = ["render_sql"]
