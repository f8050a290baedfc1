"""Plan files ⇄ domain ``Plan``: strict reading with every error at once, and writing.

DESIGN.md "Plan file". ``load_plan`` reads and validates a YAML plan file; ``dump_plan``
and ``plan_to_yaml`` write one that reads back to an equal plan.
"""

from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.reader import load_plan, load_plan_bytes, load_plan_text
from plantracker.planfile.writer import dump_plan, plan_to_yaml

__all__ = [
    "PlanError",
    "PlanFileError",
    "dump_plan",
    "load_plan",
    "load_plan_bytes",
    "load_plan_text",
    "plan_to_yaml",
]
