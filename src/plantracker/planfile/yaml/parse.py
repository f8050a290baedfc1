"""YAML text → neutral ``Node`` tree, refusing what the plan file format does not allow.

Reads parser *events* (libyaml's when available) and builds the tree iteratively, rather
than composing PyYAML nodes: composing is recursive, so a deeply nested file would end in a
``RecursionError``, and events let anchors and aliases be refused at the first one, before
anything could expand (the "billion laughs"). Scalars keep their source text; no YAML type
resolution happens here (docs/plan-file.md#reading).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.tree import Node, Shape

MAX_BYTES = 20 * 1024 * 1024
"""Larger files are refused before parsing: the example plan is 80 kB, a synthetic plan 100
times its size (``plantracker synth --scale 100``) under 10 MB."""

MAX_DEPTH = 32
"""The format nests about ten levels deep; deeper nesting is refused, not explored."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {
    Shape.MAPPING: "tag:yaml.org,2002:map",
    Shape.SEQUENCE: "tag:yaml.org,2002:seq",
}
# YAML's printable characters (YAML 1.1 §5.1); anything else may not appear in the file.
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_LOADER: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Fatal(Exception):
    """Stops reading: the rest of the file cannot be trusted or should not be expanded."""


def _where(line: int, column: int) -> str:
    return f"line {line}, column {column}"


def too_large(size: int, file: str) -> PlanError | None:
    if size <= MAX_BYTES:
        return None
    return PlanError(
        file,
        "",
        f"the file is larger than {MAX_BYTES // 2**20} MB, the most a plan file may be "
        f"({size / 2**20:.1f} MB read)",
    )


def decode(data: bytes, file: str) -> str:
    """The UTF-8 text of ``data``, refusing files too large or not UTF-8."""
    large = too_large(len(data), file)
    if large is not None:
        raise PlanFileError([large])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise PlanFileError(
            [
                PlanError(
                    file,
                    "",
                    f"expected UTF-8 text, found the byte 0x{bad}, which is not UTF-8 "
                    f"(save the file as UTF-8) ({_where(line, column)})",
                )
            ]
        ) from None
    return text


def find_unprintable(text: str, file: str) -> PlanError | None:
    """An error for the first character YAML does not allow (control characters), if any."""
    bad_char = _NOT_PRINTABLE.search(text)
    if bad_char is None:
        return None
    start = bad_char.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return PlanError(
        file,
        "",
        f"the character U+{ord(bad_char.group()):04X} (a control or invisible character) is "
        f"not allowed in a plan file ({_where(line, column)})",
    )


def parse(text: str, file: str) -> tuple[Node, list[PlanError]]:
    """The document's tree, with the errors that do not stop reading (tags, odd keys).

    Raises ``PlanFileError`` for what does: invalid YAML, anchors or aliases, nesting deeper
    than ``MAX_DEPTH``, an empty file or more than one document.
    """
    soft: list[PlanError] = []
    try:
        root = _build(_events(text, file), file, soft)
    except _Fatal as exc:
        raise PlanFileError([PlanError(file, "", str(exc))]) from None
    return root, soft


def _events(text: str, file: str) -> Iterator[Any]:
    try:
        yield from yaml.parse(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        raise _Fatal(_syntax_message(exc, text)) from None
    except yaml.YAMLError as exc:
        raise _Fatal(f"not valid YAML: {exc}") from None


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "unreadable").strip()
    context = (exc.context or "").strip()
    where = ""
    if mark is not None:
        where = f" ({_where(mark.line + 1, mark.column + 1)})"
        lines = text.splitlines()
        if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
            return (
                "not valid YAML: found a tab character where YAML does not allow one "
                f"(indent with spaces){where}"
            )
    detail = problem
    if context:
        started = exc.context_mark
        at = f" at {_where(started.line + 1, started.column + 1)}" if started is not None else ""
        detail = f"{problem} ({context}{at})"
    return f"not valid YAML: {detail}{where}"


class _Frame:
    __slots__ = ("children", "column", "line", "shape")

    def __init__(self, shape: Shape, line: int, column: int) -> None:
        self.shape = shape
        self.children: list[Node] = []
        self.line = line
        self.column = column


def _build(events: Iterator[Any], file: str, soft: list[PlanError]) -> Node:
    stack: list[_Frame] = []
    root: Node | None = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            _refuse_anchor(event, line, column)
            node = _scalar(event, line, column, file, soft)
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            _refuse_anchor(event, line, column)
            shape = Shape.MAPPING if kind is yaml.MappingStartEvent else Shape.SEQUENCE
            if event.tag is not None and event.tag not in ("!", _COLLECTION_TAGS[shape]):
                soft.append(_tag_error(file, event.tag, line, column))
            if len(stack) >= MAX_DEPTH:
                raise _Fatal(
                    f"the file nests more than {MAX_DEPTH} levels deep; a plan file needs "
                    f"about ten ({_where(line, column)})"
                )
            stack.append(_Frame(shape, line, column))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            node = _close(frame, file, soft)
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
        elif kind is yaml.AliasEvent:
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            raise _Fatal(
                f"found the alias *{event.anchor}; anchors and aliases (&name, *name) are not "
                f"part of the plan file format, write the content out ({_where(line, column)})"
            )
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                line = event.start_mark.line + 1
                raise _Fatal(
                    "found a second YAML document (---); a plan file holds exactly one "
                    f"({_where(line, event.start_mark.column + 1)})"
                )
    if root is None:
        raise _Fatal(
            "the file is empty; expected a mapping with the keys format, plan, periods and "
            "recommendations"
        )
    return root


def _refuse_anchor(event: Any, line: int, column: int) -> None:
    if event.anchor is not None:
        raise _Fatal(
            f"found the anchor &{event.anchor}; anchors and aliases (&name, *name) are not "
            f"part of the plan file format, write the content out ({_where(line, column)})"
        )


def _tag_error(file: str, tag: str, line: int, column: int) -> PlanError:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return PlanError(
        file,
        "",
        f"found the YAML tag {shown}; tags are not part of the plan file format (quote text "
        f"instead) ({_where(line, column)})",
    )


def _scalar(event: Any, line: int, column: int, file: str, soft: list[PlanError]) -> Node:
    value: str = event.value
    plain = not event.style  # None (pure-Python parser) or "" (libyaml) for plain scalars
    tag = event.tag
    if tag is not None:
        if tag in ("!", _STR_TAG):
            plain = False  # an explicit string: text, like a quoted scalar
        else:
            soft.append(_tag_error(file, tag, line, column))
    return Node(
        Shape.SCALAR,
        text=value,
        quoted=not plain,
        null=plain and value in _NULLS,
        line=line,
        column=column,
    )


def _close(frame: _Frame, file: str, soft: list[PlanError]) -> Node:
    if frame.shape is Shape.SEQUENCE:
        return Node(
            Shape.SEQUENCE, items=tuple(frame.children), line=frame.line, column=frame.column
        )
    children = frame.children
    entries: list[tuple[Node, Node]] = []
    for index in range(0, len(children) - 1, 2):
        key, value = children[index], children[index + 1]
        if key.shape is not Shape.SCALAR:
            soft.append(
                PlanError(
                    file,
                    "",
                    f"expected a key (a word or an id), found a {key.shape.value} used as a key "
                    f"({key.location})",
                )
            )
            continue
        if key.null:
            soft.append(
                PlanError(file, "", f"expected a key, found an empty or null key ({key.location})")
            )
            continue
        entries.append((key, value))
    return Node(Shape.MAPPING, entries=tuple(entries), line=frame.line, column=frame.column)
