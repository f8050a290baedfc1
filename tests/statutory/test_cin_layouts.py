"""CIN census files written field by field to the DfE layout of 2023-24, 2024-25 and 2025-26
load and pass the DfE validator's rule set of their year (docs/statutory.md#validation).

The files are written here element by element from the census specification as the
validator's reader takes it (Header/CollectionDetails and Source; per child
ChildIdentifiers, ChildCharacteristics with Disabilities, CINdetails with Assessments and
their factors, CINPlanDates, Section47, ChildProtectionPlans with Reviews), independently of
``statutory synth``'s writer: the sex is ``GenderCurrent`` 1/2 up to 2023-24 and ``Sex``
M/F from 2024-25; booleans are written both ways the schema allows (true/false, 1/0).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.statutory.validators import need_validators

from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.validation import validate_returns

YEARS = (2024, 2025, 2026)  # the census of 2023-24, 2024-25, 2025-26


def _monday(year: int, month: int) -> date:
    """The first Monday of a month (no bank holiday falls on it in June, July or October)."""
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _sex(year: int, code: str) -> str:
    """2023-24: GenderCurrent 1 (male) / 2 (female); from 2024-25: Sex M / F."""
    if year <= 2024:
        return f"<GenderCurrent>{'1' if code == 'M' else '2'}</GenderCurrent>"
    return f"<Sex>{code}</Sex>"


def census(year: int) -> str:
    """Three children: a referral closed with no further action, a child protection
    enquiry leading to a plan (open, reviewed), and a child in need plan (open)."""
    first = year - 1  # the census year runs 1 April first .. 31 March year
    flag = ("true", "false") if year != 2026 else ("1", "0")
    nfa = date(first, 10, 1) + timedelta(days=(1 - date(first, 10, 1).weekday()) % 7)
    referral = _monday(first, 6)
    icpc = referral + timedelta(days=14)
    s47 = referral + timedelta(days=2)
    target = s47 + timedelta(days=21)  # 15 working days
    review = icpc + timedelta(days=84)
    cin = _monday(first, 7)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>301</LEA>
      <SoftwareCode>hand-written test file</SoftwareCode>
      <Release>1</Release>
      <SerialNo>1</SerialNo>
      <DateTime>{year}-04-20T10:00:00</DateTime>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>HAND0001</LAchildID>
        <UPNunknown>UN2</UPNunknown>
        <PersonBirthDate>2012-03-10</PersonBirthDate>
        {_sex(year, "F")}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{nfa}</CINreferralDate>
        <ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>{nfa}</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <ReferralNFA>{flag[0]}</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>HAND0002</LAchildID>
        <UPNunknown>UN2</UPNunknown>
        <PersonBirthDate>2016-05-20</PersonBirthDate>
        {_sex(year, "M")}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>MWBC</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{referral}</CINreferralDate>
        <ReferralSource>5A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <ReferralNFA>{flag[1]}</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>{referral + timedelta(days=1)}</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>{icpc}</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>{s47}</S47ActualStartDate>
          <InitialCPCtarget>{target}</InitialCPCtarget>
          <DateOfInitialCPC>{icpc}</DateOfInitialCPC>
          <ICPCnotRequired>0</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>{icpc}</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>{review}</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>HAND0003</LAchildID>
        <UPNunknown>UN2</UPNunknown>
        <PersonBirthDate>2010-11-02</PersonBirthDate>
        {_sex(year, "F")}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>BAFR</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{cin}</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N2</PrimaryNeedCode>
        <ReferralNFA>{flag[1]}</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>{cin + timedelta(days=1)}</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>{cin + timedelta(days=8)}</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>1C</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>{cin + timedelta(days=9)}</CINPlanStartDate>
        </CINPlanDates>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("layouts")
    written = []
    for year in YEARS:
        path = folder / f"cin_census_301_{year}.xml"
        path.write_text(census(year), encoding="utf-8")
        written.append(path)
    return written


def test_the_files_load_and_the_indicators_read_them(files: list[Path], tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    report = load_paths(files, store)
    assert [(f.status, f.year, f.note) for f in report.files] == [
        ("loaded", year, "3 children") for year in YEARS
    ]
    for year in YEARS:
        figures = compute_indicators(store, date(year, 3, 31), "301", suppress=False)
        assert figures["cp_number"].numerator == 1  # the plan started in June, still open
        assert figures["repeat_cp_plans"].denominator == 1  # and it started in the year


@pytest.mark.slow
def test_each_year_passes_its_own_rule_set_and_load_validates_it(
    files: list[Path], tmp_path: Path
) -> None:
    need_validators()
    results = validate_returns(files)
    assert [r.ruleset for r in results] == ["cin2023_24", "cin2024_25", "cin2025_26"]
    for result in results:
        assert (result.status, result.children) == ("ok", 3)
        assert [(f.code, f.children) for f in result.findings if f.severity == "error"] == []
        assert result.crashed == () and result.skipped == ()
    # The older spelling in a 2024-25 census is what rule 4180 catches, child by child.
    older = tmp_path / "cin_census_301_2025.xml"
    older.write_text(
        census(2025).replace("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>"), "utf-8"
    )
    [wrong] = validate_returns([older])
    assert [(f.code, f.children) for f in wrong.findings if f.severity == "error"] == [("4180", 1)]
    out = io.StringIO()
    call_command("statutory", "load", *map(str, files), "--store", str(tmp_path / "s.duckdb"),
                 stdout=out)  # fmt: skip
    validated = [line for line in out.getvalue().splitlines() if line.startswith("validated")]
    assert validated == [
        f"validated {path}: rule set {ruleset}, 3 children, 0 errors, {n} queries"
        for path, ruleset, n in zip(
            files,
            ("cin2023_24", "cin2024_25", "cin2025_26"),
            [r.count("query") for r in results],
            strict=True,
        )
    ]
