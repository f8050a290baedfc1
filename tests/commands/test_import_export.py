"""`plantracker import` and `plantracker export`, in process (call_command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.builders import PLAN_YAML, vary
from tests.tracker.factories import PlanRecordFactory

from plantracker.domain.evaluate import evaluate
from plantracker.domain.summary import summary_dict
from plantracker.domain.texts import MAX_TEXT
from plantracker.planfile import load_plan, plan_to_yaml
from plantracker.tracker.models import Item, Organisation, PlanRecord, Update

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"

INVALID = """\
format: 1
plan: {title: Broken Plan, organisation: Broken Council, colour: blue}
periods: [{id: P1, label: First, start: 2018-04-01, end: 2018-06-30}]
recommendations:
  - number: 1
    title: R
    aim: A
    actions: [{ref: "1.1", title: X, updates: {P1: {status: purple}}}]
"""

pytestmark = pytest.mark.django_db


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_import_creates_then_updates_the_plan() -> None:
    output = command("import", str(EXAMPLE))
    assert output == (
        f"imported plan {SLUG} (Example County Council): 2 periods, 10 recommendations, "
        "147 items, 1 risk\n"
    )
    record = PlanRecord.objects.get()
    assert (record.slug, record.organisation.name) == (SLUG, "Example County Council")

    assert command("import", str(EXAMPLE)).startswith(f"updated plan {SLUG} ")
    assert PlanRecord.objects.get().pk == record.pk


def test_import_under_a_chosen_slug() -> None:
    command("import", str(EXAMPLE), "--slug", "cip-2018")
    assert list(PlanRecord.objects.values_list("slug", flat=True)) == ["cip-2018"]


def test_an_invalid_file_is_refused_with_every_error_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(INVALID, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        command("import", str(path))
    lines = str(error.value).splitlines()
    assert len(lines) >= 2
    assert all(line.startswith(str(path)) for line in lines)
    assert any("colour" in line for line in lines)
    assert any("purple" in line for line in lines)
    assert (PlanRecord.objects.count(), Organisation.objects.count(), Item.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.yaml", "no such file"), ("notes.txt", "expected a plan file ending .yaml")],
)
def test_import_needs_an_existing_plan_file(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        command("import", str(tmp_path / name))
    assert PlanRecord.objects.count() == 0


def test_import_refuses_a_bad_slug_and_another_organisations_slug() -> None:
    with pytest.raises(CommandError, match="slug 'Not A Slug' must be"):
        command("import", str(EXAMPLE), "--slug", "Not A Slug")
    PlanRecordFactory(slug="taken", organisation__name="Other Council")
    with pytest.raises(CommandError, match="belongs to Other Council"):
        command("import", str(EXAMPLE), "--slug", "taken")
    assert list(PlanRecord.objects.values_list("slug", flat=True)) == ["taken"]


@pytest.mark.parametrize("source", ["slug", "file"])
def test_export_writes_the_plan_file(tmp_path: Path, source: str) -> None:
    command("import", str(EXAMPLE))
    output = tmp_path / "exported.yaml"
    plan_argument = SLUG if source == "slug" else str(EXAMPLE)
    message = command("export", plan_argument, "--format", "yaml", "-o", str(output))
    assert message.startswith(f"{output}: yaml plan file, ")
    assert output.read_text(encoding="utf-8") == plan_to_yaml(load_plan(EXAMPLE))


def test_summary_accepts_a_slug() -> None:
    command("import", str(EXAMPLE))
    from_database = command("summary", SLUG, "--period", "2018-19-Q2", "--json")
    from_file = command("summary", str(EXAMPLE), "--period", "2018-19-Q2", "--json")
    assert from_database == from_file
    assert '"count": 68' in from_database
    expected = summary_dict(evaluate(load_plan(EXAMPLE), "2018-19-Q2"))
    assert f'"plan": "{expected["plan"]}"' in from_database


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--format", "yaml"], "no plan file or plan slug 'nope'"),
        ([SLUG, "--format", "docx"], "unknown format 'docx'; the formats are: yaml"),
    ],
)
def test_export_refuses_bad_input_and_leaves_the_target_alone(
    tmp_path: Path, args: list[str], message: str
) -> None:
    command("import", str(EXAMPLE))
    output = tmp_path / "existing.yaml"
    output.write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        command("export", *args, "-o", str(output))
    assert output.read_text(encoding="utf-8") == "keep me"
    assert [path.name for path in tmp_path.iterdir()] == ["existing.yaml"]


def test_export_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    command("import", str(EXAMPLE))
    output = tmp_path / "no-such-folder" / "plan.yaml"
    with pytest.raises(CommandError, match="no-such-folder does not exist"):
        command("export", SLUG, "--format", "yaml", "-o", str(output))
    assert not output.parent.exists()


def test_a_plan_argument_that_is_another_kind_of_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"expected a plan file ending \.yaml or \.yml"):
        command("export", str(tmp_path), "--format", "yaml", "-o", str(tmp_path / "x.yaml"))


def test_a_text_over_the_limit_is_refused_by_import_and_nothing_changes(tmp_path: Path) -> None:
    """docs/plan-file.md#limits: the same limit as the web forms and the API."""
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    command("import", str(path), "--slug", "limits")
    long = "x" * (MAX_TEXT + 1)
    path.write_text(vary(('commentary: "Poor take-up"', f"commentary: {long}")), "utf-8")
    with pytest.raises(CommandError) as error:
        command("import", str(path), "--slug", "limits")
    assert str(error.value).startswith(
        f"{path}: recommendations[0].actions[0].updates.2018-19-Q2.commentary: "
        "expected text of at most 10,000 characters, found 10,001 characters (line 21"
    )
    stored = Update.objects.get(item__ref="1.10", period__code="2018-19-Q2")
    assert stored.commentary == "Poor take-up"
