"""`plantracker synth --scale N [--seed S] -o FILE`.

Writes a synthetic plan about N times the example's size (``plantracker.synth``) as a YAML
plan file, atomically: a temporary file beside the target, then a rename, so a failure
never leaves a partial file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.domain.model import Kind
from plantracker.planfile import dump_plan
from plantracker.synth import synth_plan

YAML_SUFFIXES = (".yaml", ".yml")
MAX_SCALE = 200  # about 20 MB of YAML, the most a plan file may be


class Command(BaseCommand):
    help = "Write a synthetic plan N times the example's size, for benchmarks and load tests."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", required=True, type=int, metavar="N", help="size, in example plans"
        )
        parser.add_argument(
            "--seed", type=int, default=0, metavar="S", help="random seed (default 0)"
        )
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="the .yaml file to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: int = options["scale"]
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(
                f"--scale: expected a whole number from 1 to {MAX_SCALE}, found {scale}"
            )
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"{output}: is a folder; give the plan file's name")
        if output.suffix.lower() not in YAML_SUFFIXES:
            raise CommandError(
                f"{output}: expected a file name ending {' or '.join(YAML_SUFFIXES)}"
            )
        if not output.parent.is_dir():
            raise CommandError(f"{output}: the folder {output.parent} does not exist")
        plan = synth_plan(scale, options["seed"])
        try:
            dump_plan(plan, output)
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written: {exc.strerror or exc}") from None
        items = sum(len(rec.items(kind)) for rec in plan.recommendations for kind in Kind)
        self.stdout.write(
            f"{output}: {len(plan.recommendations)} recommendations, {items} items, "
            f"{len(plan.periods)} periods ({output.stat().st_size / 2**20:.1f} MB)"
        )
