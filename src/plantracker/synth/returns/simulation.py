"""A simulated authority: children's referrals, plans and care histories over time.

Rates are set to the order of the published national figures (DfE, "Characteristics of
children in need" and "Children looked after in England including adoptions"): about
500 referrals per 10,000 children a year of which a fifth are re-referrals, about 8% of
referrals leading to a child protection plan lasting around nine months (a few per cent
over two years), about 25 children per 10,000 starting to be looked after each year, and
care leavers of 19 to 21 around half in education, employment or training. They are
plausible, not calibrated: the data are for tests and benchmarks only.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

DAY = timedelta(days=1)


@dataclass
class ProtectionPlan:
    """A child protection plan within an episode."""

    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous: int


@dataclass
class Episode:
    """One CINdetails: a referral and what followed it."""

    referral: date
    source: str
    need: str
    nfa: bool
    closure: date | None
    closure_reason: str | None
    assessment_start: date | None = None
    assessment_authorised: date | None = None
    s47_start: date | None = None
    icpc: date | None = None
    cin_plan_start: date | None = None
    protection_plans: list[ProtectionPlan] = field(default_factory=list)
    # Further Section 47 enquiries in the same episode: (start, initial conference date),
    # one before each later plan (rule 2885: a plan starts on the day of a conference).
    more_s47: list[tuple[date, date]] = field(default_factory=list)


@dataclass
class CinChild:
    local_id: str
    birth: date
    sex: str
    ethnicity: str
    episodes: list[Episode] = field(default_factory=list)


@dataclass
class CareEpisode:
    start: date
    end: date | None
    reason_new: str
    legal_status: str
    need: str
    placement: str
    provider: str
    reason_end: str | None
    reason_change: str | None
    # The placement's (public, non-personal) postcode and Ofsted URN, fixed per placement;
    # the child's home postcode, fixed per period of care (SSDA903 rules 392a-d, 218).
    home_post: str = ""
    pl_post: str = ""
    urn: str = ""


@dataclass
class Adoption:
    """The adoption pathway: the decision, the match, the adopters (AD1, PlacedAdoption)."""

    decision: date
    matched: date | None
    adopters: int
    adopters_sex: str
    adopters_status: str
    former_foster_carers: bool


@dataclass
class SocialWorkerEpisode:
    worker: str
    start: date
    end: date | None
    reason: str


@dataclass
class LookedAfterChild:
    local_id: str
    birth: date
    sex: str
    ethnicity: str
    episodes: list[CareEpisode] = field(default_factory=list)
    care_leaver: bool = False
    # Per birthday (17 to 21) that falls while the data run: (in touch, activity, accommodation).
    after_care: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    # Unaccompanied asylum-seeking child: the date that status ceases (the 18th birthday).
    uasc_ceased: date | None = None
    adoption: Adoption | None = None
    # Missing (M) or away without authorisation (A): (kind, start, end).
    missing: list[tuple[str, date, date]] = field(default_factory=list)
    social_workers: list[SocialWorkerEpisode] = field(default_factory=list)


@dataclass
class Authority:
    code: str
    population: dict[int, int]
    cin: list[CinChild]
    looked_after: list[LookedAfterChild]


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        x -= weight
        if x <= 0:
            return value
    return table[-1][0]


def _days(rng: random.Random, median: float, sigma: float) -> int:
    return max(1, int(rng.lognormvariate(math.log(median), sigma)))


def weekday_on_or_after(day: date) -> date:
    """Conferences are held on working days (CIN rule 8875): Saturday/Sunday -> Monday."""
    return day + (7 - day.weekday()) % 7 * DAY if day.weekday() >= 5 else day


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


ETHNICITY = (
    ("WBRI", 68),
    ("WOTH", 5),
    ("WIRI", 1),
    ("MWBC", 3),
    ("MOTH", 3),
    ("MWAS", 1),
    ("AIND", 2),
    ("APKN", 3),
    ("ABAN", 1),
    ("AOTH", 2),
    ("BAFR", 4),
    ("BCRB", 2),
    ("BOTH", 1),
    ("CHNE", 0.5),
    ("OOTH", 2),
    ("NOBT", 1.5),
)
REFERRAL_SOURCE = (
    ("6", 30),
    ("2A", 18),
    ("3A", 4),
    ("3B", 3),
    ("3E", 3),
    ("3D", 5),
    ("1A", 7),
    ("1C", 1),
    ("5A", 6),
    ("5B", 4),
    ("5C", 2),
    ("4", 2),
    ("7", 3),
    ("8", 6),
    ("9", 2),
    ("10", 4),
)
NEED = (
    ("N1", 57),
    ("N2", 10),
    ("N3", 4),
    ("N4", 9),
    ("N5", 15),
    ("N6", 2),
    ("N7", 0.5),
    ("N8", 2.5),
)
ABUSE = (("NEG", 50), ("EMO", 38), ("PHY", 6), ("SAB", 4), ("MUL", 2))
AGE_AT_REFERRAL = (
    (0, 12),
    (1, 7),
    (2, 6),
    (3, 6),
    (4, 6),
    (5, 6),
    (6, 5),
    (7, 5),
    (8, 5),
    (9, 5),
    (10, 5),
    (11, 5),
    (12, 5),
    (13, 6),
    (14, 6),
    (15, 6),
    (16, 5),
    (17, 4),
)


class CinSimulation:
    """Referrals arrive as new children; each episode may lead to another referral later."""

    def __init__(
        self, rng: random.Random, la: str, start: date, end: date, referrals_a_year: float
    ):
        self.rng = rng
        self.la = la
        self.start = start
        self.end = end
        # About 1.45 referrals per child over the run; new children arrive at the rest.
        self.new_children_a_day = referrals_a_year / 1.45 / 365.25
        self.serial = 0

    def run(self) -> list[CinChild]:
        rng = self.rng
        children: list[CinChild] = []
        day = self.start
        span = (self.end - self.start).days
        arrivals = sorted(rng.randrange(span) for _ in range(int(self.new_children_a_day * span)))
        for offset in arrivals:
            day = self.start + offset * DAY
            children.append(self._child(day))
        return children

    def _child(self, first_referral: date) -> CinChild:
        rng = self.rng
        self.serial += 1
        age = int(_pick(rng, tuple((str(a), w) for a, w in AGE_AT_REFERRAL)))
        birth = first_referral - timedelta(days=age * 365 + rng.randrange(365))
        child = CinChild(
            local_id=f"SYN{self.la}{self.serial:06d}",
            birth=birth,
            sex=rng.choice("12"),
            ethnicity=_pick(rng, ETHNICITY),
        )
        # A few children arrive with a plan from another authority on their record.
        previous_plans = 1 if rng.random() < 0.10 else 0
        referral: date | None = first_referral
        eighteen = _add_years(birth, 18)
        while referral is not None and referral <= self.end and referral < eighteen:
            episode = self._finish(
                self._adult_at(self._episode(referral, previous_plans), eighteen)
            )
            previous_plans += len(episode.protection_plans)
            child.episodes.append(episode)
            referral = self._next_referral(episode)
        return child

    def _episode(self, referral: date, previous_plans: int) -> Episode:
        rng = self.rng
        u = rng.random()
        source = _pick(rng, REFERRAL_SOURCE)
        if u < 0.08:  # no further action at referral
            rng.randint(0, 3)  # keep the random stream as it was
            return Episode(referral, source, "N9", True, referral, "RC7")
        start = referral + rng.randint(0, 5) * DAY
        authorised = start + rng.randint(5, 45) * DAY
        if u < 0.38:  # assessed: not in need; closed when the assessment is authorised
            rng.randint(0, 7)
            return Episode(referral, source, "N0", False, authorised, "RC8", start, authorised)
        episode = Episode(referral, source, _pick(rng, NEED), False, None, None, start, authorised)
        closure = authorised + _days(rng, 200, 0.9) * DAY
        # A child in need without a protection plan has a child in need plan.
        cin_plan = authorised + rng.randint(0, 10) * DAY
        if rng.random() < 0.42:
            episode.need = "N1" if rng.random() < 0.75 else episode.need
            episode.s47_start = referral + rng.randint(0, 20) * DAY
            if rng.random() < 0.55:
                episode.icpc = weekday_on_or_after(episode.s47_start + rng.randint(5, 15) * DAY)
                if rng.random() < 0.72:
                    closure = self._protection_plans(episode, episode.icpc, previous_plans)
        if not episode.protection_plans and cin_plan < closure:
            episode.cin_plan_start = cin_plan
        # The assessment is authorised once the enquiry is under way, so a Section 47 in the
        # return always has its assessment in the return too (2991Q).
        if episode.s47_start is not None:
            authorised = max(authorised, episode.icpc or episode.s47_start)
            episode.assessment_authorised = authorised
            episode.assessment_start = min(start, episode.s47_start)
        # Nothing happens after the case closes (rules 8565, 8867).
        activity = [d for d in (authorised, episode.s47_start, episode.icpc) if d is not None]
        activity += [s for s, _ in episode.more_s47]
        closure = max([closure, *activity])
        episode.closure = closure
        # RC2 (died) would need a PersonDeathDate (8585Q): not simulated.
        episode.closure_reason = _pick(
            rng,
            (("RC7", 80.3), ("RC5", 6), ("RC3", 3), ("RC4", 3), ("RC6", 3), ("RC1", 2)),
        )
        return episode

    @staticmethod
    def _adult_at(episode: Episode, eighteen: date) -> Episode:
        """Children's services end at 18: what would run on closes on the 18th birthday."""
        if episode.closure is not None and episode.closure > eighteen:
            episode.closure = eighteen
            # closed after an assessment that found no need stays RC8 (8873Q)
            episode.closure_reason = "RC8" if episode.need == "N0" else "RC6"
            # what would have happened after the 18th birthday does not (rules 8565, 8867, 4011)
            if episode.assessment_start is not None and episode.assessment_start > eighteen:
                episode.assessment_start = episode.assessment_authorised = None
                # no assessment, so not "closed after assessment" (8825Q)
                episode.closure_reason = "RC6"
            elif (
                episode.assessment_authorised is not None
                and episode.assessment_authorised > eighteen
            ):
                episode.assessment_authorised = eighteen
            if episode.s47_start is not None and episode.s47_start > eighteen:
                episode.s47_start = episode.icpc = None
            elif episode.icpc is not None and episode.icpc > eighteen:
                episode.icpc = None
            episode.more_s47 = [(s, c) for s, c in episode.more_s47 if c < eighteen]
            if episode.cin_plan_start is not None and episode.cin_plan_start >= eighteen:
                episode.cin_plan_start = None
        for plan in episode.protection_plans:
            if plan.end is not None and plan.end > eighteen:
                plan.end = eighteen
        episode.protection_plans = [p for p in episode.protection_plans if p.start < eighteen]
        if episode.icpc is None:
            episode.protection_plans = []
        return episode

    def _protection_plans(self, episode: Episode, start: date, previous: int) -> date:
        rng = self.rng
        length = _days(rng, 270, 0.55)
        end = start + length * DAY
        category = _pick(rng, ABUSE)
        latest = category if rng.random() < 0.85 else _pick(rng, ABUSE)
        episode.protection_plans.append(ProtectionPlan(start, end, category, latest, previous))
        # Now and then a second plan follows within the same episode of need.
        if rng.random() < 0.04:
            again = weekday_on_or_after(end + rng.randint(60, 300) * DAY)
            second_end = again + _days(rng, 240, 0.55) * DAY
            episode.protection_plans.append(
                ProtectionPlan(again, second_end, _pick(rng, ABUSE), category, previous + 1)
            )
            episode.more_s47.append((again - 10 * DAY, again))
            end = second_end
        return end + _days(rng, 100, 0.8) * DAY

    def _finish(self, episode: Episode) -> Episode:
        """Facts after the end of the simulated time are not known yet."""
        end = self.end
        if episode.closure is not None and episode.closure > end:
            episode.closure = None
            episode.closure_reason = None
        for plan in episode.protection_plans:
            if plan.end is not None and plan.end > end:
                plan.end = None
        episode.protection_plans = [p for p in episode.protection_plans if p.start <= end]
        return episode

    def _next_referral(self, episode: Episode) -> date | None:
        rng = self.rng
        chance = 0.45 + (0.2 if episode.protection_plans else 0.0) + (0.05 if episode.nfa else 0.0)
        if episode.closure is None or rng.random() >= chance:
            return None
        gap = _days(rng, 420 if episode.protection_plans else 300, 0.9)
        return max(episode.closure + rng.randint(1, 60) * DAY, episode.referral + gap * DAY)


ENTRY_AGE = (
    (0, 18),
    (1, 4),
    (2, 3.5),
    (3, 3.5),
    (4, 3),
    (5, 3.5),
    (6, 3.5),
    (7, 3.5),
    (8, 3.5),
    (9, 4),
    (10, 5),
    (11, 5.5),
    (12, 6),
    (13, 7),
    (14, 8),
    (15, 7.5),
    (16, 7),
    (17, 4),
)
LEGAL_STATUS = (("C2", 55), ("C1", 20), ("V2", 25))
CARE_NEED = (
    ("N1", 65),
    ("N2", 3),
    ("N3", 3),
    ("N4", 8),
    ("N5", 14),
    ("N6", 1),
    ("N7", 0.2),
    ("N8", 6),
)
# Placements by age (the SSDA903 codes valid in every rule set from 2022-23 to 2026-27; the
# codes whose validity changed between years, H5, P2, Z1 and K3, are not used).
FOSTERING = ("U1", "U2", "U3", "U4", "U5", "U6")
PLACEMENT_YOUNG = (("U1", 8), ("U2", 2), ("U3", 4), ("U4", 58), ("U5", 6), ("U6", 16), ("P1", 4))
PLACEMENT_OLDER = (("U1", 6), ("U2", 2), ("U3", 3), ("U4", 45), ("U5", 5), ("U6", 10), ("K2", 29))
LEFT_AT_18 = (("E5", 40), ("E6", 12), ("E17", 25), ("E13", 8), ("E8", 10), ("E9", 2), ("E7", 3))
LEFT_YOUNGER = (
    ("E4A", 35),
    ("E4B", 3),
    ("E41", 12),
    # special guardianship / child arrangements orders to others than former foster carers
    # (E43/E44 are no longer valid codes: 903 rule 149); adoption (E11, E12) only at the end
    # of the adoption pathway
    ("E47", 8),
    ("E48", 6),
    ("E8", 14),
    ("E3", 6),
    ("E16", 2),
)
# Postcodes are placement addresses in SSDA903, and the validator derives the placement's
# authority and distance from the ONS postcode directory (rules 169, 179, 392a-d, 1015): real
# postcodes from that public directory, assigned at random, describe no child or carer.
# Synthetic authorities are placed in Richmond upon Thames (E09000027, SYNTHETIC_LA_ONS in
# statutory/validation.py): IN_AREA are postcodes there, OUT_OF_AREA in neighbouring areas.
IN_AREA = (
    "KT1 1DZ", "SW13 0QA", "SW13 9NF", "SW14 7QW", "SW14 8TF", "TW10 6BA", "TW10 6YG",
    "TW11 0AG", "TW11 1DU", "TW11 8UW", "TW11 9TX", "TW12 1AG", "TW12 2DW", "TW12 3BT",
    "TW1 2DT", "TW1 3ER", "TW1 4JS", "TW1 9LQ", "TW2 5XP", "TW2 7BU", "TW4 5PL", "TW9 1UN",
    "TW9 2SS", "TW9 3XD",
)  # fmt: skip
OUT_OF_AREA = (
    "KT10 0AA", "KT11 3NL", "KT12 5HG", "KT13 9HB", "KT15 2JW", "KT17 1JJ", "KT18 7JE",
    "KT20 5LF", "KT22 0YT", "KT23 4SJ", "KT3 3EX", "KT4 8WT", "KT6 7RB", "KT9 1NF", "SE1 9PN",
    "SM1 1TR", "SM2 6BX", "SM5 3HU", "SM7 1BP", "SW16 3YT", "SW2 3YH", "SW4 6WG", "SW8 4FA",
    "SW9 9EB",
)  # fmt: skip
SW_CHANGE = (("MANAGE", 30), ("LEFTRL", 35), ("ORGRST", 10), ("CHCHAN", 15), ("OTHERS", 10))
CHANGE_REASON = (
    ("CARPL", 20),
    ("CHILD", 15),
    ("LAREQ", 25),
    ("PLACE", 15),
    ("STAND", 5),
    ("CLOSE", 5),
    ("APPRR", 5),
    ("OTHER", 10),
)
IN_TOUCH = (("YES", 89.5), ("NO", 4), ("REFU", 2.5), ("NREQ", 2.5), ("RHOM", 1.2), ("DIED", 0.3))
ACTIVITY = (
    ("F1", 7),
    ("P1", 1),
    ("F2", 17),
    ("P2", 3),
    ("F4", 4),
    ("P4", 1),
    ("F5", 20),
    ("P5", 9),
    ("G4", 10),
    ("G5", 21),
    ("G6", 7),
)
ACCOMMODATION = (
    ("U", 35),
    ("D", 15),
    ("Z", 8),
    ("B", 12),
    ("E", 5),
    ("K", 5),
    ("T", 3),
    ("S", 2),
    ("X", 2),
    ("Y", 3),
    ("C", 3),
    ("V", 2),
    ("W", 1),
    ("G", 1),
    ("R", 3),
)


class CareSimulation:
    """Periods of care and, for those who leave care as young adults, life after care.

    Episodes change one thing at a time, as the SSDA903 reason for a new episode says
    (rules 434-436): ``P`` a new placement under the same legal status, ``L`` a new legal
    status in the same placement. Babies may follow the adoption pathway: interim care
    order, care order, placement order (E1), placed for adoption (A5/A6), adopted (E11/E12).
    """

    def __init__(self, rng: random.Random, la: str, start: date, end: date, entries_a_year: float):
        self.rng = rng
        self.la = la
        self.start = start
        self.end = end
        self.entries_a_day = entries_a_year / 365.25
        self.serial = 500_000  # above every id the CIN simulation hands out
        self.workers = [f"SW{la}{n:04d}" for n in range(1, 41)]

    def run(self, first_output_year: int) -> list[LookedAfterChild]:
        rng = self.rng
        span = (self.end - self.start).days
        days = sorted(rng.randrange(span) for _ in range(int(self.entries_a_day * span)))
        children = [self._child(self.start + d * DAY, first_output_year) for d in days]
        return children

    def _child(self, entry: date, first_output_year: int) -> LookedAfterChild:
        rng = self.rng
        self.serial += 1
        age = int(_pick(rng, tuple((str(a), w) for a, w in ENTRY_AGE)))
        birth = entry - timedelta(days=age * 365 + rng.randrange(365))
        child = LookedAfterChild(
            f"SYN{self.la}{self.serial:06d}", birth, rng.choice("12"), _pick(rng, ETHNICITY)
        )
        eighteen = _add_years(birth, 18)
        fourteen = _add_years(birth, 14)
        if age <= 1 and rng.random() < 0.45:
            leave, reason = self._adoption(child, entry)
        else:
            stays_to_eighteen = age >= 13 and rng.random() < 0.7
            leave = (
                eighteen if stays_to_eighteen else min(eighteen, entry + _days(rng, 450, 1.0) * DAY)
            )
            reason = _pick(rng, LEFT_AT_18 if leave >= eighteen else LEFT_YOUNGER)
            if age >= 16 and rng.random() < 0.2:
                child.uasc_ceased = eighteen
            self._episodes(child, entry, leave, reason)
            if child.uasc_ceased is not None:
                # no home postcode, so no placement distance, for (former) UASC (rule 406)
                for episode in child.episodes:
                    episode.home_post = ""
        self._social_workers(child, entry, leave)
        self._missing(child)
        # Care leavers: looked after 13 weeks or more after their 14th birthday, leaving at
        # 16+, not adopted or moved to another authority (903 rules 1000-1002, 1011).
        after_fourteen = (leave - max(entry, fourteen)).days
        child.care_leaver = (
            leave >= _add_years(birth, 16)
            and after_fourteen >= 91
            and reason not in ("E3", "E11", "E12")
        )
        if child.care_leaver and leave <= self.end:
            self._after_care(child, leave, first_output_year)
        return child

    def _home(self) -> str:
        return self.rng.choice(IN_AREA if self.rng.random() < 0.85 else OUT_OF_AREA)

    def _urn(self) -> str:
        return f"SC{self.rng.randrange(100_000, 1_000_000)}"

    def _placement(self, age: float, legal: str, home: str) -> tuple[str, str, str, str]:
        """A new placement: (code, provider, postcode, URN)."""
        rng = self.rng
        place = _pick(rng, PLACEMENT_YOUNG if age < 10 else PLACEMENT_OLDER)
        if place == "P1" and legal == "V2":
            place = "U4"
        if place == "P1":  # placed with parents: at home, no provider (527-529, 392d)
            return place, "PR0", home, ""
        # family and friends are the authority's own carers; others its own or agencies'
        family = place in ("U1", "U2", "U3")
        provider = "PR1" if family or rng.random() < 0.55 else "PR4"
        # own provision other than fostering is in the authority's area (1015)
        in_area = place not in FOSTERING and provider == "PR1"
        pool = IN_AREA if in_area or rng.random() < 0.6 else OUT_OF_AREA
        post = rng.choice([p for p in pool if p != home])
        return place, provider, post, self._urn()

    def _known(self, day: date) -> date | None:
        return day if day <= self.end else None

    def _episodes(self, child: LookedAfterChild, entry: date, leave: date, reason: str) -> None:
        rng = self.rng
        years = max((leave - entry).days, 1) / 365.25
        changes = min(int(rng.expovariate(1 / max(years * 0.6, 0.01))), 12)
        cut_days = sorted({rng.randrange(1, max((leave - entry).days, 2)) for _ in range(changes)})
        starts = [entry] + [entry + d * DAY for d in cut_days if entry + d * DAY < leave]
        legal = _pick(rng, LEGAL_STATUS)
        need = _pick(rng, CARE_NEED)
        home = self._home()
        placement = self._placement((entry - child.birth).days / 365.25, legal, home)
        for i, start in enumerate(starts):
            if start > self.end:
                break
            last = i == len(starts) - 1
            end = leave if last else starts[i + 1]
            new_reason = "S"
            if i > 0:
                if legal in ("C1", "V2") and rng.random() < 0.3:
                    new_reason, legal = "L", "C2"  # a care order: same placement
                else:
                    new_reason = "P"
                    age_now = (start - child.birth).days / 365.25
                    previous = placement
                    while placement[:3] == previous[:3]:
                        placement = self._placement(age_now, legal, home)
            self._add(child, start, end, leave, new_reason, legal, need, placement, home, reason)

    def _add(
        self,
        child: LookedAfterChild,
        start: date,
        end: date,
        leave: date,
        new_reason: str,
        legal: str,
        need: str,
        placement: tuple[str, str, str, str],
        home: str,
        reason: str,
    ) -> None:
        last = end == leave
        known = end <= self.end
        child.episodes.append(
            CareEpisode(
                start=start,
                end=end if known else None,
                reason_new=new_reason,
                legal_status=legal,
                need=need,
                placement=placement[0],
                provider=placement[1],
                reason_end=(reason if last else "X1") if known else None,
                reason_change=None,
                home_post=home,
                pl_post=placement[2],
                urn=placement[3],
            )
        )
        # the reason for a change of placement belongs to the episode that ends with it
        if len(child.episodes) > 1:
            before = child.episodes[-2]
            if new_reason in ("P", "T") and before.end is not None:  # rule 225
                before.reason_change = _pick(self.rng, CHANGE_REASON)

    def _adoption(self, child: LookedAfterChild, entry: date) -> tuple[date, str]:
        """Interim care order, care order, placement order, placed for adoption, adopted."""
        rng = self.rng
        need = _pick(rng, CARE_NEED)
        home = self._home()
        foster = self._placement(0, "C1", home)
        while foster[0] not in FOSTERING:
            foster = self._placement(0, "C1", home)
        order = entry + rng.randint(90, 200) * DAY
        decision = order + rng.randint(10, 40) * DAY
        placement_order = decision + rng.randint(30, 120) * DAY
        placed = placement_order + rng.randint(30, 120) * DAY
        matched = placed - rng.randint(7, 25) * DAY
        leave = placed + rng.randint(180, 400) * DAY
        reason = "E11" if rng.random() < 0.8 else "E12"
        with_carers = rng.random() < 0.25
        if with_carers:  # placed for adoption with the current foster carers: T (rule 217)
            adoptive = ("A5", foster[1], foster[2], foster[3])
        else:  # placed with adopters who did not foster the child
            adoptive = ("A6", "PR1" if rng.random() < 0.6 else "PR4", "", self._urn())
            pool = IN_AREA if rng.random() < 0.5 else OUT_OF_AREA
            post = rng.choice([p for p in pool if p not in (home, foster[2])])
            adoptive = (adoptive[0], adoptive[1], post, adoptive[3])
        # Legal status of adopters (AD1 rules 511-524): L0 single; L11 / L12 married couple of
        # different / the same gender; L2 civil partners; L3 / L4 unmarried couple of
        # different / the same gender.
        if rng.random() < 0.15:
            adopters, sex, status = 1, rng.choice(("F1", "M1")), "L0"
        elif rng.random() < 0.85:
            adopters, sex, status = 2, "MF", _pick(rng, (("L11", 80), ("L3", 20)))
        else:
            adopters, sex = 2, rng.choice(("FF", "MM"))
            status = _pick(rng, (("L12", 40), ("L2", 40), ("L4", 20)))
        child.adoption = Adoption(
            decision=decision,
            matched=matched,
            adopters=adopters,
            adopters_sex=sex,
            adopters_status=status,
            former_foster_carers=with_carers,
        )
        steps = (
            (entry, order, "S", "C1", foster),
            (order, placement_order, "L", "C2", foster),
            (placement_order, placed, "L", "E1", foster),
            (placed, leave, "T" if with_carers else "P", "E1", adoptive),
        )
        for start, end, new_reason, legal, placement in steps:
            if start > self.end:
                break
            self._add(child, start, end, leave, new_reason, legal, need, placement, home, reason)
        return leave, reason

    def _social_workers(self, child: LookedAfterChild, entry: date, leave: date) -> None:
        """A social worker from the day care starts; now and then a new one.

        The child's latest social worker episode stays open, even after care ends
        (903 rules SW12, SW17).
        """
        rng = self.rng
        start, reason = entry, "FCONTA"
        while True:
            change = start + _days(rng, 300, 0.7) * DAY
            if change.month == 3 and change.day >= 25:
                # not in the return's last days: the validator looks for the successor in the
                # same return (SW11b)
                change = date(change.year, 4, 1)
            if change >= min(leave, self.end) or change - start < 7 * DAY:
                child.social_workers.append(
                    SocialWorkerEpisode(rng.choice(self.workers), start, None, reason)
                )
                return
            child.social_workers.append(
                SocialWorkerEpisode(rng.choice(self.workers), start, change, reason)
            )
            start, reason = change, _pick(rng, SW_CHANGE)

    def _missing(self, child: LookedAfterChild) -> None:
        """A few older children go missing (M) or are away without authorisation (A)."""
        rng = self.rng
        for episode in child.episodes:
            age = (episode.start - child.birth).days / 365.25
            end = episode.end or self.end
            if age < 11 or (end - episode.start).days < 20 or rng.random() >= 0.12:
                continue
            start = episode.start + rng.randint(1, (end - episode.start).days - 10) * DAY
            back = start + rng.randint(1, 4) * DAY
            child.missing.append(("M" if rng.random() < 0.8 else "A", start, back))

    def _after_care(self, child: LookedAfterChild, leave: date, first_output_year: int) -> None:
        rng = self.rng
        leaning = rng.gauss(0, 0.8)  # some young people do better than others, year after year
        for age in range(17, 22):
            birthday = _add_years(child.birth, age)
            # none for a birthday on or before the day care ended (903 rule 1016)
            if birthday > self.end or birthday <= leave or birthday.year < first_output_year - 2:
                continue
            in_touch = _pick(rng, IN_TOUCH)
            if in_touch == "DIED":
                child.after_care[age] = ("DIED", "0", "0")
                break
            if in_touch != "YES":
                child.after_care[age] = (in_touch, "0", "0")
                continue
            activity = _pick(rng, ACTIVITY)
            if activity.startswith("G") and rng.random() < 0.25 * max(leaning, 0):
                activity = _pick(rng, ACTIVITY[:8])
            kind = _pick(rng, ACCOMMODATION)
            if kind == "Z" and age == 17:  # former foster carers only from 18 (rule 3001)
                kind = "U"
            suitable = rng.random() < 0.9
            # S and X are only ever "unsuitable" (903 rule 133: S1 and X1 are not codes)
            accommodation = kind + ("1" if suitable and kind not in ("S", "X") else "2")
            child.after_care[age] = ("YES", activity, accommodation)
