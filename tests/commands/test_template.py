"""`plantracker template`: an empty, documented plan workbook."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from plantracker.planfile.xlsx.layout import README, SHEET_NAMES


def test_the_template_command_writes_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "start.xlsx"
    out = io.StringIO()
    call_command("template", "-o", str(path), stdout=out)
    assert openpyxl.load_workbook(path).sheetnames == [README, *SHEET_NAMES]
    assert "13 sheets and a README" in out.getvalue()
    with pytest.raises(CommandError, match=r"expected a file name ending \.xlsx"):
        call_command("template", "-o", str(tmp_path / "start.yaml"))
    assert not (tmp_path / "start.yaml").exists()
