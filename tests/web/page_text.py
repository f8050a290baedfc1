"""What a person reads on a page: the response's HTML without its tags, entities decoded and
runs of white space made one, for the web tests that look for words on a page."""

from __future__ import annotations

import html
import re
from typing import Any


def page_text(response: Any) -> str:
    markup = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))
