"""`plantracker report PLAN --period ID --format html|pdf -o FILE`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from plantracker.reports.registry import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
PLANTRACKER = Path(sys.executable).with_name("plantracker")

SMALL = """\
format: 1
plan:
  title: Small plan
  organisation: Test Council
periods:
  - {id: 2018-19-Q2, label: "Q2 July – September 2018", start: 2018-07-01, end: 2018-09-30}
recommendations:
  - number: 1
    title: Only workstream
    aim: Do the one thing.
    actions:
      - ref: "1.A1"
        title: The action
        updates:
          2018-19-Q2: {status: red, commentary: "Late"}
"""


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_html_report_of_the_example(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    said = _report(str(EXAMPLE), "--period", "2018-19-Q2", "--format", "html", "-o", str(target))
    html = target.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Update for Scrutiny 7 December 2018" in html
    assert "1 of 68 actions (1%) is red" in html
    assert said.startswith(f"{target}: html report, ")
    assert _files(tmp_path) == ["report.html"]  # no temporary file left behind
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # readable like any file


def test_pdf_report_of_a_single_period_plan(tmp_path: Path) -> None:
    plan = tmp_path / "small.yaml"
    plan.write_text(SMALL, "utf-8")
    target = tmp_path / "report.pdf"
    _report(str(plan), "--period", "2018-19-Q2", "--format", "pdf", "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    assert _files(tmp_path) == ["report.pdf", "small.yaml"]


def test_the_report_command_writes_word(tmp_path: Path) -> None:
    assert RENDERERS["docx"].suffix == ".docx"
    path = tmp_path / "report.docx"
    call_command(
        "report",
        str(EXAMPLE),
        "--period",
        "2018-19-Q2",
        "--format",
        "docx",
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    assert Document(str(path)).paragraphs[0] is not None
    assert any(p.text == "Overall plan" for p in Document(str(path)).paragraphs)


def test_unknown_format_lists_the_formats(tmp_path: Path) -> None:
    target = tmp_path / "report.odt"
    with pytest.raises(CommandError) as error:
        _report(str(EXAMPLE), "--period", "2018-19-Q2", "--format", "odt", "-o", str(target))
    message = str(error.value)
    assert "unknown format 'odt'" in message
    for name in RENDERERS:
        assert name in message
    assert _files(tmp_path) == []


def test_unknown_period_names_the_plans_periods(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    with pytest.raises(CommandError) as error:
        _report(str(EXAMPLE), "--period", "2018-19-Q4", "--format", "html", "-o", str(target))
    assert "2018-19-Q4" in str(error.value)
    assert "2018-19-Q1, 2018-19-Q2" in str(error.value)
    assert _files(tmp_path) == []


def test_invalid_plan_names_where_and_leaves_nothing(tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(SMALL.replace("status: red", "status: purple"), "utf-8")
    target = tmp_path / "report.html"
    with pytest.raises(CommandError) as error:
        _report(str(plan), "--period", "2018-19-Q2", "--format", "html", "-o", str(target))
    assert "purple" in str(error.value)
    assert _files(tmp_path) == ["bad.yaml"]


@pytest.mark.parametrize("where", ["missing/report.html", "file.txt/report.html", "."])
def test_output_path_that_cannot_be_written(tmp_path: Path, where: str) -> None:
    (tmp_path / "file.txt").write_text("not a folder", "utf-8")
    before = _files(tmp_path)
    with pytest.raises(CommandError) as error:
        _report(
            str(EXAMPLE), "--period", "2018-19-Q2", "--format", "html", "-o", str(tmp_path / where)
        )
    assert str(tmp_path / where).rstrip("/.") in str(error.value)
    assert _files(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CommandError, match="not writable"):
            _report(
                str(EXAMPLE),
                "--period",
                "2018-19-Q2",
                "--format",
                "html",
                "-o",
                str(folder / "report.html"),
            )
        assert _files(folder) == []
    finally:
        folder.chmod(0o700)


def test_a_failed_write_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("last quarter's report", "utf-8")

    def disk_full(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(CommandError, match="No space left on device"):
        _report(str(EXAMPLE), "--period", "2018-19-Q2", "--format", "html", "-o", str(target))
    assert target.read_text("utf-8") == "last quarter's report"
    assert _files(tmp_path) == ["report.html"]


def test_a_failed_render_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(report: object) -> bytes:
        raise RuntimeError("layout engine fell over")

    monkeypatch.setattr(RENDERERS["pdf"], "render", broken)
    target = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="could not render the pdf report: layout engine"):
        _report(str(EXAMPLE), "--period", "2018-19-Q2", "--format", "pdf", "-o", str(target))
    assert _files(tmp_path) == []


@pytest.mark.slow
def test_bad_input_exits_1_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [
            str(PLANTRACKER),
            "report",
            str(EXAMPLE),
            "--period",
            "2030-31-Q1",
            "--format",
            "html",
            "-o",
            str(tmp_path / "report.html"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("CommandError: unknown period '2030-31-Q1'")
    assert _files(tmp_path) == []
