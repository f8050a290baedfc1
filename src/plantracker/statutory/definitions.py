"""The statutory indicators: names, titles, units and their SQL over the store.

Each definition is documented with its source and edge cases in docs/statutory.md. All
windows are "the 12 months to the as-of date": after ``$start`` (the as-of date a year
earlier) up to and including ``$as_of``. Records that appear in several collection years
(an episode open across 31 March) are counted once, from the latest return.
"""

from __future__ import annotations

from dataclasses import dataclass

from plantracker.statutory.values import (
    EET_ACTIVITY_CODES,
    HIGHER_EDUCATION_ACTIVITY_CODES,
    IN_TOUCH_EXCLUDED,
)


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    unit: str  # percent | count | rate
    source: str  # which return: cin | ssda903_oc3


DEFINITIONS: dict[str, Definition] = {
    d.name: d
    for d in (
        Definition(
            "re_referrals_12m",
            "Referrals within 12 months of a previous referral",
            "percent",
            "cin",
        ),
        Definition(
            "repeat_cp_plans",
            "Child protection plans that were a second or subsequent plan (ever)",
            "percent",
            "cin",
        ),
        Definition(
            "repeat_cp_plans_2y",
            "Child protection plans starting within 2 years of a previous plan ending",
            "percent",
            "cin",
        ),
        Definition(
            "cp_plans_2y_plus",
            "Child protection plans ending that had lasted 2 years or more",
            "percent",
            "cin",
        ),
        Definition("cp_number", "Children subject of a child protection plan", "count", "cin"),
        Definition(
            "cp_rate",
            "Children subject of a child protection plan per 10,000 children aged 0 to 17",
            "rate",
            "cin",
        ),
        Definition(
            "care_leavers_eet",
            "Care leavers aged 19 to 21 in education, employment or training",
            "percent",
            "ssda903_oc3",
        ),
        Definition(
            "care_leavers_he",
            "Care leavers aged 19 to 21 in higher education",
            "percent",
            "ssda903_oc3",
        ),
    )
}


def _codes(codes: frozenset[str]) -> str:
    return ", ".join(f"'{c}'" for c in sorted(codes))


# --- Derived tables -----------------------------------------------------------------------
# What every indicator needs, whatever the date: one row per referral, plan or care
# leaver's birthday, each from the latest return that holds it, with the facts about the
# child's earlier history. Rebuilt after every load (plantracker.statutory.derive); the
# indicator queries below then only count within the window. The same SELECTs can be
# inlined as CTEs to compute from the loaded rows alone (``from_raw``).

# Referrals: one per child and referral date, with the child's previous referral in the
# same authority.
REFERRAL = """
SELECT la, child, referral_date,
       lag(referral_date) OVER (PARTITION BY la, child ORDER BY referral_date)
           AS previous_referral
FROM (SELECT DISTINCT la, child, referral_date FROM cin_referral)
"""

# Plans: one per child and start date, from the latest return that holds it. A plan with
# no end date that is missing from a later return of its authority never had its end
# reported: it is taken to have ended the day after the last return that showed it
# (``end_inferred``). Each plan carries how many earlier plans of the child the store holds
# and when the latest of them ended.
PLAN = """
WITH latest_return AS (
    SELECT la, max(year) AS last_year FROM sources WHERE kind = 'cin' GROUP BY la
), plans AS (
    SELECT la, year, child, start_date, end_date, previous_plans FROM cp_plan
    QUALIFY row_number() OVER (PARTITION BY la, child, start_date ORDER BY year DESC) = 1
), ended AS (
    SELECT p.la, p.child, p.start_date, p.end_date, p.previous_plans,
           CASE WHEN p.end_date IS NOT NULL THEN p.end_date
                WHEN p.year < r.last_year THEN s.reference_date + 1
           END AS effective_end,
           p.end_date IS NULL AND p.year < r.last_year AS end_inferred
    FROM plans p
    JOIN latest_return r USING (la)
    JOIN sources s ON s.kind = 'cin' AND s.la = p.la AND s.year = p.year
)
SELECT *,
       count(*) OVER earlier AS earlier_plans,
       max(effective_end) OVER earlier AS previous_end
FROM ended
WINDOW earlier AS (PARTITION BY la, child ORDER BY start_date
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
"""

# Care leavers: each OC3 row is one young person's birthday in that collection year (April
# to March); the age is the one reached then. One row per child and birthday month.
LEAVER_BIRTHDAY = """
WITH rows AS (
    SELECT la, year, child, in_touch, activity, birth_month,
           CASE WHEN month(birth_month) >= 4 THEN year - 1 ELSE year END AS birthday_year
    FROM care_leaver
)
SELECT la, child, in_touch, activity,
       birthday_year - year(birth_month) AS age,
       make_date(birthday_year, month(birth_month), 1) AS birthday_month
FROM rows
QUALIFY row_number() OVER (
    PARTITION BY la, child, make_date(birthday_year, month(birth_month), 1) ORDER BY year DESC
) = 1
"""

# Name → SELECT, in build order; each table is kept sorted by the date the windows filter on.
DERIVED: dict[str, tuple[str, str]] = {
    "referral": (REFERRAL, "referral_date"),
    "plan": (PLAN, "start_date"),
    "leaver_birthday": (LEAVER_BIRTHDAY, "birthday_month"),
}

# --- Indicator queries over the derived tables ----------------------------------------------

SCOPE = "($la::VARCHAR IS NULL OR la = $la::VARCHAR)"

# A referral whose previous referral is on or after the same day a year earlier.
RE_REFERRALS = f"""
SELECT count(*) FILTER (WHERE previous_referral >= referral_date - INTERVAL 1 YEAR),
       count(*)
FROM referral
WHERE {SCOPE} AND referral_date > $start AND referral_date <= $as_of
"""

# Every plan figure in one pass: plans starting in the window (and whether each is a
# repeat, ever or within two years of the previous plan's end), plans ending in it (and
# whether they had lasted two years), and children on a plan on the as-of date.
PLAN_FIGURES = f"""
WITH marked AS (
    SELECT *,
           start_date > $start AND start_date <= $as_of AS started,
           effective_end > $start AND effective_end <= $as_of AS ended
    FROM plan WHERE {SCOPE}
)
SELECT count(*) FILTER (WHERE started AND (coalesce(previous_plans, 0) > 0 OR earlier_plans > 0)),
       count(*) FILTER (WHERE started AND previous_end <= start_date
                          AND previous_end >= start_date - INTERVAL 2 YEAR),
       count(*) FILTER (WHERE started),
       count(*) FILTER (WHERE ended AND NOT end_inferred
                          AND end_date >= start_date + INTERVAL 2 YEAR),
       count(*) FILTER (WHERE ended AND NOT end_inferred),
       count(*) FILTER (WHERE ended AND end_inferred),
       count(DISTINCT (la, child)) FILTER (WHERE start_date <= $as_of
                                             AND (effective_end IS NULL OR effective_end > $as_of))
FROM marked
"""

# Ages 19, 20 and 21 with the birthday month starting inside the window; those who died or
# went home to their parents are not in the group.
CARE_LEAVERS = f"""
SELECT count(*) FILTER (WHERE activity IN ({_codes(EET_ACTIVITY_CODES)})),
       count(*) FILTER (WHERE activity IN ({_codes(HIGHER_EDUCATION_ACTIVITY_CODES)})),
       count(*)
FROM leaver_birthday
WHERE {SCOPE}
  AND age BETWEEN 19 AND 21
  AND coalesce(in_touch, '') NOT IN ({_codes(IN_TOUCH_EXCLUDED)})
  AND birthday_month > $start AND birthday_month <= $as_of
"""


def from_raw(query: str) -> str:
    """The same query computing its derived tables on the fly from the loaded rows."""
    ctes = ", ".join(f"{name} AS ({select})" for name, (select, _) in DERIVED.items())
    body = query.strip()
    if body.upper().startswith("WITH "):
        return f"WITH {ctes}, {body[5:]}"
    return f"WITH {ctes}\n{body}"
