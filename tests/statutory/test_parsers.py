"""The readers never crash: any input is either read or refused with its problems named."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.statutory.returns import HEADER_HEADER, OC3_HEADER, cin_xml, write_csv

from plantracker.statutory.load import parse_file

KEY = bytes(32)
text = st.text(max_size=24)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return len(value.strip()) == 10


@settings(max_examples=60, deadline=None)
@given(referral=text, plan_start=text, previous=text)
def test_any_census_values_are_read_or_refused(
    referral: str, plan_start: str, previous: str
) -> None:
    child = {
        "id": "SYN000000001",
        "episodes": [
            {
                "referral": escape(referral),
                "plans": [{"start": escape(plan_start), "end": None, "previous": escape(previous)}],
            }
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cin.xml"
        path.write_text(cin_xml("201", 2025, [child]), encoding="utf-8", errors="surrogatepass")
        parsed = parse_file(path, KEY)
    if parsed.problems:
        assert parsed.kind == "refused"
        assert all(p.file == str(path) and p.message for p in parsed.problems)
    else:
        assert _is_date(referral) and _is_date(plan_start)
        referrals = next(b for b in parsed.batches if b.table == "cin_referral")
        assert referrals.data[1] == [referral.strip()]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(text, min_size=0, max_size=6), max_size=4))
def test_any_oc3_rows_are_read_or_refused(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = write_csv(Path(folder) / "ssda903_201_2025_oc3.csv", OC3_HEADER, rows)
        except UnicodeEncodeError:
            return  # not text a file can hold
        parsed = parse_file(path, KEY)
    assert parsed.kind in ("ssda903_oc3", "refused")
    if parsed.kind == "refused":
        assert all(p.line is None or p.line >= 1 for p in parsed.problems)


def test_ssda903_sex_is_kept_in_one_coding_whatever_the_year(tmp_path: Path) -> None:
    # 1/2 up to 2023-24, M/F from 2024-25: a store mixing years reads one coding.
    rows = [
        [f"SYN00000000{i}", sex, "01/02/2010", "WBRI", "UN2", "", ""]
        for i, sex in enumerate(["1", "2", "M", "F", "9"], start=1)
    ]
    path = write_csv(tmp_path / "ssda903_201_2025_header.csv", HEADER_HEADER, rows)
    parsed = parse_file(path, KEY)
    assert not parsed.problems
    [batch] = parsed.batches
    assert batch.data[batch.columns.index("sex")] == ["M", "F", "M", "F", "U"]
