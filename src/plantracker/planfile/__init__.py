"""Plan files ⇄ domain ``Plan``: strict reading with every error at once, and writing.

docs/plan-file.md. ``load_plan`` reads and validates a YAML plan file; ``dump_plan``
and ``plan_to_yaml`` write one that reads back to an equal plan.

Each format's reading and writing live together: ``planfile.yaml`` and ``planfile.xlsx``
(the workbook; imported on demand, so reading YAML never loads openpyxl). ``build`` (the one
validator, node tree → ``Plan``), ``tree``, ``scalars`` and ``errors`` serve both formats.
"""

from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.yaml.read import load_plan, load_plan_bytes, load_plan_text
from plantracker.planfile.yaml.write import dump_plan, plan_to_yaml

__all__ = [
    "PlanError",
    "PlanFileError",
    "dump_plan",
    "load_plan",
    "load_plan_bytes",
    "load_plan_text",
    "plan_to_yaml",
]
