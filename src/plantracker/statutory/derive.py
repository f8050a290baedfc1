"""Rebuilding the derived tables (definitions.DERIVED) after the returns change."""

from __future__ import annotations

import duckdb

from plantracker.statutory.definitions import DERIVED


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every derived table from the loaded rows, in one transaction."""
    con.begin()
    try:
        for name, (select, order) in DERIVED.items():
            con.execute(
                f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM ({select}) ORDER BY {order}"
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def has_derived(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the derived tables exist (a store created and never loaded has none)."""
    names = {
        str(row[0])
        for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    return set(DERIVED) <= names
