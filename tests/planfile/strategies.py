"""hypothesis strategies for valid domain plans, including awkward text and numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st

from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    Comparators,
    Contact,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Narrative,
    Period,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    Rules,
    Status,
    Target,
    Unit,
    Update,
)

# Text YAML would read as something else unless the writer quotes it.
AWKWARD = [
    "1.10",
    "yes",
    "no",
    "null",
    "~",
    "true",
    "2019-01-01",
    "0x1F",
    "1e3",
    ".inf",
    "-",
    "- a",
    "a: b",
    "a #b",
    "#x",
    " leading",
    "trailing ",
    "'quoted'",
    '"double"',
    "@at",
    "`tick`",
    "line\nbreak",
    "tab\there",
    "back\\slash",
    "{flow}",
    "[list]",
    "a, b",
    "*star",
    "&amp",
    "!bang",
    "|pipe",
    ">fold",
    "%pct",
    "?q",
    ":colon",
    "Q1 April – June 2018",
    "emoji 🙂",
    "\u2028sep",
    "nel\x85",
    "bell\x07",
    "bom\ufeff",
    "<<",
    "=",
    "...",
    "---",
]
TEXT = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(
        st.characters(blacklist_categories=("Cs",)),  # lone surrogates cannot be UTF-8
        min_size=1,
        max_size=30,
    ),
)
REQUIRED_TEXT = TEXT.filter(lambda text: text.strip() != "")
# Period ids and refs: one line, no spaces around them.
IDENTIFIER = REQUIRED_TEXT.filter(lambda text: text == text.strip() and not set(text) & set("\r\n"))
OPTIONAL_TEXT = st.none() | TEXT
# What ``statutory apply`` marks a computed value with; some need quoting in a flow mapping.
COMPUTED_FROM = st.none() | st.sampled_from(
    [
        "care_leavers_eet",
        "cin_rereferrals",
        "a, b",
        "{x}",
        " spaced ",
        "cp_rate; 4210 children, 37 with errors",
    ]
).map(lambda indicator: f"statutory:{indicator}")
NUMBER = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(-(10**12), 10**12),
    st.integers(-6, 4),
)
NON_NEGATIVE = NUMBER.map(abs)
STATUS = st.sampled_from(list(Status))
EMAIL = st.sampled_from(["improvement@example.org", "a.b+c@council.example.gov.uk"])
# Glossary terms: start and end with a letter or digit, one line (docs/plan-file.md#glossary);
# "yes", "null" and "1" must stay text through YAML and the workbook.
TERM = st.one_of(
    st.sampled_from(["CSE", "yes", "null", "1", "Signs of Safety", "DfE", "A&E", "É"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .'-]{0,8}[A-Za-z0-9]", fullmatch=True),
)


@st.composite
def periods(draw: Any) -> tuple[Period, ...]:
    count = draw(st.integers(1, 5))
    ids = draw(st.lists(IDENTIFIER, min_size=count, max_size=count, unique=True))
    start = draw(st.dates(date(2000, 1, 1), date(2030, 1, 1)))
    result = []
    for period_id in ids:
        end = start + timedelta(days=draw(st.integers(0, 120)))
        result.append(
            Period(
                id=period_id,
                label=draw(REQUIRED_TEXT),
                start=start,
                end=end,
                scrutiny=draw(st.none() | st.dates()),
                due=draw(st.none() | st.dates()),
                short_label=draw(st.none() | st.sampled_from(["Q1 18/19", "Jun", "2019 T3"])),
            )
        )
        start = end + timedelta(days=1)
    return tuple(result)


def period_map(draw: Any, ids: list[str], values: st.SearchStrategy[Any]) -> MappingProxyType:
    chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    return MappingProxyType({period_id: draw(values) for period_id in chosen})


def item_fields(draw: Any, ref: str, ids: list[str]) -> dict[str, Any]:
    bounds = sorted(draw(st.lists(st.integers(0, len(ids) - 1), min_size=2, max_size=2)))
    use_from, use_until = draw(st.booleans()), draw(st.booleans())
    return {
        "ref": ref,
        "title": draw(REQUIRED_TEXT),
        "owner": draw(OPTIONAL_TEXT),
        "from_period": ids[bounds[0]] if use_from else None,
        "until_period": ids[bounds[1]] if use_until else None,
        "expected": draw(st.none() | st.lists(st.sampled_from(ids), unique=True).map(tuple)),
    }


UPDATE = st.builds(Update, status=STATUS, commentary=OPTIONAL_TEXT)


@st.composite
def kpis(draw: Any, ref: str, ids: list[str]) -> Kpi:
    aim = draw(st.sampled_from(list(Aim)))
    better = draw(
        st.sampled_from(list(Better))
        if aim is Aim.MAINTAIN
        else st.none() | st.sampled_from(list(Better))
    )
    tolerance = draw(st.none() | NON_NEGATIVE)
    points = None if tolerance is not None else draw(st.none() | NON_NEGATIVE)
    return Kpi(
        **item_fields(draw, ref, ids),
        aim=aim,
        better=better,
        unit=draw(st.sampled_from(list(Unit))),
        baseline=draw(
            st.none()
            | st.builds(
                Baseline,
                label=OPTIONAL_TEXT,
                value=st.none() | NUMBER,
                display=OPTIONAL_TEXT,
                status=st.none() | STATUS,
            )
        ),
        target=draw(
            st.none()
            | st.builds(
                Target,
                label=OPTIONAL_TEXT,
                date=st.none() | st.dates(),
                value=st.none() | NUMBER,
                display=OPTIONAL_TEXT,
            )
        ),
        targets=period_map(draw, ids, NUMBER),
        tolerance=tolerance,
        tolerance_points=points,
        source=draw(OPTIONAL_TEXT),
        comparators=draw(
            st.none()
            | st.builds(
                Comparators,
                label=REQUIRED_TEXT,
                england=st.none() | NUMBER,
                region=st.none() | NUMBER,
                neighbours=st.none() | NUMBER,
            )
        ),
        values=period_map(
            draw,
            ids,
            st.builds(
                KpiValue,
                value=st.none() | NUMBER,
                display=OPTIONAL_TEXT,
                status=st.none() | STATUS,
                reason=OPTIONAL_TEXT,
                commentary=OPTIONAL_TEXT,
                computed_from=COMPUTED_FROM,
            ),
        ),
    )


@st.composite
def recommendations(draw: Any, number: int, ids: list[str], refs: Any) -> Recommendation:
    def ref() -> str:
        return draw(refs)

    actions = tuple(
        Action(
            **item_fields(draw, ref(), ids),
            due=draw(st.none() | st.dates()),
            updates=period_map(draw, ids, UPDATE),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    measures: dict[str, tuple[Any, ...]] = {}
    for key, kind in (("quality", QualityMeasure), ("feedback", FeedbackMeasure)):
        measures[key] = tuple(
            kind(
                **item_fields(draw, ref(), ids),
                frequency=draw(OPTIONAL_TEXT),
                method=draw(OPTIONAL_TEXT),
                updates=period_map(draw, ids, UPDATE),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
    return Recommendation(
        number=number,
        title=draw(REQUIRED_TEXT),
        aim=draw(REQUIRED_TEXT),
        lead=draw(OPTIONAL_TEXT),
        actions=actions,
        kpis=tuple(draw(kpis(ref(), ids)) for _ in range(draw(st.integers(0, 2)))),
        **measures,
    )


@st.composite
def narratives(draw: Any, numbers: list[int]) -> Narrative:
    texts = st.lists(TEXT, max_size=2).map(tuple)
    boxes = draw(st.dictionaries(st.sampled_from(list(Box)), STATUS))
    reasons = {box: draw(TEXT) for box in boxes if draw(st.booleans())}
    chosen = st.sampled_from(numbers or [0])
    most = 3 if numbers else 0
    return Narrative(
        headlines=draw(texts),
        decisions=draw(texts),
        milestones=draw(texts),
        next_steps=draw(texts),
        committee_recommendations=draw(texts),
        deep_dives=tuple(draw(st.lists(chosen, max_size=most))),
        commentary=MappingProxyType(draw(st.dictionaries(chosen, texts, max_size=most))),
        boxes=MappingProxyType(boxes),
        box_reasons=MappingProxyType(reasons),
    )


@st.composite
def plans(draw: Any) -> Plan:
    plan_periods = draw(periods())
    ids = [period.id for period in plan_periods]
    numbers = draw(st.lists(st.integers(0, 10**6), unique=True, max_size=3))
    used: set[str] = set()
    refs = IDENTIFIER.filter(lambda ref: ref not in used).map(lambda ref: used.add(ref) or ref)
    return Plan(
        title=draw(REQUIRED_TEXT),
        organisation=draw(REQUIRED_TEXT),
        rules=draw(
            st.builds(
                Rules,
                kpi_tolerance=NON_NEGATIVE,
                dot_band=NON_NEGATIVE,
                rollup_green=st.integers(0, 100).map(Decimal),
                rollup_red=st.decimals(0, 100, places=2),
            )
        ),
        periods=plan_periods,
        recommendations=tuple(draw(recommendations(number, ids, refs)) for number in numbers),
        risks=tuple(
            draw(
                st.lists(
                    st.builds(
                        Risk,
                        title=REQUIRED_TEXT,
                        mitigation=REQUIRED_TEXT,
                        owner=OPTIONAL_TEXT,
                        updates=st.builds(lambda: period_map(draw, ids, UPDATE)),
                    ),
                    max_size=2,
                )
            )
        ),
        narrative=MappingProxyType(
            {
                period_id: draw(narratives(numbers))
                for period_id in draw(st.lists(st.sampled_from(ids), unique=True))
            }
        ),
        contact=draw(
            st.none()
            | st.builds(
                Contact,
                name=REQUIRED_TEXT,
                role=st.none() | REQUIRED_TEXT,
                email=st.none() | EMAIL,
            )
        ),
        purpose=draw(st.none() | REQUIRED_TEXT),
        glossary=MappingProxyType(draw(st.dictionaries(TERM, REQUIRED_TEXT, max_size=3))),
        order_note=draw(st.none() | REQUIRED_TEXT),
    )
