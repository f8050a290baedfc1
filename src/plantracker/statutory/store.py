"""The DuckDB store: schema, opening for loading (with its key) or for reading.

The store is a separate file from the application database. It holds pseudonymous keys,
months of birth and the coded facts the indicators need; never names, UPNs, postcodes or
a copy of a source file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from plantracker.statutory.derive import has_derived, rebuild
from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.pseudonym import create_key, fingerprint, key_path_for, read_key

SCHEMA_VERSION = "1"

# One table per kind of record; every row carries the authority (3-digit DfE code) and the
# collection year (the year of the 31 March the return ends on) it came from, so a later
# return can supersede an earlier one row by row.
TABLES: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL",
    "sources": (
        "kind VARCHAR NOT NULL, la VARCHAR NOT NULL, year INTEGER NOT NULL, "
        "reference_date DATE, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
        "rows INTEGER NOT NULL, loaded_at TIMESTAMP NOT NULL, PRIMARY KEY (kind, la, year)"
    ),
    "cin_child": "la VARCHAR, year INTEGER, child BIGINT, birth_month DATE",
    "cin_referral": (
        "la VARCHAR, year INTEGER, child BIGINT, referral_date DATE, referral_source VARCHAR, "
        "primary_need VARCHAR, closure_date DATE, closure_reason VARCHAR, referral_nfa BOOLEAN"
    ),
    "cin_assessment": (
        "la VARCHAR, year INTEGER, child BIGINT, referral_date DATE, start_date DATE, "
        "authorised_date DATE"
    ),
    "cin_section47": (
        "la VARCHAR, year INTEGER, child BIGINT, referral_date DATE, start_date DATE, "
        "icpc_date DATE"
    ),
    "cp_plan": (
        "la VARCHAR, year INTEGER, child BIGINT, referral_date DATE, start_date DATE, "
        "end_date DATE, initial_category VARCHAR, latest_category VARCHAR, previous_plans INTEGER"
    ),
    "cla_child": "la VARCHAR, year INTEGER, child BIGINT, sex VARCHAR, birth_month DATE",
    "cla_episode": (
        "la VARCHAR, year INTEGER, child BIGINT, start_date DATE, reason_new VARCHAR, "
        "legal_status VARCHAR, need VARCHAR, placement VARCHAR, end_date DATE, "
        "reason_end VARCHAR"
    ),
    "care_leaver": (
        "la VARCHAR, year INTEGER, child BIGINT, birth_month DATE, in_touch VARCHAR, "
        "activity VARCHAR, accommodation VARCHAR"
    ),
    "population": "la VARCHAR, year INTEGER, population INTEGER",
    # What each load's DfE validation found (validation_store.py): counts, never a child.
    "validation_run": (
        "run INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, la VARCHAR, year INTEGER, "
        "files VARCHAR NOT NULL, validated_at TIMESTAMP NOT NULL, status VARCHAR NOT NULL, "
        "message VARCHAR, validator VARCHAR, version VARCHAR, ruleset VARCHAR, "
        "children INTEGER, rules_run INTEGER, errors INTEGER, queries INTEGER, "
        "crashed VARCHAR, skipped VARCHAR"
    ),
    "validation_rule": (
        "run INTEGER NOT NULL, code VARCHAR NOT NULL, severity VARCHAR NOT NULL, "
        "level VARCHAR NOT NULL, children INTEGER NOT NULL, locations INTEGER NOT NULL, "
        "indicators VARCHAR NOT NULL, message VARCHAR NOT NULL"
    ),
    "validation_indicator": "run INTEGER NOT NULL, indicator VARCHAR NOT NULL, children INTEGER",
    "benchmark": (
        "time_period VARCHAR, geographic_level VARCHAR, region_code VARCHAR, "
        "region_name VARCHAR, old_la_code VARCHAR, new_la_code VARCHAR, la_name VARCHAR, "
        "indicator VARCHAR, value DECIMAL(18, 4), shown VARCHAR"
    ),
}

# Which tables each kind of source fills (a reloaded source replaces exactly these rows).
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "cin": ("cin_child", "cin_referral", "cin_assessment", "cin_section47", "cp_plan"),
    "ssda903_header": ("cla_child",),
    "ssda903_episodes": ("cla_episode",),
    "ssda903_oc3": ("care_leaver",),
    "population": ("population",),
}


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    if not has_derived(con):
        rebuild(con)


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise StatutoryError(f"{path}: cannot open the store ({first_line})") from None


def open_for_reading(path: Path) -> duckdb.DuckDBPyConnection:
    """Open an existing store read-only (no key needed: nothing is pseudonymised)."""
    if not path.is_file():
        raise StatutoryError(f"{path}: no such store; create it with `plantracker statutory load`")
    con = _connect(path, read_only=True)
    try:
        version = _meta(con, "schema_version")
    except duckdb.Error:
        con.close()
        raise StatutoryError(f"{path}: not a plantracker statutory store") from None
    if version != SCHEMA_VERSION:
        con.close()
        raise StatutoryError(f"{path}: store schema version {version}, expected {SCHEMA_VERSION}")
    return con


def open_unkeyed(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating if new) a store to write data that holds no child's record."""
    con = _connect(path, read_only=False)
    try:
        _create_schema(con)
    except duckdb.Error:
        con.close()
        raise StatutoryError(f"{path}: not a plantracker statutory store") from None
    return con


def open_for_writing(
    path: Path, key_file: Path | None = None
) -> tuple[duckdb.DuckDBPyConnection, bytes]:
    """Open (creating if new) a store and its key; refuse a key that is not the store's.

    A new store gets a new key unless a key file already exists (rebuilding a store with the
    same key keeps pseudonyms comparable with earlier outputs).
    """
    key_file = key_file or key_path_for(path)
    is_new = not path.exists()
    if is_new:
        key = read_key(key_file) if key_file.exists() else create_key(key_file)
    else:
        if not key_file.exists():
            raise StatutoryError(
                f"{key_file}: the store's key file is missing; without it new returns cannot "
                "be linked to the children already in the store"
            )
        key = read_key(key_file)
    con = _connect(path, read_only=False)
    try:
        _create_schema(con)
        stored = _meta(con, "key_fingerprint")
    except duckdb.Error:
        con.close()
        raise StatutoryError(f"{path}: not a plantracker statutory store") from None
    if stored is None:
        con.execute("INSERT INTO meta VALUES ('key_fingerprint', ?)", [fingerprint(key)])
    elif stored != fingerprint(key):
        con.close()
        raise StatutoryError(f"{key_file}: this key is not the key of the store {path}")
    return con, key
