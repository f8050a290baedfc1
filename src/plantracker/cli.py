"""The `plantracker` command: Django's management utility with plantracker's settings preset.

Every subcommand (validate, summary, report, ...) is a management command in
plantracker/tracker/management/commands/ (the API's `token` in
plantracker/api/management/commands/).
"""

import os
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured


def main(argv: Sequence[str] | None = None) -> int:
    """Run a plantracker subcommand; returns the process exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantracker.settings")
    args = list(sys.argv[1:] if argv is None else argv)

    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["plantracker", *args])
    except ImproperlyConfigured as exc:
        # A misconfigured environment is the user's to fix: say what, without a traceback.
        print(f"plantracker: configuration error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`plantracker summary ... | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
