"""`plantracker statutory validate`: the DfE rules on synthetic returns with seeded faults."""

from __future__ import annotations

import io
import json
import re
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.statutory.validators import need_validators

SEEDED = re.compile(r"^  (\S+): (\w+) \(rule (\w+)\) (\d+)$", re.M)


def _synth(out: Path, *extra: str) -> None:
    args = ["--las", "1", "--years", "2", "--seed", "4", "--scale", "0.05", *extra]
    call_command("statutory", "synth", *args, "-o", str(out), stdout=io.StringIO())


def _validate(*args: str) -> str:
    out = io.StringIO()
    call_command("statutory", "validate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_validators()
    out = tmp_path_factory.mktemp("validate") / "returns"
    _synth(out, "--faults", "0.2")
    return out


@pytest.mark.slow
def test_validate_finds_every_seeded_fault_as_many_times_as_synth_seeded_it(
    faulty: Path,
) -> None:
    readme = (faulty / "README.txt").read_text(encoding="utf-8")
    seeded: dict[tuple[str, str], int] = {}
    for file, _name, rule, n in SEEDED.findall(readme):
        # an SSDA903 fault is in one of the return's tables: the return is the year's tables
        ret = re.sub(r"(ssda903_\d{3}_\d{4})_\w+\.csv$", r"\1", file)
        seeded[(ret, rule)] = int(n)
    assert {rule for _, rule in seeded} == {"4220", "8650", "103", "178", "167"}
    data = json.loads(_validate(str(faulty), "--json"))
    found: dict[tuple[str, str], int] = {}
    for result in data["returns"]:
        if result["kind"] == "903" and result["year"] < 2024:
            continue  # the earlier years' returns synth writes for the rules to compare with
        assert result["status"] == "ok"
        errors = {f["code"] for f in result["findings"] if f["severity"] == "error"}
        if result["kind"] == "cin":
            ret = Path(result["files"][0]).relative_to(faulty).as_posix()
            # Nothing but the seeded faults is an error in a synthetic census.
            assert errors <= {"4220", "8650"}, ret
        else:
            ret = f"{result['la']}/ssda903_{result['la']}_{result['year']}"
            assert errors <= {"103", "178", "167"}, (ret, errors)
        for finding in result["findings"]:
            if finding["code"] in {"4220", "8650", "103", "178", "167"}:
                found[(ret, finding["code"])] = finding["children"]
    assert found == seeded


@pytest.mark.slow
def test_the_report_names_rules_indicators_and_validator_defects(faulty: Path) -> None:
    text = _validate(str(faulty / "101"))
    assert "rule set cin2024_25" in text and "rule set lac2024_25" in text
    assert "4220" in text and "error" in text
    # A rule that crashes on every file of this validator version is named, with why.
    assert "rule 231 cannot run (validator defect)" in text
    assert "rules skipped (needs Ofsted's lists" in text
    # The SSDA903 years synth writes before any rule set are read as history, said so.
    assert "earlier returns read as history only (no rule set for their years): 2018" in text
    assert "lac2017_18" not in text


@pytest.mark.slow
def test_the_csv_lists_each_finding_with_the_childs_id_only_in_the_file_asked_for(
    faulty: Path, tmp_path: Path
) -> None:
    target = tmp_path / "findings.csv"
    text = _validate(str(faulty / "101" / "cin_census_101_2025.xml"), "--csv", str(target))
    assert not re.search(r"SYN\d{9}", text)
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "return,ruleset,rule,severity,child_id,message"
    assert all(re.search(r",SYN\d{9},", row) for row in rows[1:])
    assert f"wrote {len(rows) - 1} findings with the children's ids to {target}" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_missing_validator_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _synth(tmp_path / "returns")
    monkeypatch.setenv("PLANTRACKER_VALIDATORS_PYTHON", str(tmp_path / "no-python"))
    with pytest.raises(CommandError) as raised:
        _validate(str(tmp_path / "returns"))
    message = str(raised.value)
    assert "make setup" in message and "\n" not in message and "Traceback" not in message


def test_bad_arguments_are_refused_naming_them(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file or folder"):
        _validate(str(tmp_path / "missing"))
    census = tmp_path / "cin.xml"
    census.write_text("<Message/>", encoding="utf-8")
    with pytest.raises(CommandError, match="no such folder"):
        _validate(str(census), "--csv", str(tmp_path / "nowhere" / "f.csv"))
