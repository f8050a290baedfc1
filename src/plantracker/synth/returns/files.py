"""Writing a simulated authority as the returns it would submit, one collection year each.

CIN census XML follows the element names and order of the DfE specification; SSDA903
tables are the department's CSV layout with dates as DD/MM/YYYY. Identifiers are
``SYN`` + 9 digits; no names, UPNs (the "UPN unknown" codes are given instead) or postcodes.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from plantracker.synth.returns.simulation import Authority, CinChild, Episode


@dataclass(frozen=True)
class Fault:
    """A fault ``synth --faults`` seeds on purpose, and the DfE rule it breaks."""

    name: str
    kind: str  # "cin" or "903"
    rule: str
    what: str


FAULTS = (
    Fault("ethnicity_invalid", "cin", "4220", "ChildCharacteristics/Ethnicity is not a DfE code"),
    Fault("primary_need_invalid", "cin", "8650", "CINdetails/PrimaryNeedCode is not a DfE code"),
    Fault("ethnic_invalid", "903", "103", "Header ETHNIC is not a DfE code"),
    Fault(
        "provider_invalid", "903", "178", "Episodes PLACE_PROVIDER is not a DfE code (all episodes)"
    ),
    Fault(
        "review_code_invalid", "903", "167", "Reviews REVIEW_CODE is not a DfE code (one review)"
    ),
)
INVALID_CODE = "XXXX"


@dataclass
class FaultSeeder:
    """Picks the children of one return that get a fault: ``rate`` of them, at random.

    Its own random stream (from the seed, authority and year), so files without faults are
    byte-identical whatever the rate; ``seeded`` counts children per fault.
    """

    rate: float
    rng: random.Random
    seeded: Counter[str] = field(default_factory=Counter)

    def pick_for(self, key: str, kind: str) -> Fault | None:
        """The fault of the record ``key`` names, the same in every file it is in."""
        rng = random.Random(f"plantracker-faults:{key}")
        if self.rate <= 0 or rng.random() >= self.rate:
            return None
        return rng.choice([f for f in FAULTS if f.kind == kind])

    def pick(self, kind: str) -> Fault | None:
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return None
        return self.rng.choice([f for f in FAULTS if f.kind == kind])


def collection_span(year: int) -> tuple[date, date]:
    """The year a return covers: 1 April of the year before to 31 March of ``year``."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def _uk(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _upn_unknown(birth: date, on: date) -> str:
    # UN1: not yet of school age and not yet given a UPN; UN2: never attended a school in
    # England. School age as CIN rule 8770Q (2024-25) reckons it: born on or before
    # 31 August six years before the reference date's year (903 rule 209 agrees).
    return "UN1" if birth > date(on.year - 6, 8, 31) else "UN2"


def _working_days_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _within(day: date | None, first: date, last: date) -> bool:
    return day is not None and first <= day <= last


def _open_in(episode: Episode, first: date, last: date) -> bool:
    return episode.referral <= last and (episode.closure is None or episode.closure >= first)


def _known(day: date | None, last: date) -> date | None:
    return day if day is not None and day <= last else None


def _cin_child(
    child: CinChild, first: date, last: date, year: int, fault: Fault | None = None
) -> str | None:
    episodes = [e for e in child.episodes if _open_in(e, first, last)]
    if not episodes:
        return None
    ethnicity = INVALID_CODE if fault and fault.name == "ethnicity_invalid" else child.ethnicity
    out = [
        "    <Child>\n      <ChildIdentifiers>\n",
        f"        <LAchildID>{child.local_id}</LAchildID>\n",
        f"        <UPNunknown>{_upn_unknown(child.birth, last)}</UPNunknown>\n",
        f"        <PersonBirthDate>{child.birth.isoformat()}</PersonBirthDate>\n",
        # 2024-25 on: <Sex> M/F/U (rule 4180); before: <GenderCurrent> 1/2/0/9.
        f"        <Sex>{'M' if child.sex == '1' else 'F'}</Sex>\n"
        if year >= 2025
        else f"        <GenderCurrent>{child.sex}</GenderCurrent>\n",
        "      </ChildIdentifiers>\n      <ChildCharacteristics>\n",
        f"        <Ethnicity>{ethnicity}</Ethnicity>\n",
        "        <Disabilities>\n          <Disability>NONE</Disability>\n"
        "        </Disabilities>\n      </ChildCharacteristics>\n",
    ]
    for index, e in enumerate(episodes):
        closure = _known(e.closure, last)
        out.append("      <CINdetails>\n")
        out.append(f"        <CINreferralDate>{e.referral.isoformat()}</CINreferralDate>\n")
        out.append(f"        <ReferralSource>{e.source}</ReferralSource>\n")
        need = e.need
        if fault and fault.name == "primary_need_invalid" and index == 0:
            need = INVALID_CODE
        out.append(f"        <PrimaryNeedCode>{need}</PrimaryNeedCode>\n")
        if closure is not None:
            out.append(f"        <CINclosureDate>{closure.isoformat()}</CINclosureDate>\n")
            out.append(f"        <ReasonForClosure>{e.closure_reason}</ReasonForClosure>\n")
        # The conference is recorded in its Section47 module only (rule 2884).
        out.append(f"        <ReferralNFA>{'true' if e.nfa else 'false'}</ReferralNFA>\n")
        authorised = _known(e.assessment_authorised, last)
        # An assessment is returned when authorised in the year (8696) or open at its end
        # having started in it (8736).
        if e.assessment_start is not None and (
            _within(authorised, first, last)
            or (authorised is None and _within(e.assessment_start, first, last))
        ):
            out.append("        <Assessments>\n")
            out.append(
                f"          <AssessmentActualStartDate>{e.assessment_start.isoformat()}"
                "</AssessmentActualStartDate>\n"
            )
            if authorised is not None:
                out.append(
                    f"          <AssessmentAuthorisationDate>{authorised.isoformat()}"
                    "</AssessmentAuthorisationDate>\n"
                    "          <FactorsIdentifiedAtAssessment>\n"
                    f"            <AssessmentFactors>{'21' if e.need == 'N0' else '3A'}"
                    "</AssessmentFactors>\n          </FactorsIdentifiedAtAssessment>\n"
                )
            out.append("        </Assessments>\n")
        # A later enquiry in the same episode comes with its own assessment (2991Q),
        # authorised on the day of its conference.
        for more_start, more_conference in e.more_s47:
            done = _known(more_conference, last)
            if not (
                _within(done, first, last) or (done is None and _within(more_start, first, last))
            ):
                continue
            out.append("        <Assessments>\n")
            out.append(
                f"          <AssessmentActualStartDate>{more_start.isoformat()}"
                "</AssessmentActualStartDate>\n"
            )
            if done is not None:
                out.append(
                    f"          <AssessmentAuthorisationDate>{done.isoformat()}"
                    "</AssessmentAuthorisationDate>\n"
                    "          <FactorsIdentifiedAtAssessment>\n"
                    "            <AssessmentFactors>3A</AssessmentFactors>\n"
                    "          </FactorsIdentifiedAtAssessment>\n"
                )
            out.append("        </Assessments>\n")
        plan_start = _known(e.cin_plan_start, last)
        if plan_start is not None:
            out.append("        <CINPlanDates>\n")
            out.append(f"          <CINPlanStartDate>{plan_start.isoformat()}</CINPlanStartDate>\n")
            if closure is not None:
                out.append(f"          <CINPlanEndDate>{closure.isoformat()}</CINPlanEndDate>\n")
            out.append("        </CINPlanDates>\n")
        enquiries: list[tuple[date, date | None]] = (
            [] if e.s47_start is None else [(e.s47_start, e.icpc)]
        )
        for s47_start, conference in [*enquiries, *e.more_s47]:
            held = _known(conference, last)
            # In the return when its conference is in the year (8715), or when still open at
            # the year end having started in it (8740); not-required ones as open ones.
            if not (
                _within(held, first, last)
                or (held is None and _within(s47_start, first, last))
                or (conference is None and closure is not None and _within(s47_start, first, last))
            ):
                continue
            target = _working_days_after(s47_start, 15)
            out.append("        <Section47>\n")
            out.append(
                f"          <S47ActualStartDate>{s47_start.isoformat()}</S47ActualStartDate>\n"
            )
            out.append(f"          <InitialCPCtarget>{target.isoformat()}</InitialCPCtarget>\n")
            if held is not None:
                out.append(f"          <DateOfInitialCPC>{held.isoformat()}</DateOfInitialCPC>\n")
            out.append(
                # 0/1 as the rules test it (8740 reads "0" as an open enquiry)
                f"          <ICPCnotRequired>{'0' if conference else '1'}</ICPCnotRequired>\n"
            )
            out.append("        </Section47>\n")
        for plan in e.protection_plans:
            if plan.start > last or (plan.end is not None and plan.end < first):
                continue
            end = _known(plan.end, last)
            out.append("        <ChildProtectionPlans>\n")
            out.append(f"          <CPPstartDate>{plan.start.isoformat()}</CPPstartDate>\n")
            if end is not None:
                out.append(f"          <CPPendDate>{end.isoformat()}</CPPendDate>\n")
            out.append(
                "          <InitialCategoryOfAbuse>"
                f"{plan.initial_category}</InitialCategoryOfAbuse>\n"
                f"          <LatestCategoryOfAbuse>{plan.latest_category}</LatestCategoryOfAbuse>\n"
                f"          <NumberOfPreviousCPP>{plan.previous}</NumberOfPreviousCPP>\n"
            )
            out.append("        </ChildProtectionPlans>\n")
        out.append("      </CINdetails>\n")
    out.append("    </Child>\n")
    return "".join(out)


def write_cin(
    authority: Authority, year: int, path: Path, faults: FaultSeeder | None = None
) -> int:
    """Write the CIN census of ``year``; returns the number of children in it."""
    first, last = collection_span(year)
    children = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>\n'
            "    <CollectionDetails>\n      <Collection>CIN</Collection>\n"
            f"      <Year>{year}</Year>\n      <ReferenceDate>{last.isoformat()}</ReferenceDate>\n"
            "    </CollectionDetails>\n    <Source>\n      <SourceLevel>L</SourceLevel>\n"
            f"      <LEA>{authority.code}</LEA>\n"
            "      <SoftwareCode>plantracker synthetic data</SoftwareCode>\n"
            "      <Release>1</Release>\n      <SerialNo>1</SerialNo>\n"
            f"      <DateTime>{year}-05-15T09:00:00</DateTime>\n"
            "    </Source>\n  </Header>\n  <Children>\n"
        )
        for child in authority.cin:
            if not any(_open_in(e, first, last) for e in child.episodes):
                continue
            fault = faults.pick("cin") if faults else None
            text = _cin_child(child, first, last, year, fault)
            if text is not None:
                out.write(text)
                children += 1
                if fault and faults:
                    faults.seeded[fault.name] += 1
        out.write("  </Children>\n</Message>\n")
    return children


def _csv(path: Path, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> int:
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            written += 1
    return written


def write_population(authorities: list[Authority], path: Path) -> None:
    rows = [
        (a.code, str(year), str(people))
        for a in authorities
        for year, people in sorted(a.population.items())
    ]
    _csv(path, ("la_code", "year", "population_0_17"), rows)
