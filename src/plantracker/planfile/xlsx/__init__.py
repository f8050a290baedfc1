"""The plan as an Excel workbook (docs/plan-file.md#workbook).

``load_workbook_plan`` reads a ``.xlsx`` plan through the same validator as the YAML file
and refuses it whole on any error, each naming its sheet, row and column
(``KPI values!D14: expected a decimal number such as 58.6 or -3, found 'about 60'``).
``dump_workbook`` writes a plan so that reading it back gives an equal plan;
``template_bytes`` is the empty, documented workbook a plan starts from.
"""

from plantracker.planfile.xlsx.read import SUFFIX, load_workbook_bytes, load_workbook_plan
from plantracker.planfile.xlsx.write import (
    dump_workbook,
    plan_workbook,
    template_bytes,
    workbook_bytes,
)

__all__ = [
    "SUFFIX",
    "dump_workbook",
    "load_workbook_bytes",
    "load_workbook_plan",
    "plan_workbook",
    "template_bytes",
    "workbook_bytes",
]
