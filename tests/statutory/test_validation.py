"""The DfE validators through the adapter: per-rule results, defects named, clear failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.statutory.returns import write_cin
from tests.statutory.validators import need_validators

from plantracker.statutory import StatutoryError
from plantracker.statutory.validation import (
    KNOWN_DEFECTS,
    WORKER,
    ValidatorUnavailable,
    validate_returns,
    validators_python,
)

# A child using every part of the census the reader reads: UPN, two disabilities, two
# assessments with factors, CIN plan, Section 47, a plan with reviews and an empty <Reviews/>.
RICH_CHILD = """
    <Child>
      <ChildIdentifiers>
        <LAchildID>SYN000000077</LAchildID><UPN>A123456789012</UPN>
        <PersonBirthDate>2012-02-03</PersonBirthDate><Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>HAND</Disability><Disability>VIS</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-05-20</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>
            <AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <Assessments><AssessmentActualStartDate>2024-09-02</AssessmentActualStartDate>
        </Assessments>
        <CINPlanDates><CINPlanStartDate>2024-05-21</CINPlanStartDate></CINPlanDates>
        <Section47><S47ActualStartDate>2024-05-03</S47ActualStartDate>
          <InitialCPCtarget>2024-05-24</InitialCPCtarget>
          <DateOfInitialCPC>2024-05-20</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans><CPPstartDate>2024-05-20</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2024-08-01</CPPreviewDate></Reviews>
          <Reviews><CPPreviewDate>2025-01-10</CPPreviewDate></Reviews>
          <Reviews/>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
"""


def _census(tmp_path: Path, children: int = 3) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = write_cin(
        tmp_path,
        "101",
        2025,
        [
            {"id": f"SYN00000000{i}", "episodes": [{"referral": "2024-06-03"}]}
            for i in range(1, children + 1)
        ],
    )
    text = path.read_text(encoding="utf-8").replace("  </Children>", RICH_CHILD + "  </Children>")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_the_fast_census_reader_reads_what_the_validators_own_reader_reads(
    tmp_path: Path,
) -> None:
    need_validators()
    for children in (0, 1, 3):
        if children:
            path = _census(tmp_path / str(children), children)
        else:
            path = write_cin(tmp_path, "101", 2025, [])
        check = (
            "import sys, xml.etree.ElementTree as ET; sys.path.insert(0, sys.argv[1]); "
            "import validation_worker as w; w.same_as_official(ET.parse(sys.argv[2]).getroot()); "
            "print('same')"
        )
        done = subprocess.run(
            [str(validators_python()), "-I", "-c", check, str(WORKER.parent), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stdout.strip() == "same", done.stderr[-2000:]


@pytest.mark.slow
def test_a_census_is_reported_rule_by_rule_with_severity_and_indicators(tmp_path: Path) -> None:
    need_validators()
    # 2024-25 wants <Sex>; the hand-built children carry the older <GenderCurrent>.
    [result] = validate_returns([_census(tmp_path)])
    assert (result.status, result.ruleset, result.children) == ("ok", "cin2024_25", 4)
    by_code = {f.code: f for f in result.findings}
    assert by_code["4180"].severity == "error"
    assert by_code["4180"].children == 3
    assert by_code["4180"].child_ids == ()  # ids only when asked for
    assert result.rules_run == 109
    # The same file with an older rule set: GenderCurrent was the field then.
    [older] = validate_returns([_census(tmp_path)], ruleset="cin2023_24", child_ids=True)
    assert older.ruleset == "cin2023_24"
    assert "4180" in {f.code for f in older.findings}  # the rich child has <Sex>, not 1/2
    assert {i for f in older.findings for i in f.child_ids} <= {"SYN000000077"} | {
        f"SYN00000000{i}" for i in (1, 2, 3)
    }


@pytest.mark.slow
def test_an_unreadable_file_and_an_unknown_rule_set_are_named_not_tracebacks(
    tmp_path: Path,
) -> None:
    need_validators()
    broken = tmp_path / "cin_census_101_2025.xml"
    broken.write_text("<Message><Header>", encoding="utf-8")
    [result] = validate_returns([broken])
    assert result.status == "unreadable"
    assert result.message == "not a readable XML file"
    [future] = validate_returns([_census(tmp_path / "f")], ruleset="cin2031_32")
    assert future.status == "no_ruleset"
    assert "cin2031_32" in future.message and "newest: cin20" in future.message


def test_a_missing_validator_is_one_line_saying_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANTRACKER_VALIDATORS_PYTHON", str(tmp_path / "nowhere" / "python"))
    with pytest.raises(ValidatorUnavailable) as raised:
        validate_returns([_census(tmp_path)])
    assert "make setup" in str(raised.value)
    assert "Traceback" not in str(raised.value)


def test_a_python_without_the_validators_is_reported_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The system python has no cin_validator: the worker fails on import.
    monkeypatch.setenv("PLANTRACKER_VALIDATORS_PYTHON", "/usr/bin/python3")
    with pytest.raises(ValidatorUnavailable, match="not installed or do not run"):
        validate_returns([_census(tmp_path)])


def test_bad_paths_and_rule_sets_are_refused_naming_them(tmp_path: Path) -> None:
    with pytest.raises(StatutoryError, match="no such file or folder"):
        validate_returns([tmp_path / "missing.xml"])
    odd = tmp_path / "episodes.csv"
    odd.write_text("CHILD\n", encoding="utf-8")
    with pytest.raises(StatutoryError, match="must name its authority"):
        validate_returns([odd])
    real = tmp_path / "ssda903_302_2025_header.csv"
    real.write_text("CHILD\n", encoding="utf-8")
    with pytest.raises(StatutoryError, match="--la-ons"):
        validate_returns([real])
    with pytest.raises(StatutoryError, match="cin20YY_YY or lac20YY_YY"):
        validate_returns([tmp_path], ruleset="2025")


def test_every_known_defect_names_its_reason() -> None:
    for (validator, version), rules in KNOWN_DEFECTS.items():
        assert validator.startswith("csc-validator-be-") and version
        for code, reason in rules.items():
            assert code and len(reason) > 30, (validator, code)
