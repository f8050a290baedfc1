"""Fixtures for the statutory tests: a synthetic store shared by the slower tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from plantracker.statutory import load_paths
from plantracker.synth.returns import synth_returns


@dataclass(frozen=True)
class Synthetic:
    returns: Path
    store: Path


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    """Two authorities × three collection years (2023–2025), synthesised and loaded once.

    Seed 11: no figure of authority 101 in 2024-25 is a suppressed count (1 to 5).
    """
    base = tmp_path_factory.mktemp("synthetic")
    returns = base / "returns"
    synth_returns(returns, las=2, years=3, end_year=2025, seed=11)
    store = base / "store" / "statutory.duckdb"
    store.parent.mkdir()
    report = load_paths([returns], store)
    assert not report.refused
    return Synthetic(returns, store)
