"""Reading a plan file's text for the planfile tests; the text itself (``PLAN_YAML``) and
``vary`` are in tests/builders.py."""

from __future__ import annotations

from plantracker.planfile import PlanError, PlanFileError, load_plan_text

NAME = "plan.yaml"


def errors_of(text: str) -> tuple[PlanError, ...]:
    """The errors of an invalid plan text (fails the test if the text is valid)."""
    try:
        load_plan_text(text, NAME)
    except PlanFileError as exc:
        assert exc.errors, "PlanFileError without errors"
        return exc.errors
    raise AssertionError("the plan was accepted")
