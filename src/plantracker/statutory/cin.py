"""Streaming reader of the children in need (CIN) census XML.

Layout (DfE, "Children in need census: specification"): ``Message`` holding ``Header``
(``CollectionDetails`` with ``Collection``, ``Year``, ``ReferenceDate``; ``Source`` with
``LEA``) and ``Children``, one ``Child`` each with ``ChildIdentifiers``,
``ChildCharacteristics`` and one ``CINdetails`` per episode of need (``Assessments``,
``CINPlanDates``, ``Section47``, ``ChildProtectionPlans`` inside it).

The file is parsed with lxml's iterparse and every ``Child`` is cleared once read, so
memory stays flat whatever the file size. Only what the indicators need is kept: the
pseudonymous child key, the month of birth, and the episode, assessment, section 47 and
plan dates and codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from plantracker.statutory.batch import Batch
from plantracker.statutory.errors import Problem, StatutoryError, redact
from plantracker.statutory.pseudonym import Pseudonymiser
from plantracker.statutory.values import count, iso_date, xml_boolean

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class CinHeader:
    la: str
    year: int
    reference_date: date


class CinBatches:
    """The five tables one CIN census file fills."""

    def __init__(self) -> None:
        self.child = Batch("cin_child", ("child", "birth_month"), dates=("birth_month",))
        self.referral = Batch(
            "cin_referral",
            (
                "child",
                "referral_date",
                "referral_source",
                "primary_need",
                "closure_date",
                "closure_reason",
                "referral_nfa",
            ),
            dates=("referral_date", "closure_date"),
        )
        self.assessment = Batch(
            "cin_assessment",
            ("child", "referral_date", "start_date", "authorised_date"),
            dates=("referral_date", "start_date", "authorised_date"),
        )
        self.section47 = Batch(
            "cin_section47",
            ("child", "referral_date", "start_date", "icpc_date"),
            dates=("referral_date", "start_date", "icpc_date"),
        )
        self.plan = Batch(
            "cp_plan",
            (
                "child",
                "referral_date",
                "start_date",
                "end_date",
                "initial_category",
                "latest_category",
                "previous_plans",
            ),
            dates=("referral_date", "start_date", "end_date"),
        )

    def all(self) -> tuple[Batch, ...]:
        return (self.child, self.referral, self.assessment, self.section47, self.plan)


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, line: int | None, element: str, message: str) -> None:
        self.found.append(Problem(self.file, message, line, element))
        if len(self.found) >= MAX_PROBLEMS:
            self.found.append(Problem(self.file, f"stopped after {MAX_PROBLEMS} problems"))
            raise StatutoryError(self.found)


class CinReader:
    """Reads one CIN census file into column batches (``read``), streaming.

    ``read()`` raises StatutoryError naming file, line and element for anything malformed;
    the caller loads nothing of a file that raised. The rows of a whole file are returned
    together (a few hundred bytes each), so a file is validated before any of it is stored.
    """

    def __init__(self, path: Path, pseudonymise: Pseudonymiser) -> None:
        self.path = path
        self.name = str(path)
        self.pseudonymise = pseudonymise
        self.problems = _Problems(self.name)
        self.header: CinHeader | None = None
        self.children = 0
        self._valid_dates: set[str] = set()

    def read(self) -> CinBatches:
        with open(self.path, "rb") as handle:
            return self._read(handle)

    def _read(self, handle: BinaryIO) -> CinBatches:
        batches = CinBatches()
        context = etree.iterparse(
            handle,
            events=("end",),
            tag=("Header", "Child"),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        )
        try:
            for _, el in context:
                if el.tag == "Child":
                    if self.header is None:
                        self._no_header(el)
                    self._child(el, batches)
                    self.children += 1
                    # Free what has been read: this element and the siblings before it.
                    el.clear(keep_tail=False)
                    parent = el.getparent()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
                else:
                    self._header(el)
        except etree.XMLSyntaxError as exc:
            line, message = exc.lineno, exc.msg
            last = exc.error_log.last_error
            if not line and last is not None:
                # iterparse sometimes reports a generic "no element found" at line 0; the
                # parser's own log holds the real error and its place.
                line, message = last.line, last.message
            message = redact(message or "not well-formed")
            self.problems.found.append(
                Problem(self.name, f"the XML is not well-formed: {message}", line or None)
            )
            raise StatutoryError(self.problems.found) from None
        if self.header is None:
            self.problems.add(None, "Message/Header", "no Header: this is not a CIN census file")
        self._check()
        return batches

    def _check(self) -> None:
        if self.problems.found:
            raise StatutoryError(self.problems.found)

    def _no_header(self, child: etree._Element) -> None:
        root = child.getroottree().getroot()
        if root.tag != "Message":
            self.problems.add(
                1, str(root.tag), "the root element is not Message: not a CIN census file"
            )
        self.problems.add(
            child.sourceline, "Child", "Child before the Header: Header must come first"
        )
        self._check()

    def _header(self, el: etree._Element) -> None:
        root = el.getroottree().getroot()
        if root.tag != "Message":
            self.problems.add(
                1, str(root.tag), "the root element is not Message: not a CIN census file"
            )
            self._check()
        where = "Header/CollectionDetails"
        details = el.find("CollectionDetails")
        source = el.find("Source")
        if details is None:
            self.problems.add(el.sourceline, where, "missing")
            self._check()
            return
        collection = details.findtext("Collection", "").strip()
        if collection.upper() != "CIN":
            self.problems.add(
                details.sourceline, f"{where}/Collection", "is not CIN: not a CIN census file"
            )
        year_text = details.findtext("Year", "").strip()
        year = int(year_text) if len(year_text) == 4 and year_text.isdigit() else None
        if year is None:
            self.problems.add(
                details.sourceline, f"{where}/Year", "missing or not a four-digit year"
            )
        reference = iso_date(details.findtext("ReferenceDate", "").strip())
        if reference is None:
            self.problems.add(
                details.sourceline, f"{where}/ReferenceDate", "missing or not a date (YYYY-MM-DD)"
            )
        lea = "" if source is None else source.findtext("LEA", "").strip()
        if not (len(lea) == 3 and lea.isdigit()):
            line = el.sourceline if source is None else source.sourceline
            self.problems.add(
                line, "Header/Source/LEA", "missing or not a three-digit authority code"
            )
        self._check()
        assert year is not None and reference is not None
        self.header = CinHeader(la=lea, year=year, reference_date=reference)

    def _date(self, el: etree._Element, path: str) -> str | None:
        """The element's text if it is a date (YYYY-MM-DD), else None and a problem.

        Dates are kept as validated text and cast by DuckDB; a set of texts already seen
        spares re-parsing the few thousand distinct dates a file holds.
        """
        text = el.text
        if text in self._valid_dates:
            return text
        text = (text or "").strip()
        if iso_date(text) is None:
            self.problems.add(el.sourceline, path, "not a date (YYYY-MM-DD)")
            return None
        self._valid_dates.add(text)
        return text

    def _optional_date(self, el: etree._Element, path: str) -> str | None:
        """As ``_date``, but an empty element is no date rather than a problem."""
        text = el.text
        if text in self._valid_dates:
            return text
        if not (text or "").strip():
            return None
        return self._date(el, path)

    def _child(self, child: etree._Element, b: CinBatches) -> None:
        assert self.header is not None
        local_id = ""
        birth: str | None = None
        episodes: list[etree._Element] = []
        for part in child:
            tag = part.tag
            if tag == "CINdetails":
                episodes.append(part)
            elif tag == "ChildIdentifiers":
                for field in part:
                    ftag = field.tag
                    if ftag == "LAchildID":
                        local_id = (field.text or "").strip()
                    elif ftag == "PersonBirthDate":
                        birth = self._optional_date(field, "Child/ChildIdentifiers/PersonBirthDate")
        if not local_id:
            self.problems.add(child.sourceline, "Child/ChildIdentifiers/LAchildID", "missing")
            return
        key = self.pseudonymise(self.header.la, local_id)
        b.child.data[0].append(key)
        # The store keeps the month of birth only.
        b.child.data[1].append(None if birth is None else birth[:8] + "01")
        for episode in episodes:
            self._episode(episode, key, b)

    def _episode(self, ep: etree._Element, key: int, b: CinBatches) -> None:
        referral = closure = None
        source = need = reason = None
        nfa: bool | None = None
        assessments: list[etree._Element] = []
        enquiries: list[etree._Element] = []
        plans: list[etree._Element] = []
        seen_referral = False
        for field in ep:
            tag = field.tag
            if tag == "CINreferralDate":
                seen_referral = True
                referral = self._date(field, "CINdetails/CINreferralDate")
            elif tag == "ChildProtectionPlans":
                plans.append(field)
            elif tag == "Assessments":
                assessments.append(field)
            elif tag == "Section47":
                enquiries.append(field)
            elif tag == "CINclosureDate":
                closure = self._optional_date(field, "CINdetails/CINclosureDate")
            elif tag == "ReferralSource":
                source = (field.text or "").strip() or None
            elif tag == "PrimaryNeedCode":
                need = (field.text or "").strip() or None
            elif tag == "ReasonForClosure":
                reason = (field.text or "").strip() or None
            elif tag == "ReferralNFA":
                text = (field.text or "").strip()
                if text:
                    nfa = xml_boolean(text)
                    if nfa is None:
                        self.problems.add(
                            field.sourceline, "CINdetails/ReferralNFA", "not true/false (or 1/0)"
                        )
        if referral is None:
            if not seen_referral:
                self.problems.add(ep.sourceline, "CINdetails/CINreferralDate", "missing")
            return
        # ISO dates compare correctly as text.
        if closure is not None and closure < referral:
            self.problems.add(
                ep.sourceline, "CINdetails/CINclosureDate", "before the CINreferralDate"
            )
        r = b.referral.data
        r[0].append(key)
        r[1].append(referral)
        r[2].append(source)
        r[3].append(need)
        r[4].append(closure)
        r[5].append(reason)
        r[6].append(nfa)
        for el in assessments:
            start = authorised = None
            for field in el:
                ftag = field.tag
                if ftag == "AssessmentActualStartDate":
                    start = self._optional_date(field, "Assessments/AssessmentActualStartDate")
                elif ftag == "AssessmentAuthorisationDate":
                    authorised = self._optional_date(
                        field, "Assessments/AssessmentAuthorisationDate"
                    )
            a = b.assessment.data
            a[0].append(key)
            a[1].append(referral)
            a[2].append(start)
            a[3].append(authorised)
        for el in enquiries:
            start = icpc = None
            for field in el:
                ftag = field.tag
                if ftag == "S47ActualStartDate":
                    start = self._optional_date(field, "Section47/S47ActualStartDate")
                elif ftag == "DateOfInitialCPC":
                    icpc = self._optional_date(field, "Section47/DateOfInitialCPC")
            s47 = b.section47.data
            s47[0].append(key)
            s47[1].append(referral)
            s47[2].append(start)
            s47[3].append(icpc)
        for el in plans:
            self._plan(el, key, referral, b)

    def _plan(self, el: etree._Element, key: int, referral: str, b: CinBatches) -> None:
        start = end = None
        initial = latest = None
        previous: int | None = None
        seen_start = False
        for field in el:
            tag = field.tag
            if tag == "CPPstartDate":
                seen_start = True
                start = self._date(field, "ChildProtectionPlans/CPPstartDate")
            elif tag == "CPPendDate":
                end = self._optional_date(field, "ChildProtectionPlans/CPPendDate")
            elif tag == "InitialCategoryOfAbuse":
                initial = (field.text or "").strip() or None
            elif tag == "LatestCategoryOfAbuse":
                latest = (field.text or "").strip() or None
            elif tag == "NumberOfPreviousCPP":
                text = (field.text or "").strip()
                if text:
                    previous = count(text)
                    if previous is None:
                        self.problems.add(
                            field.sourceline,
                            "ChildProtectionPlans/NumberOfPreviousCPP",
                            "not a whole number",
                        )
        if start is None:
            if not seen_start:
                self.problems.add(el.sourceline, "ChildProtectionPlans/CPPstartDate", "missing")
            return
        if end is not None and end < start:
            self.problems.add(
                el.sourceline, "ChildProtectionPlans/CPPendDate", "before the CPPstartDate"
            )
        p = b.plan.data
        p[0].append(key)
        p[1].append(referral)
        p[2].append(start)
        p[3].append(end)
        p[4].append(initial)
        p[5].append(latest)
        p[6].append(previous)
