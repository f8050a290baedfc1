"""Rows gathered column by column, handed to DuckDB in batches as NumPy object arrays.

DuckDB scans a dict of NumPy arrays directly, which is two orders of magnitude faster
than ``executemany`` and needs neither pandas nor Arrow at run time.
"""

from __future__ import annotations

import duckdb
import numpy as np


class Batch:
    """Column lists for one table; ``la`` and ``year`` are added at insert time."""

    def __init__(self, table: str, columns: tuple[str, ...], dates: tuple[str, ...] = ()) -> None:
        """``dates`` are columns gathered as validated ISO text, cast to DATE in DuckDB
        (cheaper than building Python date objects)."""
        self.table = table
        self.columns = columns
        self.dates = frozenset(dates)
        self.data: tuple[list[object], ...] = tuple([] for _ in columns)

    def __len__(self) -> int:
        return len(self.data[0])

    def insert(self, con: duckdb.DuckDBPyConnection, la: str, year: int) -> int:
        """Append the rows, from authority ``la``'s return of ``year``; empties the batch."""
        return self._insert(con, "la, year, ", "?, ?, ", [la, year])

    def insert_plain(self, con: duckdb.DuckDBPyConnection, table: str | None = None) -> int:
        """Append the rows as they are (to ``table`` if given); empties the batch."""
        return self._insert(con, "", "", [], table)

    def _insert(
        self,
        con: duckdb.DuckDBPyConnection,
        fixed_names: str,
        fixed_marks: str,
        fixed: list[object],
        table: str | None = None,
    ) -> int:
        rows = len(self)
        if rows == 0:
            return 0
        frame = {  # noqa: F841 - read by DuckDB, which finds it by name (a replacement scan)
            name: np.array(values, dtype=object)
            for name, values in zip(self.columns, self.data, strict=True)
        }
        names = ", ".join(self.columns)
        selected = ", ".join(f"CAST({c} AS DATE)" if c in self.dates else c for c in self.columns)
        con.execute(
            f"INSERT INTO {table or self.table} ({fixed_names}{names}) "
            f"SELECT {fixed_marks}{selected} FROM frame",
            fixed,
        )
        for values in self.data:
            values.clear()
        return rows
