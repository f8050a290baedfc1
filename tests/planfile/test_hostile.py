"""What the YAML parser rejects, hostile input, and fuzzing: only ever ``PlanFileError``.

docs/plan-file.md#errors: also for what the YAML parser itself rejects, say where; control
characters and alias bombs too (docs/plan-file.md#reading). No input may end in a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import PLAN_YAML, vary
from tests.planfile.plans import NAME, errors_of

from plantracker.planfile import (
    PlanFileError,
    load_plan,
    load_plan_bytes,
    load_plan_text,
)
from plantracker.planfile.yaml import parse as yaml_parse

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser (when installed) and with PyYAML's own."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
        monkeypatch.setattr(yaml_parse, "_LOADER", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yaml_parse, "_LOADER", yaml.SafeLoader)
    return str(request.param)


def only_error(data: str | bytes) -> str:
    with pytest.raises(PlanFileError) as caught:
        if isinstance(data, bytes):
            load_plan_bytes(data, NAME)
        else:
            load_plan_text(data, NAME)
    (error,) = caught.value.errors
    assert str(error).startswith(f"{NAME}: ")
    return error.message


@pytest.mark.usefixtures("parser")
def test_the_base_plan_reads_with_either_parser() -> None:
    assert load_plan_text(PLAN_YAML).recommendations[0].actions[0].ref == "1.10"


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            vary(("  organisation: Test Council\n", "\torganisation: Test Council\n")),
            ["found a tab character where YAML does not allow one", "(line 4, column 1)"],
        ),
        (
            'format: 1\nplan:\n  title: "Test plan\n',
            [
                "not valid YAML",
                "found unexpected end of stream",
                "quoted scalar at line 3, column 10",
            ],
        ),
        (
            vary(("expected: [2018-19-Q2]", "expected: [2018-19-Q2")),
            ["not valid YAML", "(line "],
        ),
        ("format: 1\n---\nformat: 1\n", ["a second YAML document (---)", "(line 2, column 1)"]),
        (BILLION_LAUGHS, ["found the anchor &a", "are not part of the plan file format"]),
        ("a: [1]\nb: *a\n", ["found the alias *a", "(line 2, column 4)"]),
        ("[" * 40 + "]" * 40, ["nests more than 32 levels deep"]),
        ("[" * 200_000, ["nest"]),  # libyaml has its own cap (1000), PyYAML reaches ours
    ],
    ids=[
        "tab",
        "broken quote",
        "unclosed list",
        "two documents",
        "billion laughs",
        "alias",
        "deep",
        "very deep",
    ],
)
def test_yaml_the_parser_rejects_is_one_error_saying_where(text: str, fragments: list[str]) -> None:
    message = only_error(text)
    for fragment in fragments:
        assert fragment in message


def test_a_very_deep_document_fails_on_the_depth_cap_with_the_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_parse, "_LOADER", yaml.SafeLoader)
    assert "nests more than 32 levels deep" in only_error("[" * 200_000)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            b"format: 1\nplan: a\x01b\n",
            "the character U+0001 (a control or invisible character) is not allowed in a plan "
            "file (line 2, column 8)",
        ),
        (b"format: 1\nplan: \x1b[31m\n", "U+001B"),
        (b"format: 1\n\x00\n", "U+0000"),
        (
            b"format: 1\nplan: caf\xe9\n",
            "expected UTF-8 text, found the byte 0xe9, which is not UTF-8 (save the file as UTF-8)"
            " (line 2, column 10)",
        ),
        ("format: 1\n".encode("utf-16"), "expected UTF-8 text, found the byte 0xff"),
    ],
    ids=["control character", "escape", "nul", "latin-1", "utf-16"],
)
def test_bytes_that_are_not_yaml_text(data: bytes, fragment: str) -> None:
    assert fragment in only_error(data)


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_parse, "MAX_BYTES", 2048)
    path = tmp_path / "big.yaml"
    path.write_text(PLAN_YAML * 2, encoding="utf-8")
    with pytest.raises(PlanFileError) as caught:
        load_plan(path)
    assert "the file is larger than 0 MB, the most a plan file may be" in str(caught.value)


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as caught:
        load_plan(tmp_path / "absent.yaml")
    assert str(caught.value) == f"{tmp_path / 'absent.yaml'}: no such file"
    with pytest.raises(PlanFileError) as caught:
        load_plan(tmp_path)
    assert "is a folder, not a plan file" in str(caught.value)


def test_unusual_keys_are_errors_not_crashes() -> None:
    errors = errors_of(vary(("format: 1\n", "format: 1\n? [a, b]\n: c\n~: d\n")))
    messages = [error.message for error in errors]
    assert any("found a sequence used as a key" in message for message in messages)
    assert any("found an empty or null key" in message for message in messages)


# -- fuzzing: nothing but PlanFileError -------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(data: str | bytes) -> None:
    try:
        if isinstance(data, bytes):
            load_plan_bytes(data, NAME)
        else:
            load_plan_text(data, NAME)
    except PlanFileError as exc:
        assert exc.errors
        assert all(str(error).startswith(f"{NAME}: ") for error in exc.errors)


@FUZZ
@given(st.text())
def test_arbitrary_text_never_crashes(text: str) -> None:
    read_or_refuse(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    read_or_refuse(data)


WORDS = st.sampled_from(
    [
        "format",
        "plan",
        "periods",
        "recommendations",
        "risks",
        "narrative",
        "id",
        "label",
        "start",
        "end",
        "number",
        "title",
        "aim",
        "actions",
        "kpis",
        "quality",
        "feedback",
        "ref",
        "updates",
        "values",
        "status",
        "value",
        "2018-19-Q1",
        "2018-19-Q2",
        "deep_dives",
        "commentary",
        "from",
        "until",
        "expected",
        "tolerance",
        "better",
        "green",
        "1.10",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    WORDS,
    st.text(max_size=20),
)
NESTED = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(WORDS, st.integers(), st.text(max_size=8)), children, max_size=5),
    ),
    max_leaves=30,
)


@FUZZ
@given(st.dictionaries(WORDS, NESTED, max_size=8))
def test_random_nested_yaml_never_crashes(document: dict[object, object]) -> None:
    read_or_refuse(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(st.data())
def test_the_base_plan_with_lines_changed_never_crashes(data: st.DataObject) -> None:
    lines = PLAN_YAML.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "replace", "indent"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "indent":
            lines[index] = "  " + lines[index]
        else:
            head = lines[index].split(":", 1)[0]
            lines[index] = f"{head}: {yaml.safe_dump(data.draw(SCALARS)).splitlines()[0]}\n"
        if not lines:
            break
    read_or_refuse("".join(lines))
