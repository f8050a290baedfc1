"""How much room text needs in a box, measured conservatively (for PowerPoint and Word).

PowerPoint does not reflow a deck: text that does not fit runs out of its box or off the
slide. The deck is laid out here instead, by measuring every word with Arial's advance
widths, which are the standard Helvetica metrics (Arial and Liberation Sans share them),
plus a safety margin. Characters outside that table (rare in a plan) are measured with
DejaVu Sans, which ships with matplotlib and is wider than Arial for most characters.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache

import matplotlib
from PIL import ImageFont

LINE_SPACING = 1.2
"""Single line spacing in PowerPoint and Word is about 1.2 times the font size."""

SAFETY = 1.05
"""Every width is taken 5 % wider than the font's metrics say: renderers differ a little."""

# Advance widths of Arial / Helvetica (1000 units per em) for the printable ASCII characters
# " " to "~", regular and bold: the Adobe Helvetica AFM metrics, which Arial matches.
_ASCII_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
)  # fmt: skip
_ASCII_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584,
)  # fmt: skip
# Common typographic characters in plan text, as in Arial (regular, bold).
_EXTRA = {
    "–": (556, 556), "—": (1000, 1000), "‘": (222, 278), "’": (222, 278), "“": (333, 500),
    "”": (333, 500), "…": (1000, 1000), "£": (556, 556), "€": (556, 556), "•": (350, 350),
    "↑": (500, 500), "↓": (500, 500), "→": (1000, 1000), "■": (604, 604), "·": (278, 278),
    "¹": (333, 333), "²": (333, 333), "³": (333, 333), "×": (584, 584), "é": (556, 556),
}  # fmt: skip
_EM = 1000
_FONTS = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


@lru_cache(maxsize=2)
def _fallback_font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(os.path.join(_FONTS, name), _EM)


def _char_width(char: str, bold: bool) -> float:
    code = ord(char)
    if 32 <= code <= 126:
        return (_ASCII_BOLD if bold else _ASCII_REGULAR)[code - 32]
    if char in _EXTRA:
        return _EXTRA[char][1 if bold else 0]
    return max(float(_fallback_font(bold).getlength(char)), _EM * 0.6)


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    return sum(_char_width(char, bold) for char in text) * SAFETY


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of ``text`` on one line at ``size`` points (with the margin)."""
    return _em_width(text, bold) * size / _EM


def longest_word_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text``'s widest word (0 for no words): a box narrower than that
    breaks the word across lines, as PowerPoint and Word do."""
    return max((text_width(word, size, bold=bold) for word in text.split()), default=0.0)


def line_count(text: str, width: float, size: float, *, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped at word boundaries into ``width`` points.

    Each ``\\n`` starts a new line; a word longer than the line is broken, as PowerPoint
    and Word do. Empty text still takes one line.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    total = 0
    space = text_width(" ", size, bold=bold)
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            needed = text_width(word, size, bold=bold)
            if used and used + space + needed <= width:
                used += space + needed
                continue
            if used:
                lines += 1
            if needed > width:
                extra = math.ceil(needed / width)
                lines += extra - 1
                used = needed - (extra - 1) * width
            else:
                used = needed
        total += lines
    return total


def text_height(text: str, width: float, size: float, *, bold: bool = False) -> float:
    """Height in points of ``text`` wrapped into ``width`` points at ``size`` points."""
    return line_count(text, width, size, bold=bold) * size * LINE_SPACING


def paragraphs_height(
    paragraphs: Iterable[str], width: float, size: float, *, space_after: float = 0.0
) -> float:
    """Height of a list of paragraphs (bullets), each followed by ``space_after`` points."""
    return sum(text_height(p, width, size) + space_after for p in paragraphs)


def split_to_fit(
    paragraphs: Sequence[str],
    width: float,
    height: float,
    size: float,
    *,
    space_after: float = 0.0,
) -> list[list[str]]:
    """``paragraphs`` in consecutive groups, each group fitting ``width`` × ``height``.

    A paragraph is never split; one taller than the box is a group of its own (the caller
    chooses a smaller size for it, see ``fitting_size``).
    """
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    for paragraph in paragraphs:
        needed = text_height(paragraph, width, size) + space_after
        if current and used + needed > height:
            groups.append(current)
            current, used = [], 0.0
        current.append(paragraph)
        used += needed
    if current:
        groups.append(current)
    return groups


def fitting_size(
    paragraphs: Sequence[str],
    width: float,
    height: float,
    sizes: Sequence[float],
    *,
    space_after: float = 0.0,
    bold: bool = False,
) -> float:
    """The largest of ``sizes`` (tried in order) at which all ``paragraphs`` fit the box
    with no word broken across lines (a word wider than the box is broken, "measure/s");
    if a word is too wide at every size (a long address), the largest at which they fit.

    Falls back to the last (smallest) size; callers that cannot accept an overflow split
    the text with ``split_to_fit`` first.
    """
    broken: float | None = None  # the largest size that fits with a word broken
    for size in sizes:
        needed = sum(text_height(p, width, size, bold=bold) + space_after for p in paragraphs)
        if needed > height:
            continue
        if all(longest_word_width(p, size, bold=bold) <= width for p in paragraphs):
            return size
        if broken is None:
            broken = size
    return broken if broken is not None else sizes[-1]


MORE = " …"


def shorten_to_fit(
    text: str, width: float, height: float, size: float, *, bold: bool = False
) -> str:
    """``text``, or as many of its first words as fit ``width`` × ``height`` followed by
    " …", for the rare text too long for its box at the smallest size allowed."""
    if text_height(text, width, size, bold=bold) <= height:
        return text
    words = text.split(" ")
    low, high = 0, len(words)  # the longest prefix that fits is words[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if text_height(" ".join(words[:middle]) + MORE, width, size, bold=bold) <= height:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + MORE
