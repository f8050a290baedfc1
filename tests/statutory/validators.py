"""The DfE validators' virtualenv for the tests (``make setup`` builds it, ADR 0065)."""

from __future__ import annotations

import os

import pytest

from plantracker.statutory.validation import validators_python


def need_validators() -> None:
    """Skip where ``.venv-validators`` was not built, except in CI, where it must exist."""
    if not validators_python().exists():
        message = f"the DfE validators are not installed ({validators_python()}): make setup"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
