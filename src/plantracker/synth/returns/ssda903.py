"""Writing a simulated authority's SSDA903 return of one collection year: every table.

One CSV per table, with the DfE's column names (the set the SSDA903 validator recognises a
table by) and dates as DD/MM/YYYY: Header, Episodes, UASC, Reviews, AD1, PlacedAdoption,
PrevPerm, OC2, OC3, Missing, SWEpisodes (social worker episodes, from 2023-24) and DoLo
(deprivation of liberty orders, from 2026-27). Codes are each year's: SEX 1/2 up to 2023-24,
M/F from 2024-25 (903 rule 101). Postcodes are real public postcodes assigned at random
(``simulation.IN_AREA``); no UPN is written (the "UPN unknown" codes are). Why and how
these returns pass the DfE SSDA903 validator: ADR 0073.
"""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from plantracker.synth.returns.files import INVALID_CODE, FaultSeeder
from plantracker.synth.returns.simulation import Authority, CareEpisode, LookedAfterChild

TABLES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
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
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "ad1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "placed_adoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "prev_perm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "oc2": (
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
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "social_worker": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "dolo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
SOCIAL_WORKER_FROM = 2024  # social worker episodes: from the 2023-24 return
DOLO_FROM = 2027  # deprivation of liberty orders: from the 2026-27 return
SHORT_BREAKS = ("V3", "V4")


def tables_of(year: int) -> tuple[str, ...]:
    """The tables the return of ``year`` has, by file suffix."""
    return tuple(
        t
        for t in TABLES
        if not (t == "social_worker" and year < SOCIAL_WORKER_FROM)
        and not (t == "dolo" and year < DOLO_FROM)
    )


def _uk(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return date(birth.year + age, 2, 28)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def upn_unknown(birth: date, on: date) -> str:
    """UN1 not yet of school age, UN2 never at school in England (CIN 8770Q, 903 209)."""
    return "UN1" if birth > date(on.year - 6, 8, 31) else "UN2"


def _in_year(child: LookedAfterChild, first: date, last: date) -> list[CareEpisode]:
    return [e for e in child.episodes if e.start <= last and (e.end is None or e.end >= first)]


def _continuously_looked_after(episodes: list[CareEpisode], first: date, last: date) -> bool:
    """Looked after for the whole year, as the validator reckons it (OC2 rules 191, 190)."""
    if not episodes:
        return False
    for e in episodes:
        ended = e.end if e.end is not None and e.end <= last else None
        if e.legal_status in SHORT_BREAKS and (ended is None or ended >= first):
            return False
        if e.reason_new == "S" and first < e.start <= last:
            return False
        if ended is not None and e.reason_end != "X1" and first <= ended < last:
            return False
    return True


def _review_dates(episodes: list[CareEpisode], known: date) -> list[date]:
    """Reviews of each period of care: 20 days in, three months later, then every six months."""
    out: list[date] = []
    start: date | None = None
    for e in episodes:
        if e.reason_new == "S":
            start = e.start
        if start is None or e.reason_end == "X1":
            continue
        end = e.end if e.end is not None else known  # the period ends here, or is open
        day, step = start + timedelta(days=20), 92
        while day < end:
            out.append(day)
            day, step = day + timedelta(days=step), 182
        start = None
    return out


def _csv(path: Path, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> int:
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            written += 1
    return written


class _Return:
    """The rows of one authority-year's tables."""

    def __init__(self, year: int, seed: str) -> None:
        self.year = year
        self.first, self.last = date(year - 1, 4, 1), date(year, 3, 31)
        self.seed = seed
        self.rows: dict[str, list[tuple[str, ...]]] = {t: [] for t in tables_of(year)}

    def rng(self, child: LookedAfterChild) -> random.Random:
        # Per child and year: the extra tables draw nothing from the simulation's stream.
        return random.Random(f"{self.seed}:{child.local_id}:{self.year}")

    def sex(self, child: LookedAfterChild) -> str:
        return {"1": "M", "2": "F"}[child.sex] if self.year >= 2025 else child.sex

    def has(self, child: LookedAfterChild) -> bool:
        """Whether the child is in the return: looked after, or a care leaver's birthday."""
        return bool(_in_year(child, self.first, self.last)) or any(
            self.first <= _birthday(child.birth, age) <= self.last for age in child.after_care
        )

    def add(self, child: LookedAfterChild, fault: str | None = None) -> str | None:
        """Add the child's rows; returns the table a fault went into, or None.

        ``fault`` (``files.FAULTS``) puts an invalid code in one field of the child's rows
        where the child has such a row.
        """
        first, last = self.first, self.last
        faulty: str | None = None
        in_year = _in_year(child, first, last)
        leaver = [
            (age, values)
            for age, values in sorted(child.after_care.items())
            if first <= _birthday(child.birth, age) <= last
        ]
        if not in_year and not leaver:
            return None
        dob = _uk(child.birth)
        looked_after = any(e.legal_status not in SHORT_BREAKS for e in in_year)
        # MOTHER is asked of every girl looked after in the year other than on short breaks
        # (165, 393, 607), of no one else (165, 628).
        mother = "0" if child.sex == "2" and looked_after else ""
        self.rows["header"].append(
            (
                child.local_id,
                self.sex(child),
                dob,
                INVALID_CODE if fault == "ethnic_invalid" else child.ethnicity,
                upn_unknown(child.birth, last),
                mother,
                "",
            )
        )
        if fault == "ethnic_invalid":
            faulty = "header"
        for _, (in_touch, activity, accommodation) in leaver:
            self.rows["oc3"].append((child.local_id, dob, in_touch, activity, accommodation))
        for e in in_year:
            ended = e.end is not None and e.end <= last
            self.rows["episodes"].append(
                (
                    child.local_id,
                    _uk(e.start),
                    e.reason_new,
                    e.legal_status,
                    e.need,
                    e.placement,
                    INVALID_CODE if fault == "provider_invalid" else e.provider,
                    _uk(e.end) if ended else "",
                    (e.reason_end or "") if ended else "",
                    (e.reason_change or "") if ended else "",
                    e.home_post,
                    e.pl_post,
                    e.urn,
                )
            )
        if in_year and fault == "provider_invalid":
            faulty = "episodes"
        if in_year and self._in_care(child, in_year, dob, fault):
            faulty = "reviews"
        return faulty

    def _in_care(
        self, child: LookedAfterChild, in_year: list[CareEpisode], dob: str, fault: str | None
    ) -> bool:
        """The child's rows of the tables beside Episodes; True if a review got the fault."""
        first, last = self.first, self.last
        rng = self.rng(child)
        faulty = False
        if child.uasc_ceased is not None:
            self.rows["uasc"].append((child.local_id, self.sex(child), dob, _uk(child.uasc_ceased)))
        for day in _review_dates(child.episodes, last):
            if first <= day <= last:
                code = (
                    "PN0"
                    if _age(child.birth, day) < 4
                    else ("PN1" if rng.random() < 0.85 else "PN2")
                )
                if fault == "review_code_invalid" and not faulty:
                    code, faulty = INVALID_CODE, True
                self.rows["reviews"].append((child.local_id, dob, _uk(day), code))
        adoption = child.adoption
        if adoption is not None and adoption.decision <= last:
            self.rows["placed_adoption"].append(
                (child.local_id, dob, _uk(adoption.decision), "", "")
            )
            final = child.episodes[-1]
            if (
                final.reason_end in ("E11", "E12")
                and final.end is not None
                and first <= final.end <= last
            ):
                self.rows["ad1"].append(
                    (
                        child.local_id,
                        dob,
                        _uk(adoption.decision),
                        _uk(adoption.matched),
                        "1" if adoption.former_foster_carers else "0",
                        str(adoption.adopters),
                        adoption.adopters_sex,
                        adoption.adopters_status,
                    )
                )
        for e in in_year:
            if e.reason_new == "S" and first <= e.start <= last:
                self.rows["prev_perm"].append((child.local_id, dob, "Z1", "", ""))
        if _continuously_looked_after(in_year, first, last):
            self.rows["oc2"].append(self._oc2(child, dob, rng))
        for kind, start, back in child.missing:
            if first <= start <= last:
                end = _uk(back) if back <= last else ""
                self.rows["missing"].append((child.local_id, dob, kind, _uk(start), end))
        if "dolo" in self.rows:
            self._dolo(child, in_year, dob, rng)
        if "social_worker" in self.rows:
            for sw in child.social_workers:
                if sw.start <= last and (sw.end is None or sw.end >= first):
                    ended = sw.end if sw.end is not None and sw.end <= last else None
                    self.rows["social_worker"].append(
                        (child.local_id, dob, sw.worker, _uk(sw.start), _uk(ended), sw.reason)
                    )
        return faulty

    def _dolo(
        self, child: LookedAfterChild, in_year: list[CareEpisode], dob: str, rng: random.Random
    ) -> None:
        """Now and then a deprivation of liberty order for a 16- or 17-year-old in a
        children's home: inside the episode and the year (700-708)."""
        for e in in_year:
            begin = max(e.start, self.first)
            end = e.end if e.end is not None and e.end <= self.last else self.last
            if e.placement != "K2" or _age(child.birth, begin) < 16 or (end - begin).days < 30:
                continue
            if rng.random() >= 0.3:
                continue
            start = begin + timedelta(days=rng.randint(1, (end - begin).days // 2))
            stop = start + timedelta(days=rng.randint(7, 120))
            if stop <= end:
                closed = _uk(stop)
            elif e.end is not None and e.end <= self.last:
                closed = _uk(e.end)  # ends when the placement does (707)
            else:
                closed = ""  # open at the year's end, the child still there
            self.rows["dolo"].append((child.local_id, dob, _uk(start), closed))

    def _oc2(self, child: LookedAfterChild, dob: str, rng: random.Random) -> tuple[str, ...]:
        age = _age(child.birth, self.last)

        def yes(chance: float) -> str:
            return "1" if rng.random() < chance else "0"

        score = reason = ""
        if 4 <= age <= 17:  # SDQ for ages 4 to 17 (197B)
            if rng.random() < 0.8:
                score = str(min(40, max(0, int(rng.gauss(14, 7)))))
            else:
                # SDQ1 means "under 4 or over 16": not for these ages (157)
                reason = rng.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))
        misuse = yes(0.04) if age >= 10 else "0"
        received = yes(0.6) if misuse == "1" else ""
        return (
            child.local_id,
            dob,
            score,
            reason,
            yes(0.03) if age >= 10 else "",  # convictions from age 10 (542)
            yes(0.9) if age < 5 else "",
            yes(0.85),
            yes(0.8),
            yes(0.9),
            misuse,
            received,
            # offered only when not received (158)
            yes(0.8) if misuse == "1" and received == "0" else "",
        )


def write_ssda903(
    authority: Authority,
    year: int,
    folder: Path,
    faults: FaultSeeder | None = None,
    seed: str = "",
    faults_from: int = 0,
) -> tuple[dict[str, int], dict[str, Counter[str]]]:
    """Write every SSDA903 table of ``year``; ``faults`` from the year ``faults_from``.

    Returns rows per table (by file suffix) and, per table, the children given each fault.
    """
    out = _Return(year, f"plantracker-903:{seed}:{authority.code}")
    seeded: dict[str, Counter[str]] = defaultdict(Counter)
    # A child's fault is the same in every year's return from the first with faults: the
    # rules comparing with last year (204, 503E, ...) find nothing more than the fault's rule.
    # Children already in the return before that year get none.
    before = _Return(faults_from - 1 if faults else year, "")
    for child in authority.looked_after:
        if not out.has(child):
            continue
        fault = None
        if faults is not None and not before.has(child):
            fault = faults.pick_for(f"{seed}:{authority.code}:{child.local_id}", "903")
        table = out.add(child, fault.name if fault else None)
        if fault and table:
            seeded[table][fault.name] += 1
    stem = f"ssda903_{authority.code}_{year}"
    rows = {
        table: _csv(folder / f"{stem}_{table}.csv", TABLES[table], out.rows[table])
        for table in tables_of(year)
    }
    return rows, dict(seeded)
