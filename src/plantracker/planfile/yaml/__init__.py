"""The YAML plan file: ``parse`` (text → the neutral node tree), ``read`` (file → ``Plan``
through ``planfile.build``) and ``write`` (``Plan`` → text that reads back equal)."""

from plantracker.planfile.yaml.read import load_plan, load_plan_bytes, load_plan_text
from plantracker.planfile.yaml.write import dump_plan, plan_to_yaml

__all__ = ["dump_plan", "load_plan", "load_plan_bytes", "load_plan_text", "plan_to_yaml"]
