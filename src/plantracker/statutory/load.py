"""Loading returns into the store: find the files, read each, commit each file alone.

Each file is one transaction: a malformed file is refused with every problem named and
nothing of it is loaded, while the other files load. A file already loaded (same SHA-256)
is skipped; a different file for the same return (kind, authority, collection year) is a
resubmission and replaces the earlier one's rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from pathlib import Path

import duckdb

from plantracker.statutory.batch import Batch
from plantracker.statutory.cin import CinReader
from plantracker.statutory.csvfiles import (
    classify,
    read_903_episodes,
    read_903_header,
    read_903_oc3,
    read_header,
    read_population,
)
from plantracker.statutory.derive import has_derived, rebuild
from plantracker.statutory.errors import Problem, StatutoryError
from plantracker.statutory.pseudonym import Pseudonymiser
from plantracker.statutory.store import SOURCE_TABLES, open_for_writing

SUFFIXES = (".xml", ".csv")


@dataclass
class FileOutcome:
    """What happened to one input file."""

    path: Path
    status: str  # loaded | replaced | skipped | refused
    kind: str = ""
    la: str | None = None
    year: int | None = None
    rows: int = 0
    note: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class LoadReport:
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "refused"]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def find_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, and .xml/.csv files under folders named (recursively), in a stable order."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                problems.append(
                    Problem(str(path), "not a .xml (CIN census) or .csv (SSDA903) file")
                )
            else:
                found.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return list(unique.values()), problems


_SPAN = re.compile(r"(?<!\d)(20\d\d)[-_]?(\d\d)(?!\d)")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _tokens(component: str) -> tuple[set[str], set[int]]:
    las: set[str] = set()
    years: set[int] = set()
    for match in _SPAN.finditer(component):
        first, second = int(match.group(1)), int(match.group(2))
        if second == (first + 1) % 100:  # "2024-25" is the 2025 collection
            years.add(first + 1)
    for token in _TOKEN.findall(component):
        if len(token) == 3 and token.isdigit():
            las.add(token)
        elif len(token) == 4 and token.isdigit() and token.startswith("20") and not years:
            years.add(int(token))
    return las, years


def la_and_year_from_path(path: Path) -> tuple[str | None, int | None]:
    """The authority code (3 digits) and collection year (20YY) an SSDA903 file's path names.

    The file name is read first, then its folders from the nearest up; a component naming
    two different authorities or years is ambiguous and gives no answer for that part.
    """
    la: str | None = None
    year: int | None = None
    for component in [path.stem, *(p.name for p in path.parents)]:
        las, years = _tokens(component)
        if la is None and len(las) == 1:
            la = next(iter(las))
        if year is None and len(years) == 1:
            year = next(iter(years))
        if la is not None and year is not None:
            break
    return la, year


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _record_source(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    la: str,
    year: int,
    reference_date: date | None,
    path: Path,
    sha: str,
    rows: int,
) -> bool:
    """Replace the source row; True when an earlier file for this return was replaced."""
    replaced = con.execute(
        "SELECT count(*) FROM sources WHERE kind = ? AND la = ? AND year = ?", [kind, la, year]
    ).fetchone()
    con.execute("DELETE FROM sources WHERE kind = ? AND la = ? AND year = ?", [kind, la, year])
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [kind, la, year, reference_date, path.name, sha, rows, datetime.now()],
    )
    return bool(replaced and replaced[0])


def _clear_return(con: duckdb.DuckDBPyConnection, kind: str, la: str, year: int) -> None:
    for table in SOURCE_TABLES[kind]:
        con.execute(f"DELETE FROM {table} WHERE la = ? AND year = ?", [la, year])


@dataclass
class Parsed:
    """One file read and validated, its rows held until they are inserted together."""

    path: Path
    kind: str
    label: str
    la: str | None = None
    year: int | None = None
    reference_date: date | None = None
    batches: list[Batch] = field(default_factory=list)
    population: dict[tuple[str, int], int] = field(default_factory=dict)
    note: str = ""
    problems: list[Problem] = field(default_factory=list)


# One pseudonymiser per key and process, so its cache serves every file a worker reads.
_PSEUDONYMISERS: dict[bytes, Pseudonymiser] = {}


def _pseudonymiser(key: bytes) -> Pseudonymiser:
    found = _PSEUDONYMISERS.get(key)
    if found is None:
        found = _PSEUDONYMISERS[key] = Pseudonymiser(key)
    return found


def parse_file(path: Path, key: bytes, la: str | None = None, year: int | None = None) -> Parsed:
    """Read and validate one file (in a worker process when loading in parallel).

    Problems come back in ``Parsed.problems`` rather than raised, so that they cross
    process boundaries intact.
    """
    try:
        if path.suffix.lower() == ".xml":
            return _parse_cin(path, _pseudonymiser(key))
        return _parse_csv(path, _pseudonymiser(key), la, year)
    except StatutoryError as exc:
        return Parsed(path, "refused", "", problems=exc.problems)


def _parse_cin(path: Path, pseudonymise: Pseudonymiser) -> Parsed:
    reader = CinReader(path, pseudonymise)
    batches = list(reader.read().all())
    header = reader.header
    assert header is not None
    return Parsed(
        path,
        "cin",
        "CIN census",
        header.la,
        header.year,
        header.reference_date,
        batches,
        note=f"{reader.children} children",
    )


def _parse_csv(path: Path, pseudonymise: Pseudonymiser, la: str | None, year: int | None) -> Parsed:
    kind = classify(read_header(path))
    if kind is None:
        raise StatutoryError(
            Problem(
                str(path),
                "not a recognised return: expected SSDA903 Header, Episodes or OC3 "
                "columns, or a population file (la_code, year, population_0_17)",
                1,
            )
        )
    if kind.kind == "skip":
        return Parsed(path, "skip", kind.label, note="not used by any indicator")
    if kind.kind == "benchmark":
        # Not a return; it may well sit beside them (synth writes one there).
        return Parsed(
            path, "skip", kind.label, note="load them with `plantracker statutory benchmarks`"
        )
    if kind.kind == "population":
        figures = read_population(path)
        return Parsed(
            path,
            "population",
            kind.label,
            population=figures,
            note=f"{len({code for code, _ in figures})} authorities",
        )
    path_la, path_year = la_and_year_from_path(path)
    la = la or path_la
    year = year or path_year
    if la is None or year is None:
        raise StatutoryError(
            Problem(
                str(path),
                "cannot tell the authority and collection year of this SSDA903 file: "
                "name it like ssda903_<LA>_<YEAR>_episodes.csv (YEAR = the 31 March it ends "
                "on) or give --la and --year",
            )
        )
    readers = {
        "ssda903_header": read_903_header,
        "ssda903_episodes": read_903_episodes,
        "ssda903_oc3": read_903_oc3,
    }
    batch = readers[kind.kind](path, la, pseudonymise)
    return Parsed(path, kind.kind, kind.label, la, year, date(year, 3, 31), [batch])


def store_parsed(con: duckdb.DuckDBPyConnection, parsed: Parsed, sha: str) -> FileOutcome:
    """Insert one validated file in its own transaction, replacing an earlier submission."""
    path = parsed.path
    if parsed.problems:
        return FileOutcome(path, "refused", problems=parsed.problems)
    if parsed.kind == "skip":
        return FileOutcome(path, "skipped", parsed.label, note=parsed.note)
    con.begin()
    try:
        if parsed.kind == "population":
            for (code, year), people in sorted(parsed.population.items()):
                con.execute("DELETE FROM population WHERE la = ? AND year = ?", [code, year])
                con.execute("INSERT INTO population VALUES (?, ?, ?)", [code, year, people])
                _record_source(con, "population", code, year, None, path, sha, 1)
            con.commit()
            return FileOutcome(
                path, "loaded", parsed.label, rows=len(parsed.population), note=parsed.note
            )
        assert parsed.la is not None and parsed.year is not None
        _clear_return(con, parsed.kind, parsed.la, parsed.year)
        rows = sum(batch.insert(con, parsed.la, parsed.year) for batch in parsed.batches)
        replaced = _record_source(
            con, parsed.kind, parsed.la, parsed.year, parsed.reference_date, path, sha, rows
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return FileOutcome(
        path,
        "replaced" if replaced else "loaded",
        parsed.label,
        parsed.la,
        parsed.year,
        rows,
        note=parsed.note,
    )


def load_paths(
    paths: Iterable[Path],
    store: Path,
    *,
    key_file: Path | None = None,
    la: str | None = None,
    year: int | None = None,
    jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load every CIN census XML, SSDA903 CSV and population CSV under ``paths`` into ``store``.

    Raises StatutoryError before touching the store when a path does not exist. Files that
    are malformed come back as ``refused`` outcomes (nothing of them loaded). With
    ``jobs`` > 1, files are read in that many worker processes while this one inserts.
    """
    files, problems = find_files(list(paths))
    if problems:
        raise StatutoryError(problems)
    if not files:
        raise StatutoryError("no .xml or .csv files found in the paths given")
    con, key = open_for_writing(store, key_file)
    advance = on_bytes or (lambda n: None)
    report = LoadReport()
    try:
        sizes = {p: p.stat().st_size for p in files}
        if on_start is not None:
            on_start(sum(sizes.values()))
        todo: list[tuple[Path, str]] = []
        for path in files:
            sha = _sha256(path)
            seen = con.execute(
                "SELECT kind, la, year FROM sources WHERE sha256 = ? LIMIT 1", [sha]
            ).fetchone()
            if seen is None:
                todo.append((path, sha))
            else:
                advance(sizes[path])
                report.files.append(
                    FileOutcome(
                        path,
                        "skipped",
                        str(seen[0]),
                        str(seen[1]),
                        int(seen[2]),
                        note="already loaded",
                    )
                )
        if jobs > 1 and len(todo) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                parsed_files = pool.map(
                    parse_file, [p for p, _ in todo], repeat(key), repeat(la), repeat(year)
                )
                for (path, sha), parsed in zip(todo, parsed_files, strict=True):
                    report.files.append(store_parsed(con, parsed, sha))
                    advance(sizes[path])
        else:
            for path, sha in todo:
                report.files.append(store_parsed(con, parse_file(path, key, la, year), sha))
                advance(sizes[path])
        if any(f.status in ("loaded", "replaced") for f in report.files) or not has_derived(con):
            rebuild(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return report
