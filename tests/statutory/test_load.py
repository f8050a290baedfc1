"""Loading: files found in folders, malformed files refused whole, resubmissions, re-runs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from tests.statutory.returns import (
    EPISODES_HEADER,
    cin_xml,
    write_cin,
    write_csv,
    write_oc3,
)

from plantracker.statutory import StatutoryError, load_paths
from plantracker.statutory.load import la_and_year_from_path

CHILD = {
    "id": "SYN123456789",
    "episodes": [
        {"referral": "2024-05-01", "plans": [{"start": "2024-06-01", "end": None, "previous": 0}]}
    ],
}


def _rows(store: Path, table: str) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def _refusals(report) -> list[str]:
    return [str(p) for f in report.refused for p in f.problems]


def test_folders_are_searched_recursively(tmp_path: Path) -> None:
    deep = tmp_path / "returns" / "201" / "2025"
    deep.mkdir(parents=True)
    write_cin(deep, "201", 2025, [CHILD])
    write_oc3(deep, "201", 2025, [["SYN100000001", "10/05/2005", "YES", "F1", "U1"]])
    (deep / "notes.txt").write_text("not a return")
    report = load_paths([tmp_path / "returns"], tmp_path / "s.duckdb")
    assert [(f.status, f.kind, f.la, f.year) for f in report.files] == [
        ("loaded", "CIN census", "201", 2025),
        ("loaded", "SSDA903 OC3", "201", 2025),
    ]
    assert _rows(tmp_path / "s.duckdb", "cp_plan") == 1
    assert _rows(tmp_path / "s.duckdb", "care_leaver") == 1


@pytest.mark.parametrize(
    ("replace", "by", "line", "element", "message"),
    [
        ("</LAchildID>", "</LAchild>", 14, None, "the XML is not well-formed"),
        (
            "<LAchildID>SYN123456789</LAchildID>",
            "",
            12,
            "Child/ChildIdentifiers/LAchildID",
            "missing",
        ),
        (
            "<CPPstartDate>2024-06-01",
            "<CPPstartDate>2024-06-31",
            26,
            "ChildProtectionPlans/CPPstartDate",
            "not a date (YYYY-MM-DD)",
        ),
        (
            "<CINreferralDate>2024-05-01</CINreferralDate>",
            "",
            20,
            "CINdetails/CINreferralDate",
            "missing",
        ),
        (
            "<NumberOfPreviousCPP>0",
            "<NumberOfPreviousCPP>two",
            29,
            "ChildProtectionPlans/NumberOfPreviousCPP",
            "not a whole number",
        ),
        (
            "<LEA>201</LEA>",
            "<LEA>Camden</LEA>",
            9,
            "Header/Source/LEA",
            "missing or not a three-digit authority code",
        ),
        (
            "<Collection>CIN</Collection>",
            "<Collection>SEN2</Collection>",
            4,
            "Header/CollectionDetails/Collection",
            "is not CIN",
        ),
    ],
)
def test_a_malformed_census_is_refused_with_file_line_and_element(
    tmp_path: Path, replace: str, by: str, line: int, element: str | None, message: str
) -> None:
    text = cin_xml("201", 2025, [CHILD])
    assert replace in text
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace(replace, by, 1), encoding="utf-8")
    good = write_cin(tmp_path, "202", 2025, [CHILD])
    store = tmp_path / "s.duckdb"
    report = load_paths([bad, good], store)
    problems = [p for f in report.refused for p in f.problems]
    assert problems, "the malformed file was not refused"
    first = problems[0]
    assert (first.file, first.line, first.element) == (str(bad), line, element)
    assert message in first.message
    assert str(first).startswith(f"{bad}, line {line}")
    # Nothing of the refused file is in the store; the good file is.
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT DISTINCT la FROM cp_plan").fetchall() == [("202",)]
    assert con.execute("SELECT la FROM sources").fetchall() == [("202",)]
    con.close()


def test_a_late_problem_leaves_nothing_of_the_file(tmp_path: Path) -> None:
    # 300 good children, then one whose plan ends before it starts: none of the 300 stay.
    children = [{"id": f"SYN{n:09d}", "episodes": [{"referral": "2024-05-01"}]} for n in range(300)]
    children.append(
        {
            "id": "SYN999999999",
            "episodes": [
                {
                    "referral": "2024-05-01",
                    "plans": [{"start": "2024-06-01", "end": "2024-05-01", "previous": 0}],
                }
            ],
        }
    )
    bad = write_cin(tmp_path, "201", 2025, children)
    store = tmp_path / "s.duckdb"
    report = load_paths([bad], store)
    assert "ChildProtectionPlans/CPPendDate: before the CPPstartDate" in _refusals(report)[0]
    assert _rows(store, "cin_referral") == 0
    assert _rows(store, "cin_child") == 0


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["SYN100000001", "10/05/2005", "YES", "X9", "U1"]],
            "line 2, ACTIV: not an SSDA903 activity code",
        ),
        ([["SYN100000001", "31/02/2005", "YES", "F1", "U1"]], "line 2, DOB: missing or not a date"),
        ([["SYN100000001", "10/05/2005", "MAYBE", "F1", "U1"]], "line 2, IN_TOUCH: not an SSDA903"),
        ([["", "10/05/2005", "YES", "F1", "U1"]], "line 2, CHILD: missing"),
        ([["SYN100000001", "10/05/2005", "YES", "F1"]], "line 2: 4 fields where the header has 5"),
    ],
)
def test_a_malformed_oc3_is_refused_with_line_and_column(
    tmp_path: Path, rows: list[list[str]], expected: str
) -> None:
    good = ["SYN100000009", "10/05/2005", "YES", "F1", "U1"]
    path = write_oc3(tmp_path, "201", 2025, [*rows, good])
    store = tmp_path / "s.duckdb"
    report = load_paths([path], store)
    assert _refusals(report)[0].startswith(f"{path}, {expected}")
    assert _rows(store, "care_leaver") == 0


def test_episodes_need_their_columns_and_dates(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ssda903_201_2025_episodes.csv",
        EPISODES_HEADER,
        [["SYN100000001", "2024/05/01", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""]],
    )
    report = load_paths([path], tmp_path / "s.duckdb")
    assert _refusals(report) == [f"{path}, line 2, DECOM: missing or not a date (DD/MM/YYYY)"]
    no_columns = write_csv(tmp_path / "ssda903_201_2025_oc3.csv", ["CHILD", "DOB", "IN_TOUCH"], [])
    report = load_paths([no_columns], tmp_path / "s.duckdb")
    assert "not a recognised return" in _refusals(report)[0]


def test_ssda903_authority_and_year_come_from_the_path() -> None:
    assert la_and_year_from_path(Path("ssda903_201_2025_oc3.csv")) == ("201", 2025)
    assert la_and_year_from_path(Path("returns/201/2023-24/OC3.csv")) == ("201", 2024)
    assert la_and_year_from_path(Path("returns/OC3.csv")) == (None, None)


def test_an_ssda903_file_with_no_authority_or_year_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "oc3.csv",
        ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
        [["SYN100000001", "10/05/2005", "YES", "F1", "U1"]],
    )
    report = load_paths([path], tmp_path / "s.duckdb")
    assert "cannot tell the authority and collection year" in _refusals(report)[0]
    report = load_paths([path], tmp_path / "s.duckdb", la="201", year=2025)
    assert [(f.status, f.la, f.year) for f in report.files] == [("loaded", "201", 2025)]


def test_loading_again_skips_and_a_resubmission_replaces(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    path = write_cin(tmp_path, "201", 2025, [CHILD])
    assert [f.status for f in load_paths([path], store).files] == ["loaded"]
    assert [f.status for f in load_paths([path], store).files] == ["skipped"]
    # A corrected return for the same authority and year: its rows replace the old ones.
    corrected = {"id": "SYN123456789", "episodes": [{"referral": "2024-05-01"}]}
    write_cin(tmp_path, "201", 2025, [corrected, {**corrected, "id": "SYN123456780"}])
    assert [f.status for f in load_paths([path], store).files] == ["replaced"]
    assert _rows(store, "cp_plan") == 0
    assert _rows(store, "cin_referral") == 2


def test_other_ssda903_tables_are_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ssda903_201_2025_reviews.csv",
        ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
        [["SYN100000001", "10/05/2005", "01/06/2024", "PN1"]],
    )
    report = load_paths([path], tmp_path / "s.duckdb")
    assert [(f.status, f.kind) for f in report.files] == [("skipped", "SSDA903 Reviews")]


def test_missing_paths_are_refused_before_the_store_is_touched(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    with pytest.raises(StatutoryError, match="no such file or folder"):
        load_paths([tmp_path / "nowhere"], store)
    assert not store.exists()


def test_parallel_loading_gives_the_same_store(tmp_path: Path) -> None:
    for la in ("201", "202", "203"):
        write_cin(tmp_path, la, 2025, [CHILD, {**CHILD, "id": "SYN000000001"}])
    one = load_paths([tmp_path], tmp_path / "one.duckdb", key_file=tmp_path / "k")
    two = load_paths([tmp_path], tmp_path / "two.duckdb", key_file=tmp_path / "k", jobs=2)
    assert [f.status for f in one.files] == [f.status for f in two.files] == ["loaded"] * 3
    query = "SELECT la, child, start_date FROM cp_plan ORDER BY ALL"
    with (
        duckdb.connect(str(tmp_path / "one.duckdb"), read_only=True) as a,
        duckdb.connect(str(tmp_path / "two.duckdb"), read_only=True) as b,
    ):
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
