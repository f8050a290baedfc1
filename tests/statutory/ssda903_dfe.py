"""SSDA903 returns of 2023-24, 2024-25 and 2025-26 written table by table to the DfE layout.

The DfE's technical specification of the children looked after return ("SSDA903") gives the
CSV form of the return as one file per table, each headed by the data items' short names.
``LAYOUTS`` writes those columns out per collection year, in the specification's order,
independently of ``statutory synth``'s writer, and ``write_return`` fills them column by
column for a handful of children of one authority followed over the three years:

- A, a girl in long-term foster care since 2021 (care order), reviewed twice a year, with
  a health record (OC2) every year and a change of social worker in 2023-24 and 2025-26;
- B, a boy in foster care who moves to semi-independent accommodation (H5) at 17 in
  2023-24, leaves care on his 18th birthday in 2024-25, and is a care leaver at 19 in
  2025-26 (OC3, in full-time education);
- C, a girl in foster care since 2019 who stays with her foster carers at 18 in 2023-24
  ("staying put") and is at university at 19 and 20 (OC3 in 2024-25 and 2025-26);
- D, a girl who comes into care at 15 in 2024-25 (accommodated under section 20, no
  previous permanence order, once missing), is made subject of a care order in 2025-26
  and moves to supported accommodation (K3) at 16;
- E, an unaccompanied asylum-seeking boy who comes into care at 16 in 2025-26 (UASC).

No child is placed for adoption in these years: AD1 and PlacedAdoption are their header
lines, as in a council's return with no adoptions.

What differs by year, as the DfE changed it: social worker episodes are collected from
2023-24; ``SEX`` is 1 (male) / 2 (female) up to 2023-24 and M / F from 2024-25; from 2025-26
every placement other than P1, P3, R1, R2, R5, T0–T4 and Z11–Z14 has its Ofsted URN, H5 (and
P2, Z1) are withdrawn and K3 (supported accommodation) is a placement type. The columns of
every other table are the same in the three years.

Dates are DD/MM/YYYY, postcodes are public postcodes in and around Richmond upon Thames
(DfE authority code 318, ONS E09000027), the authority the return is written as.
"""

from __future__ import annotations

import csv
from pathlib import Path

LA = "318"  # Richmond upon Thames
LA_ONS = "E09000027"
YEARS = (2024, 2025, 2026)  # the returns of 2023-24, 2024-25 and 2025-26

_COMMON: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
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
    ),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "OC2": (
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
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}
# Social worker episodes: first collected in the 2023-24 return.
_SOCIAL_WORKER = {"SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")}
LAYOUTS: dict[int, dict[str, tuple[str, ...]]] = {
    2024: {**_COMMON, **_SOCIAL_WORKER},
    2025: {**_COMMON, **_SOCIAL_WORKER},
    2026: {**_COMMON, **_SOCIAL_WORKER},
}
# The file each table is written to, as a council's export might name them.
FILES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "UASC": "uasc.csv",
    "Reviews": "reviews.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "SWEpisodes": "social_worker_episodes.csv",
}

Row = dict[str, str]


def _sex(year: int, male: bool) -> str:
    if year <= 2024:
        return "1" if male else "2"
    return "M" if male else "F"


def _child_a(year: int, child: str) -> dict[str, list[Row]]:
    dob = "12/06/2012"
    episodes = [
        {
            "CHILD": child, "DECOM": "14/02/2021", "RNE": "S", "LS": "C2", "CIN": "N1",
            "PLACE": "U4", "PLACE_PROVIDER": "PR1", "HOME_POST": "TW2 7BU",
            "PL_POST": "TW11 8UW", "URN": "SC412870",
        }
    ]  # fmt: skip
    reviews = {2024: ("20/06/2023", "12/12/2023"), 2025: ("11/06/2024", "10/12/2024"),
               2026: ("10/06/2025", "09/12/2025")}[year]  # fmt: skip
    workers = {
        2024: [("SW318017", "14/02/2021", "06/09/2023", "FCONTA"),
               ("SW318044", "06/09/2023", "", "LEFTRL")],
        2025: [("SW318044", "06/09/2023", "", "LEFTRL")],
        2026: [("SW318044", "06/09/2023", "14/07/2025", "LEFTRL"),
               ("SW318052", "14/07/2025", "", "MANAGE")],
    }[year]  # fmt: skip
    sdq = {2024: "14", 2025: "12", 2026: "11"}[year]
    return {
        "Header": [
            {"CHILD": child, "SEX": _sex(year, male=False), "DOB": dob, "ETHNIC": "WBRI",
             "UPN": "H318200512417", "MOTHER": "0"}
        ],
        "Episodes": episodes,
        "Reviews": [
            {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": "PN1"} for day in reviews
        ],
        "OC2": [
            {"CHILD": child, "DOB": dob, "SDQ_SCORE": sdq, "CONVICTED": "0",
             "IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1",
             "SUBSTANCE_MISUSE": "0"}
        ],
        "SWEpisodes": [
            {"CHILD": child, "DOB": dob, "SW_ID": sw, "SW_DECOM": start, "SW_DEC": end,
             "SW_REASON": reason}
            for sw, start, end, reason in workers
        ],
    }  # fmt: skip


def _child_b(year: int, child: str) -> dict[str, list[Row]]:
    dob = "03/09/2006"
    header = {"CHILD": child, "SEX": _sex(year, male=True), "DOB": dob, "ETHNIC": "MWBC",
              "UPN": "K318200211233"}  # fmt: skip
    if year == 2026:  # left care on his 18th birthday; 19 this year: a care leaver
        return {
            "Header": [header],
            "OC3": [{"CHILD": child, "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F2",
                     "ACCOM": "U1"}],
        }  # fmt: skip
    foster = {
        "CHILD": child, "DECOM": "20/11/2020", "RNE": "S", "LS": "C2", "CIN": "N5",
        "PLACE": "U4", "PLACE_PROVIDER": "PR4", "DEC": "04/12/2023", "REC": "X1",
        "REASON_PLACE_CHANGE": "CHILD", "HOME_POST": "TW1 3ER", "PL_POST": "KT6 7RB",
        "URN": "SC398112",
    }  # fmt: skip
    semi_independent = {
        "CHILD": child, "DECOM": "04/12/2023", "RNE": "P", "LS": "C2", "CIN": "N5",
        "PLACE": "H5", "PLACE_PROVIDER": "PR4", "HOME_POST": "TW1 3ER", "PL_POST": "TW9 1UN",
        "URN": "SC655301",
    }  # fmt: skip
    if year == 2024:
        episodes = [foster, semi_independent]
        reviews: tuple[str, ...] = ("10/05/2023", "08/11/2023")
    else:
        episodes = [{**semi_independent, "DEC": "03/09/2024", "REC": "E5"}]
        reviews = ("07/05/2024",)
    tables = {
        "Header": [header],
        "Episodes": episodes,
        "Reviews": [
            {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": "PN1"} for day in reviews
        ],
        "SWEpisodes": [
            {"CHILD": child, "DOB": dob, "SW_ID": "SW318021", "SW_DECOM": "20/11/2020",
             "SW_REASON": "FCONTA"}
        ],
    }  # fmt: skip
    if year == 2024:  # looked after for the whole year
        tables["OC2"] = [
            {"CHILD": child, "DOB": dob, "SDQ_SCORE": "17", "CONVICTED": "0",
             "IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1",
             "SUBSTANCE_MISUSE": "0"}
        ]  # fmt: skip
    return tables


def _child_c(year: int, child: str) -> dict[str, list[Row]]:
    dob = "12/07/2005"
    header = {"CHILD": child, "SEX": _sex(year, male=False), "DOB": dob, "ETHNIC": "WBRI",
              "UPN": "M318200109112"}  # fmt: skip
    if year > 2024:  # stayed with her foster carers at 18; at university from 19
        return {
            "Header": [header],
            "OC3": [{"CHILD": child, "DOB": dob, "IN_TOUCH": "YES", "ACTIV": "F1",
                     "ACCOM": "Z1"}],
        }  # fmt: skip
    return {
        "Header": [{**header, "MOTHER": "0"}],
        "Episodes": [
            {"CHILD": child, "DECOM": "02/03/2019", "RNE": "S", "LS": "C2", "CIN": "N1",
             "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": "12/07/2023", "REC": "E17",
             "HOME_POST": "TW4 5PL", "PL_POST": "TW12 2DW", "URN": "SC433019"}
        ],
        "Reviews": [{"CHILD": child, "DOB": dob, "REVIEW": "18/05/2023", "REVIEW_CODE": "PN1"}],
        "SWEpisodes": [
            {"CHILD": child, "DOB": dob, "SW_ID": "SW318029", "SW_DECOM": "02/03/2019",
             "SW_REASON": "FCONTA"}
        ],
    }  # fmt: skip


def _child_d(year: int, child: str) -> dict[str, list[Row]]:
    if year < 2025:
        return {}
    dob = "20/01/2009"
    header = {"CHILD": child, "SEX": _sex(year, male=False), "DOB": dob, "ETHNIC": "BAFR",
              "UPN": "T318201400561", "MOTHER": "0"}  # fmt: skip
    section_20 = {
        "CHILD": child, "DECOM": "10/06/2024", "RNE": "S", "LS": "V2", "CIN": "N4",
        "PLACE": "U6", "PLACE_PROVIDER": "PR4", "HOME_POST": "TW2 5XP", "PL_POST": "SM1 1TR",
        "URN": "SC507744",
    }  # fmt: skip
    if year == 2025:
        return {
            "Header": [header],
            "Episodes": [section_20],
            "PrevPerm": [{"CHILD": child, "DOB": dob, "PREV_PERM": "Z1"}],
            "Missing": [{"CHILD": child, "DOB": dob, "MISSING": "M", "MIS_START": "14/09/2024",
                         "MIS_END": "16/09/2024"}],
            "Reviews": [
                {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": "PN1"}
                for day in ("30/06/2024", "27/09/2024", "21/03/2025")
            ],
            "SWEpisodes": [
                {"CHILD": child, "DOB": dob, "SW_ID": "SW318033", "SW_DECOM": "10/06/2024",
                 "SW_REASON": "FCONTA"}
            ],
        }  # fmt: skip
    care_order = {**section_20, "DECOM": "15/05/2025", "RNE": "L", "LS": "C2"}
    supported = {
        **care_order, "DECOM": "01/09/2025", "RNE": "P", "PLACE": "K3", "PL_POST": "TW9 3XD",
        "URN": "SC660418",
    }  # fmt: skip
    return {
        "Header": [header],
        "Episodes": [
            {**section_20, "DEC": "15/05/2025", "REC": "X1"},
            {**care_order, "DEC": "01/09/2025", "REC": "X1", "REASON_PLACE_CHANGE": "CHILD"},
            supported,
        ],
        "Missing": [{"CHILD": child, "DOB": dob, "MISSING": "A", "MIS_START": "02/02/2026",
                     "MIS_END": "03/02/2026"}],
        "Reviews": [
            {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": "PN1"}
            for day in ("19/09/2025", "16/03/2026")
        ],
        "OC2": [
            {"CHILD": child, "DOB": dob, "SDQ_SCORE": "19", "CONVICTED": "0",
             "IMMUNISATIONS": "1", "TEETH_CHECK": "1", "HEALTH_ASSESSMENT": "1",
             "SUBSTANCE_MISUSE": "0"}
        ],
        "SWEpisodes": [
            {"CHILD": child, "DOB": dob, "SW_ID": "SW318033", "SW_DECOM": "10/06/2024",
             "SW_DEC": "03/11/2025", "SW_REASON": "FCONTA"},
            {"CHILD": child, "DOB": dob, "SW_ID": "SW318058", "SW_DECOM": "03/11/2025",
             "SW_REASON": "ORGRST"},
        ],
    }  # fmt: skip


def _child_e(year: int, child: str) -> dict[str, list[Row]]:
    if year < 2026:
        return {}
    dob = "15/02/2009"
    return {
        "Header": [{"CHILD": child, "SEX": _sex(year, male=True), "DOB": dob, "ETHNIC": "AOTH",
                    "UPN": "UN2"}],
        "UASC": [{"CHILD": child, "SEX": _sex(year, male=True), "DOB": dob,
                  "DUC": "15/02/2027"}],
        # No home postcode for an unaccompanied asylum-seeking child.
        "Episodes": [{"CHILD": child, "DECOM": "06/10/2025", "RNE": "S", "LS": "V2",
                      "CIN": "N8", "PLACE": "U6", "PLACE_PROVIDER": "PR4",
                      "PL_POST": "SW16 3YT", "URN": "SC519932"}],
        "PrevPerm": [{"CHILD": child, "DOB": dob, "PREV_PERM": "Z1"}],
        "Reviews": [
            {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": "PN1"}
            for day in ("26/10/2025", "22/01/2026")
        ],
        "SWEpisodes": [
            {"CHILD": child, "DOB": dob, "SW_ID": "SW318061", "SW_DECOM": "06/10/2025",
             "SW_REASON": "FCONTA"}
        ],
    }  # fmt: skip


CHILDREN = {"A": _child_a, "B": _child_b, "C": _child_c, "D": _child_d, "E": _child_e}
IDS = {"A": "R0417", "B": "R0233", "C": "R0112", "D": "R0561", "E": "R0602"}


def tables(year: int, ids: dict[str, str] | None = None) -> dict[str, list[Row]]:
    """The rows of each table of the return of ``year`` (every table of its layout)."""
    chosen = IDS if ids is None else ids
    out: dict[str, list[Row]] = {table: [] for table in LAYOUTS[year]}
    for name, build in CHILDREN.items():
        for table, rows in build(year, chosen[name]).items():
            out[table] += rows
    return out


def write_return(
    folder: Path,
    year: int,
    *,
    ids: dict[str, str] | None = None,
    old_sex_codes: bool = False,
    excel: bool = False,
) -> list[Path]:
    """Write each table of the return of ``year`` into ``folder`` (created), column by
    column in the DfE's order; an empty table is its header line. ``old_sex_codes``: SEX
    as 1/2 whatever the year (the fault rule 101 finds from 2024-25). ``excel``: saved as
    Excel's "CSV UTF-8" is, with a byte order mark and CRLF line ends."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, rows in tables(year, ids).items():
        columns = LAYOUTS[year][table]
        path = folder / FILES[table]
        with open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
            writer.writerow(columns)
            for row in rows:
                unknown = set(row) - set(columns)
                assert not unknown, f"{table}: {unknown} not in the {year} layout"
                values = dict(row)
                if old_sex_codes and "SEX" in values:
                    values["SEX"] = {"M": "1", "F": "2"}.get(values["SEX"], values["SEX"])
                writer.writerow([values.get(column, "") for column in columns])
        written.append(path)
    return written


def folder_of(base: Path, year: int, la: str = LA) -> Path:
    """Where a council might keep a year's tables: ``<LA>/<2023-24>/``."""
    return base / la / f"{year - 1}-{year % 100:02d}"
