"""Request bodies as JSON whose numbers are exact Decimals (as plan files are read,
docs/plan-file.md#numbers: never through a float), refusing NaN and Infinity."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


class ExactJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_float=Decimal, parse_constant=_no_constant)
