"""Synthetic statutory returns for tests and benchmarks (``plantracker statutory synth``).

Deterministic: the same arguments give byte-identical files. Authority codes are 101
upwards, a range no English authority uses, and every child id is ``SYN`` + 9 digits.
Beside the returns, ``plan.yaml`` is a small illustrative plan of the first authority whose
KPIs are computed from them (``illustrative_plan``), for ``statutory apply``, and ``published.csv``
synthetic published comparators in the DfE open-data layout (``published``), for
``statutory benchmarks`` and ``statutory compare``.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plantracker.files import current_umask
from plantracker.statutory.errors import StatutoryError
from plantracker.synth.returns.files import (
    FAULTS,
    FaultSeeder,
    write_cin,
    write_population,
)
from plantracker.synth.returns.illustrative_plan import illustrative_plan_yaml
from plantracker.synth.returns.published import NEIGHBOURS, time_period, write_published
from plantracker.synth.returns.simulation import Authority, CareSimulation, CinSimulation
from plantracker.synth.returns.ssda903 import write_ssda903

__all__ = ["ReturnsWritten", "synth_returns"]

FIRST_CODE = 101
MAX_AUTHORITIES = 99
MAX_YEARS = 20
CIN_RUN_IN_YEARS = 3  # history before the first year written, so re-referrals have a past
CARE_RUN_IN_YEARS = 8  # long enough for teenagers in care to become care leavers of 19-21
# SSDA903 returns written before the first year: a care leaver of 19 who left care at 16
# was in care after their 14th birthday up to six returns before (903 rules 1001, 1002).
HISTORY_903_YEARS = 6


@dataclass(frozen=True)
class ReturnsWritten:
    folder: Path
    authorities: int
    years: tuple[int, ...]
    files: int
    cin_children: int
    bytes: int


def _authority(code: str, years: tuple[int, ...], seed: int, scale: float = 1.0) -> Authority:
    rng = random.Random(f"plantracker-synth:{seed}:{code}")
    first_year, end_year = years[0], years[-1]
    population = int(min(max(rng.lognormvariate(math.log(80_000), 0.5), 25_000), 300_000))
    # --scale: a smaller authority (fewer children, the same rates) for fast tests.
    population = max(1, int(population * scale))
    growth = rng.uniform(-0.005, 0.01)
    estimates = {
        y: int(population * (1 + growth) ** (y - end_year))
        for y in range(first_year - 2, end_year + 1)
    }
    end = date(end_year, 3, 31)
    referrals = population * rng.uniform(0.040, 0.065)
    cin = CinSimulation(
        rng, code, date(first_year - 1 - CIN_RUN_IN_YEARS, 4, 1), end, referrals
    ).run()
    entries = population * rng.uniform(0.0022, 0.0030)
    looked_after = CareSimulation(
        rng, code, date(first_year - 1 - CARE_RUN_IN_YEARS, 4, 1), end, entries
    ).run(first_year - HISTORY_903_YEARS)
    return Authority(code, estimates, cin, looked_after)


# One seeded fault in one file: (file relative to the folder, fault name, children).
Seeded = tuple[str, str, int]


def _write_authority(
    code: str,
    years: tuple[int, ...],
    seed: int,
    folder: str,
    scale: float = 1.0,
    faults: float = 0.0,
) -> tuple[dict[int, int], int, int, list[Seeded]]:
    authority = _authority(code, years, seed, scale)
    base = Path(folder) / code
    base.mkdir()
    children = files = 0
    seeded: list[Seeded] = []
    for year in years:
        cin_faults = FaultSeeder(faults, random.Random(f"plantracker-faults:{seed}:{code}:{year}"))
        census = f"cin_census_{code}_{year}.xml"
        children += write_cin(authority, year, base / census, cin_faults)
        seeded += [(f"{code}/{census}", n, c) for n, c in sorted(cin_faults.seeded.items())]
        care_faults = FaultSeeder(
            faults, random.Random(f"plantracker-faults:{seed}:{code}:{year}:903")
        )
        tables, in_tables = write_ssda903(authority, year, base, care_faults, str(seed), years[0])
        files += 1 + len(tables)
        for table, counts in sorted(in_tables.items()):
            name = f"{code}/ssda903_{code}_{year}_{table}.csv"
            seeded += [(name, n, c) for n, c in sorted(counts.items())]
    # The SSDA903 returns of the years before the first: the rules compare with last year's
    # tables, and 1001/1002 look for a care leaver's time in care in every earlier year.
    for year in range(years[0] - HISTORY_903_YEARS, years[0]):
        files += len(write_ssda903(authority, year, base, None, str(seed))[0])
    return authority.population, children, files, seeded


def _faults_readme(rate: float, seeded: list[Seeded]) -> str:
    if rate <= 0:
        return ""
    rules = {f.name: f for f in FAULTS}
    lines = [
        f"\nFAULTS seeded on purpose (--faults {rate:g}): about {rate:.1%} of the children in "
        "each file carry one\nof these, each breaking one DfE validation rule "
        "(`plantracker statutory validate` finds them):\n"
    ]
    lines += [f"  {f.name}: {f.what} (breaks {f.kind.upper()} rule {f.rule})\n" for f in FAULTS]
    lines.append("Children with each fault, per file:\n")
    lines += [
        f"  {file}: {name} (rule {rules[name].rule}) {children}\n"
        for file, name, children in seeded
    ]
    return "".join(lines)


def years_from(end_year: int, years: int) -> int:
    """The first collection year written (a return is named by the year it ends)."""
    return end_year - years + 1


def _readme(
    codes: list[str],
    las: int,
    years: int,
    end_year: int,
    seed: int,
    scale: float = 1.0,
    faults: float = 0.0,
) -> str:
    period = f"{end_year - 1}-{end_year % 100:02d}-Q4"
    authorities = f"authority {codes[0]}" if las == 1 else f"authorities {codes[0]}-{codes[-1]}"
    return (
        "SYNTHETIC DATA - no real child is described in these files.\n"
        f"Generated by: plantracker statutory synth --las {las} --years {years} "
        f"--end-year {end_year} --seed {seed}"
        + ("" if scale == 1 else f" --scale {scale:g}")
        + ("" if not faults else f" --faults {faults:g}")
        + "\n"
        "Child ids are SYN + 9 digits; authority codes 101 upwards are not real authorities.\n"
        "Each authority's folder holds, per collection year, the CIN census (cin_census_*.xml) "
        "and every\nSSDA903 table of that year's DfE layout (ssda903_LA_YEAR_TABLE.csv: header, "
        "episodes, uasc,\nreviews, ad1, placed_adoption, prev_perm, oc2, oc3, missing; "
        "social_worker from 2023-24; dolo\nfrom 2026-27). "
        f"The SSDA903 returns of the {HISTORY_903_YEARS} years before "
        f"{years_from(end_year, years)} "
        "are there too:\nthe rules compare each return with last year's tables, and 1001/1002 "
        "look for a care leaver's\ntime in care in every earlier year "
        "(`plantracker statutory validate` reads them as such).\n"
        "POSTCODES: HOME_POST and PL_POST are real, public postcodes from the ONS postcode "
        "directory the\nDfE validator looks them up in (it derives each placement's authority "
        "and distance from them),\nassigned at random from a fixed list of 48: areas, not "
        "anyone's address (the children and\ncarers are synthetic). The synthetic authorities "
        "stand in for Richmond upon Thames (E09000027)\nin the postcode rules. "
        "URNs are made up (SC + 6 digits).\n"
        "No UPN is written (the 'UPN unknown' codes are).\n"
        f"plan.yaml is an illustrative plan of authority {codes[0]} whose KPIs are computed "
        "from these returns\n(its baselines and targets are made-up round numbers): "
        "`plantracker import plan.yaml`, then\n"
        f"`plantracker statutory apply SLUG --period {period} --user EMAIL --la {codes[0]}`\n"
        "writes the computed values into it for review (docs/statutory.md, Into the plan).\n"
        "published.csv is SYNTHETIC too, NOT DfE data: made-up figures in the layout of the "
        "DfE's open-data\nfiles for 'England (synthetic)', a 'Synthetic region' (E12000099), "
        f"{authorities}\nand statistical neighbours "
        f"{NEIGHBOURS[0]}-{NEIGHBOURS[-1]}, none of them real, drawn at random (the authorities' "
        "own\nfigures are not computed from these returns): "
        "`plantracker statutory benchmarks published.csv`,\nthen `plantracker statutory compare "
        f"SLUG --published {time_period(end_year)} --la {codes[0]} "
        f"--neighbours {','.join(NEIGHBOURS)} \\\n"
        "    --figure 1.K1=re_referrals_12m ... --user EMAIL` "
        "(docs/statutory.md, Comparators).\n"
    )


def synth_returns(
    out: Path,
    *,
    las: int,
    years: int,
    end_year: int = 2025,
    seed: int = 0,
    jobs: int = 1,
    scale: float = 1.0,
    faults: float = 0.0,
) -> ReturnsWritten:
    """Write ``las`` authorities × ``years`` collection years of returns into new folder ``out``.

    ``out`` must not exist or be empty; files are written into a temporary folder beside it
    and moved into place at the end, so a failure leaves nothing half-written.
    """
    if not 1 <= las <= MAX_AUTHORITIES:
        raise StatutoryError(f"--las must be between 1 and {MAX_AUTHORITIES}")
    if not 1 <= years <= MAX_YEARS:
        raise StatutoryError(f"--years must be between 1 and {MAX_YEARS}")
    if not 2000 <= end_year <= 2100:
        raise StatutoryError("--end-year must be a year between 2000 and 2100")
    if not 0 <= faults <= 0.5:
        raise StatutoryError("--faults must be a rate from 0 to 0.5 (e.g. 0.02 for 2 %)")
    if not 0 < scale <= 1:
        raise StatutoryError("--scale must be more than 0 and at most 1")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StatutoryError(f"{out}: already exists and is not an empty folder")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise StatutoryError(f"{parent}: no such folder")
    span = tuple(range(end_year - years + 1, end_year + 1))
    codes = [str(FIRST_CODE + i) for i in range(las)]
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    # mkdtemp makes the folder private; the finished folder gets the usual permissions.
    os.chmod(work, 0o777 & ~current_umask())
    try:
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = list(
                    pool.map(
                        _write_authority,
                        codes,
                        [span] * las,
                        [seed] * las,
                        [str(work)] * las,
                        [scale] * las,
                        [faults] * las,
                    )
                )
        else:
            results = [_write_authority(c, span, seed, str(work), scale, faults) for c in codes]
        authorities = [
            Authority(code, population, [], [])
            for code, (population, _, _, _) in zip(codes, results, strict=True)
        ]
        write_population(authorities, work / "population.csv")
        (work / "plan.yaml").write_text(
            illustrative_plan_yaml(codes[0], end_year), encoding="utf-8"
        )
        write_published(codes, span, seed, work / "published.csv")
        readme = _readme(codes, las, years, end_year, seed, scale, faults)
        readme += _faults_readme(faults, [s for r in results for s in r[3]])
        (work / "README.txt").write_text(readme, "utf-8")
        size = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
        if out.exists():
            out.rmdir()
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ReturnsWritten(
        folder=out,
        authorities=las,
        years=span,
        files=sum(r[2] for r in results) + 4,
        cin_children=sum(r[1] for r in results),
        bytes=size,
    )
