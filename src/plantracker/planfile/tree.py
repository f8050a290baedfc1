"""A neutral tree of a plan file's content, whatever the file's format.

The YAML reader (and the workbook reader) turn their input into ``Node`` trees; one
validator (``planfile.build``) turns a tree into the domain ``Plan``. Every scalar keeps
the text it was written with, so refs stay text (``1.10``) and numbers stay exact
(``58.60``): docs/plan-file.md#numbers.
"""

from __future__ import annotations

from enum import Enum


class Shape(Enum):
    MAPPING = "mapping"
    SEQUENCE = "sequence"
    SCALAR = "scalar"


class Node:
    """A mapping, a sequence or a scalar, and where it was written.

    ``text`` is a scalar's source text. ``quoted`` says the author marked it as text (a quoted
    or block YAML scalar, a text cell); ``null`` says it is empty or ``null``. ``location`` is
    human-readable: ``line 14, column 7`` in YAML, ``KPI values!D14`` in a workbook.

    A plain slotted class rather than a dataclass: a large plan has millions of nodes.
    Treat instances as read-only.
    """

    __slots__ = ("_label", "column", "entries", "items", "line", "null", "quoted", "shape", "text")

    def __init__(
        self,
        shape: Shape,
        *,
        text: str = "",
        quoted: bool = False,
        null: bool = False,
        items: tuple[Node, ...] = (),
        entries: tuple[tuple[Node, Node], ...] = (),
        line: int = 0,
        column: int = 0,
        location: str | None = None,
    ) -> None:
        self.shape = shape
        self.text = text
        self.quoted = quoted
        self.null = null
        self.items = items
        self.entries = entries
        self.line = line
        self.column = column
        self._label = location

    @property
    def location(self) -> str:
        if self._label is not None:
            return self._label
        return f"line {self.line}, column {self.column}"

    def __repr__(self) -> str:
        if self.shape is Shape.SCALAR:
            return f"Node(scalar {self.text!r} at {self.location})"
        return f"Node({self.shape.value} at {self.location})"


def scalar(text: str, *, location: str, quoted: bool = False, null: bool = False) -> Node:
    return Node(Shape.SCALAR, text=text, quoted=quoted, null=null, location=location)


def mapping(entries: tuple[tuple[Node, Node], ...], *, location: str) -> Node:
    return Node(Shape.MAPPING, entries=entries, location=location)


def sequence(items: tuple[Node, ...], *, location: str) -> Node:
    return Node(Shape.SEQUENCE, items=items, location=location)
