"""Plan workbook cells → the neutral ``Node`` tree that ``planfile.build`` validates.

The workbook feeds the same validator as the YAML file (docs/plan-file.md#workbook): this module
only turns cells into scalars and sheets into the file's nesting, each node located at its
cell (``KPI values!D14``) or row (``KPI values row 14``). What only a workbook can get wrong
is refused here: unknown or missing sheets and columns, cells holding Excel errors, formulas
without a saved result, percentages, date-and-time values, rows that link to nothing.

Cells are read by ``cells.CellReader``, within the workbook's size limits.
"""

from __future__ import annotations

import json
from typing import Any

from plantracker.planfile.tree import Node, Shape
from plantracker.planfile.xlsx.cells import CellReader, Entries, Row, line_of
from plantracker.planfile.xlsx.layout import (
    BOXES,
    EMPTY_MAPPING,
    GLOSSARY,
    ITEM_SHEETS,
    KPI_TARGETS,
    KPI_VALUES,
    NARRATIVE,
    NARRATIVE_LISTS,
    PERIODS,
    PLAN,
    RECOMMENDATIONS,
    RISKS,
    SHEETS,
    UPDATES,
    CellKind,
    Sheet,
)


class WorkbookReader(CellReader):
    """Reads one workbook; ``errors`` collects what is wrong, with their positions."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.ref_nodes: dict[str, Node] = {}  # the first Updates cell naming each ref

    def read(self, data: bytes) -> Node:
        """The tree of the workbook in ``data``; raises ``PlanFileError`` if its sheets or
        columns are not the plan workbook's (content errors are left to the validator)."""
        rows = self.read_rows(data)
        if self.structural:
            self.refuse_if_errors()
        return self._tree(rows)

    # -- the tree -----------------------------------------------------------------------

    def _tree(self, rows: dict[str, list[Row]]) -> Node:
        anchor = self._anchor("the workbook", 0)
        plan_rows = rows[PLAN.name]
        top: Entries = []
        if not plan_rows:
            self.error(
                f"{PLAN.name} row 2", "the Plan sheet needs one row under its headings, found none"
            )
            # The validator would add that the format and the plan are missing: the same.
            self.refused.update({(anchor.location, "format"), (anchor.location, "plan")})
        for extra in plan_rows[1:]:
            self.error(extra.location, "the Plan sheet holds one row; this is a second one")
        if plan_rows:
            header = plan_rows[0]
            plan = self._fields(header, PLAN, skip=("format",))
            if "Format" in header.cells:
                top.append((self.key("format", header.cells["Format"]), header.cells["Format"]))
            plan_node = self._nest(plan, header)
            glossary = self._glossary(rows[GLOSSARY.name])
            if glossary is not None:
                plan_node = self.mapping([*plan_node.entries, glossary], header)
            top.append((self.key("plan", self.mapping([], header)), plan_node))
        periods = [self._nest(self._fields(r, PERIODS), r) for r in rows[PERIODS.name]]
        at = self._anchor(f"{PERIODS.name} sheet", SHEETS.index(PERIODS))
        top.append((self.key("periods", self.mapping([], at)), self.sequence(periods, at)))
        updates = self._updates(rows)
        top.append(
            (
                self.key("recommendations", self.mapping([], anchor)),
                self._recommendations(rows, updates),
            )
        )
        risks = []
        for row in rows[RISKS.name]:
            entries = self._fields(row, RISKS)
            ref = row.text("Ref")
            if ref is not None and ref in updates:
                entries.append(self._keyed("updates", updates.pop(ref), row))
            risks.append(self._nest(entries, row))
        at = self._anchor(f"{RISKS.name} sheet", SHEETS.index(RISKS))
        top.append((self.key("risks", self.mapping([], at)), self.sequence(risks, at)))
        for ref in updates:
            self.error(
                self.ref_nodes[ref].location,
                f"expected the ref of an action, a measure or a risk, found {ref!r}",
            )
        narrative = self._narrative(rows[NARRATIVE.name])
        if narrative:
            top.append(
                (
                    self.key("narrative", self.mapping([], anchor)),
                    Node(Shape.MAPPING, entries=tuple(narrative), location=anchor.location),
                )
            )
        return Node(Shape.MAPPING, entries=tuple(top), location=anchor.location)

    def _glossary(self, rows: list[Row]) -> tuple[Node, Node] | None:
        """The Glossary sheet's rows as the plan's ``glossary`` mapping (term → meaning)."""
        if not rows:
            return None
        pairs: Entries = []
        for row in rows:
            term, meaning = row.get("Term"), row.get("Meaning")
            if term is None or meaning is None:
                continue  # a refused cell, already reported
            pairs.append((term, meaning))
        at = self._anchor(f"{GLOSSARY.name} sheet", SHEETS.index(GLOSSARY))
        return self.key("glossary", self.mapping([], at)), self.mapping(pairs, at)

    def _anchor(self, name: str, order: int) -> Row:
        """A place for what concerns a whole sheet (or the whole workbook)."""
        row = Row(name, 0, line_of(order, 0))
        self._place(row.location, row.position, 0)
        return row

    def _fields(self, row: Row, sheet: Sheet, skip: tuple[str, ...] = ()) -> Entries:
        """The row's cells that hold a plan-file key, as (dotted key, value) entries."""
        entries: Entries = []
        for column in sheet.columns:
            if not column.key or column.yaml_key in skip:
                continue
            node = row.get(column.header)
            if node is None:
                continue
            if column.kind is CellKind.PERIODS:
                node = self._periods(node)
            entries.append((self.key(column.yaml_key, node), node))
        return entries

    def _periods(self, node: Node) -> Node:
        """``2018-19-Q2, 2018-19-Q4`` → a list of period ids; ``[]`` → the empty list."""
        if node.null:
            return node
        text = node.text.strip()
        if text.startswith("["):
            parts = self._json_list(text, node)
            if parts is None:
                return node
        else:
            parts = [part.strip() for part in text.split(",")]
        items = [
            Node(
                Shape.SCALAR,
                text=part,
                null=not part,
                line=node.line,
                column=node.column,
                location=node.location,
            )
            for part in parts
        ]
        return Node(
            Shape.SEQUENCE,
            items=tuple(items),
            line=node.line,
            column=node.column,
            location=node.location,
        )

    def _json_list(self, text: str, node: Node) -> list[str] | None:
        """``[]``, or ids that hold a comma or spaces written as ``["a, b", " c"]``."""
        try:
            parts = json.loads(text)
        except ValueError:
            parts = None
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            self.error(
                node.location,
                'expected period ids separated by commas, or a list written ["id", "id"], '
                f"found {text!r}",
            )
            return None
        return parts

    def _nest(self, entries: Entries, row: Row) -> Node:
        """Dotted keys (``plan.rules.dot_band``, ``baseline.label``) as nested mappings."""
        root: dict[str, Any] = {}
        for key, value in entries:
            parts = key.text.split(".")
            if parts[0] == "plan":
                parts = parts[1:]
            level = root
            for part in parts[:-1]:
                level = level.setdefault(part, {})
            level[parts[-1]] = (key, value)
        return self._mapping_of(root, row)

    def _mapping_of(self, level: dict[str, Any], row: Row) -> Node:
        entries: Entries = []
        for name, content in level.items():
            if isinstance(content, dict):
                entries.append(
                    (self.key(name, self.mapping([], row)), self._part(name, content, row))
                )
            else:
                key, value = content
                entries.append((self.key(name, key), value))
        return self.mapping(entries, row)

    def _part(self, name: str, content: dict[str, Any], row: Row) -> Node:
        label = content.get("label")
        if name in ("baseline", "target") and label is not None:
            node = label[1]
            if not node.null and node.text.strip() == EMPTY_MAPPING:
                others = [k for k in content if k != "label"]
                if not others:
                    return self.mapping([], row)
                self.error(
                    node.location,
                    f"{EMPTY_MAPPING} marks an empty {name}, but the "
                    f"row also gives its {', '.join(others)}",
                )
        return self._mapping_of(content, row)

    # -- recommendations and items ---------------------------------------------------------

    def _recommendations(
        self, rows: dict[str, list[Row]], updates: dict[str, list[tuple[Node, Node]]]
    ) -> Node:
        numbers = [r.text("Number") for r in rows[RECOMMENDATIONS.name]]
        known = [n for n in numbers if n is not None]
        items: dict[str, dict[str, list[Node]]] = {n: {} for n in known}
        kpi_rows = {r.text("Ref"): r for r in rows[ITEM_SHEETS["kpis"].name]}
        values = self._per_kpi(rows[KPI_VALUES.name], "values", kpi_rows, rows)
        targets = self._per_kpi(rows[KPI_TARGETS.name], "targets", kpi_rows, rows)
        for key, sheet in ITEM_SHEETS.items():
            for row in rows[sheet.name]:
                link = row.get("Recommendation")
                if link is None:
                    continue  # refused cell, already reported
                number = None if link.null else link.text
                if number is None or number not in items:
                    found_text = "an empty cell" if number is None else repr(number)
                    self.error(
                        link.location,
                        "expected the number of a recommendation on the Recommendations "
                        f"sheet ({', '.join(known) or 'none'}), found {found_text}",
                    )
                    # Its updates and values go with it, unreported: the error is the link.
                    for table in (updates, values, targets):
                        table.pop(row.text("Ref") or "", None)
                    continue
                entries = self._fields(row, sheet)
                ref = row.text("Ref")
                if key == "kpis":
                    for name, table in (("targets", targets), ("values", values)):
                        if ref in table:
                            entries.append(self._keyed(name, table.pop(ref), row))
                elif ref is not None and ref in updates:
                    entries.append(self._keyed("updates", updates.pop(ref), row))
                items[number].setdefault(key, []).append(self._nest(entries, row))
        result = []
        used: set[str] = set()
        for row, number in zip(rows[RECOMMENDATIONS.name], numbers, strict=True):
            entries = self._fields(row, RECOMMENDATIONS)
            if number is None or number in used:
                result.append(self.mapping(entries, row))
                continue  # a repeated number: the validator refuses it; items go to the first
            used.add(number)
            for key in ITEM_SHEETS:
                found = items[number].get(key)
                if found:
                    entries.append((self.key(key, found[0]), self.sequence(found, row)))
            result.append(self.mapping(entries, row))
        return self.sequence(
            result, self._anchor(f"{RECOMMENDATIONS.name} sheet", SHEETS.index(RECOMMENDATIONS))
        )

    def _per_kpi(
        self,
        rows: list[Row],
        what: str,
        kpis: dict[str | None, Row],
        sheets: dict[str, list[Row]],
    ) -> dict[str, list[tuple[Node, Node]]]:
        """KPI values or targets by the KPI's ref: (period key, entry) pairs in row order."""
        kinds = {r.text("Ref"): name for name, s in ITEM_SHEETS.items() for r in sheets[s.name]}
        found: dict[str, list[tuple[Node, Node]]] = {}
        sheet = KPI_VALUES if what == "values" else KPI_TARGETS
        for row in rows:
            ref, period = row.text("KPI"), row.get("Period")
            link = row.get("KPI")
            if ref is None or period is None or link is None:
                continue  # the validator reports the empty required cell
            if ref not in kpis:
                kind = kinds.get(ref)
                detail = f"; {ref} is on the {ITEM_SHEETS[kind].name} sheet" if kind else ""
                self.error(
                    link.location,
                    f"expected the ref of a KPI on the KPIs sheet, found {ref!r}{detail}",
                )
                continue
            if what == "targets":
                entry = row.get("Target")
                assert entry is not None
            else:
                entry = self.mapping(self._fields(row, sheet), row)
            found.setdefault(ref, []).append((period, entry))
        return found

    def _updates(self, rows: dict[str, list[Row]]) -> dict[str, list[tuple[Node, Node]]]:
        """Updates by item or risk ref; risks' refs must differ from every item's."""
        item_refs = {r.text("Ref") for s in ITEM_SHEETS.values() for r in rows[s.name]}
        for row in rows[RISKS.name]:
            node = row.get("Ref")
            if node is not None and not node.null and node.text in item_refs:
                self.error(
                    node.location,
                    f"expected a risk ref that is not an item's ref, found {node.text!r}",
                )
        found: dict[str, list[tuple[Node, Node]]] = {}
        for row in rows[UPDATES.name]:
            ref, period = row.cell("Ref"), row.get("Period")
            if ref is None or period is None:
                continue  # the validator reports the empty required cell
            self.ref_nodes.setdefault(ref.text, ref)
            entry = self.mapping(self._fields(row, UPDATES), row)
            found.setdefault(ref.text, []).append((period, entry))
        kpi_refs = {r.text("Ref") for r in rows[ITEM_SHEETS["kpis"].name]}
        for name in list(found):
            if name in kpi_refs:
                del found[name]
                self.error(
                    self.ref_nodes[name].location,
                    f"{name} is a KPI: its values go on the KPI values sheet",
                )
        return found

    def _keyed(self, name: str, pairs: list[tuple[Node, Node]], row: Row) -> tuple[Node, Node]:
        mapping = Node(
            Shape.MAPPING, entries=tuple(pairs), line=row.position, location=row.location
        )
        return self.key(name, mapping), mapping

    # -- narrative ------------------------------------------------------------------------

    def _narrative(self, rows: list[Row]) -> Entries:
        periods: dict[str, tuple[Node, dict[str, Any]]] = {}
        for row in rows:
            period = row.get("Period")
            if period is None or period.null:
                continue
            _, sections = periods.setdefault(period.text, (period, {}))
            self._narrative_row(row, sections)
        result: Entries = []
        for _, (period, sections) in periods.items():
            entries: Entries = []
            for name, content in sections.items():
                if name == "commentary":
                    pairs = [
                        (number, self.sequence(texts, number)) for number, texts in content.values()
                    ]
                    value = Node(
                        Shape.MAPPING,
                        entries=tuple(pairs),
                        line=period.line,
                        location=period.location,
                    )
                elif isinstance(content, list):
                    value = self.sequence(content, content[0] if content else period)
                else:
                    value = content
                entries.append((self.key(name, value), value))
            result.append(
                (
                    period,
                    Node(
                        Shape.MAPPING,
                        entries=tuple(entries),
                        line=period.line,
                        location=period.location,
                    ),
                )
            )
        return result

    def _narrative_row(self, row: Row, sections: dict[str, Any]) -> None:
        section_node = row.get("Section")
        number, status, text = row.get("Recommendation"), row.get("Status"), row.get("Text")
        if section_node is None or section_node.null:
            if number is not None or status is not None or text is not None:
                self.error(
                    row.location,
                    "expected a Section for this row (headlines, decisions, milestones, "
                    "next_steps, committee_recommendations, deep_dives, commentary or an "
                    "overview box)",
                )
            return  # a period with only its id: its narrative is present and empty
        section = section_node.text
        if section in NARRATIVE_LISTS or section == "deep_dives":
            wanted = number if section == "deep_dives" else text
            for other, label in ((number, "Recommendation"), (status, "Status"), (text, "Text")):
                if other is not None and other is not wanted:
                    self.error(other.location, f"a {section} row takes no {label}")
            node = wanted or self.scalar("", row, 0, null=True)
            sections.setdefault(section, []).append(node)
        elif section == "commentary":
            if number is None:
                self.error(row.location, "a commentary row needs the recommendation's number")
                return
            if status is not None:
                self.error(status.location, "a commentary row takes no Status")
            commentary = sections.setdefault("commentary", {})
            _, texts = commentary.setdefault(number.text, (number, []))
            if text is not None:
                texts.append(text)
        elif section in BOXES:
            if section in sections or f"{section}_reason" in sections:
                self.error(section_node.location, f"a second {section} row for this period")
                return
            if number is not None:
                self.error(number.location, f"a {section} row takes no Recommendation")
            if status is not None:
                sections[section] = status
            if text is not None:
                sections[f"{section}_reason"] = text
        else:
            sections_list = ", ".join((*NARRATIVE_LISTS, "deep_dives", "commentary", *BOXES))
            self.error(
                section_node.location,
                f"expected a section (one of {sections_list}), found {section!r}",
            )
