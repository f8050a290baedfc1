"""Small hand-built statutory returns for the tests: CIN census XML and SSDA903 CSVs.

Children are written as plain dicts so that each test shows its case in a few lines:

    {"id": "SYN000000001", "birth": "2015-06-15",
     "episodes": [{"referral": "2024-05-01", "closure": None,
                   "plans": [{"start": "2024-06-01", "end": None, "previous": 0}]}]}
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from plantracker.statutory.published import PLACE_COLUMNS


def cin_xml(la: str, year: int, children: list[dict[str, Any]]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails>",
        "      <Collection>CIN</Collection>",
        f"      <Year>{year}</Year>",
        f"      <ReferenceDate>{year}-03-31</ReferenceDate>",
        "    </CollectionDetails>",
        f"    <Source><SourceLevel>L</SourceLevel><LEA>{la}</LEA></Source>",
        "  </Header>",
        "  <Children>",
    ]
    for child in children:
        out += [
            "    <Child>",
            "      <ChildIdentifiers>",
            f"        <LAchildID>{child['id']}</LAchildID>",
            f"        <UPN>{child.get('upn', 'A123456789012')}</UPN>",
            f"        <PersonBirthDate>{child.get('birth', '2015-06-15')}</PersonBirthDate>",
            "        <GenderCurrent>1</GenderCurrent>",
            "      </ChildIdentifiers>",
            "      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>",
        ]
        for episode in child.get("episodes", []):
            out.append("      <CINdetails>")
            out.append(f"        <CINreferralDate>{episode['referral']}</CINreferralDate>")
            out.append("        <ReferralSource>6</ReferralSource>")
            out.append("        <PrimaryNeedCode>N1</PrimaryNeedCode>")
            if episode.get("closure"):
                out.append(f"        <CINclosureDate>{episode['closure']}</CINclosureDate>")
                out.append("        <ReasonForClosure>RC7</ReasonForClosure>")
            out.append("        <ReferralNFA>false</ReferralNFA>")
            for plan in episode.get("plans", []):
                out.append("        <ChildProtectionPlans>")
                out.append(f"          <CPPstartDate>{plan['start']}</CPPstartDate>")
                if plan.get("end"):
                    out.append(f"          <CPPendDate>{plan['end']}</CPPendDate>")
                out.append("          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>")
                out.append("          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>")
                previous = plan.get("previous", 0)
                out.append(f"          <NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>")
                out.append("        </ChildProtectionPlans>")
            out.append("      </CINdetails>")
        out.append("    </Child>")
    out += ["  </Children>", "</Message>", ""]
    return "\n".join(out)


def write_cin(folder: Path, la: str, year: int, children: list[dict[str, Any]]) -> Path:
    path = folder / f"cin_census_{la}_{year}.xml"
    path.write_text(cin_xml(la, year, children), encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


OC3_HEADER = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
HEADER_HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES_HEADER = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]

# The other SSDA903 tables, as the DfE's guide names their columns (by file suffix).
OTHER_903_HEADERS = {
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "ad1": [
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    "placed_adoption": [
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "oc2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    # social worker episodes: from the 2023-24 return
    "social_worker": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    # deprivation of liberty orders: from the 2026-27 return
    "dolo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}


def write_oc3(folder: Path, la: str, year: int, rows: list[list[str]]) -> Path:
    return write_csv(folder / f"ssda903_{la}_{year}_oc3.csv", OC3_HEADER, rows)


def write_population(folder: Path, rows: list[tuple[str, int, int]]) -> Path:
    return write_csv(
        folder / "population.csv",
        ["la_code", "year", "population_0_17"],
        [[la, str(year), str(people)] for la, year, people in rows],
    )


# A published open-data file (DfE layout) with two figure columns, for the comparators.
PUBLISHED_HEADER = [*PLACE_COLUMNS, "re_referrals_percent", "cpp_rate"]


def published_row(
    level: str,
    region: str = "",
    la: str = "",
    new: str = "",
    rr: str = "",
    rate: str = "",
    period: str = "202324",
) -> list[str]:
    """One row of a published file: ``level`` National / Regional / Local authority."""
    name = {"E12000007": "London", "E12000008": "South East"}.get(region, "")
    return [
        period,
        "Financial year",
        level,
        "E92000001",
        "England",
        region,
        name,
        la,
        new,
        f"LA {la}" if la else "",
        rr,
        rate,
    ]
