"""The `plantracker` command as a user runs it: the installed console script, in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLANTRACKER = Path(sys.executable).with_name("plantracker")


pytestmark = pytest.mark.slow  # each test starts the `plantracker` command


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "LOG_LEVEL"}}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(PLANTRACKER), *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def test_help_lists_the_subcommands() -> None:
    result = run("help")

    assert result.returncode == 0, result.stderr
    assert "Type 'plantracker help <subcommand>'" in result.stdout
    assert "migrate" in result.stdout.split()


def test_unknown_command_is_refused_without_a_traceback() -> None:
    result = run("nosuchcommand")

    assert result.returncode != 0
    assert "Unknown command: 'nosuchcommand'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "environment variable DEBUG='maybe' is not a boolean"),
        ({"LOG_LEVEL": "loud"}, "environment variable LOG_LEVEL='loud' is not a log level"),
    ],
)
def test_bad_environment_is_a_one_line_configuration_error(
    env: dict[str, str], message: str
) -> None:
    result = run("check", env=env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"plantracker: configuration error: {message}")


def test_check_passes_with_the_local_defaults() -> None:
    result = run("check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_output_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    # `plantracker validate ... | head`: the reader closes the pipe early. The plan is large
    # enough that its problems list overflows the pipe's buffer, so a write really fails.
    plan = tmp_path / "big.yaml"
    assert run("synth", "--scale", "20", "-o", str(plan)).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    pipeline = subprocess.run(
        f"'{PLANTRACKER}' validate '{plan}' | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert len(pipeline.stdout) == 1
    assert "Traceback" not in pipeline.stderr
    assert "BrokenPipeError" not in pipeline.stderr
