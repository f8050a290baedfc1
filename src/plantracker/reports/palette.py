"""The report's colours, shared by the charts and the stylesheet.

Each status has a fill and the ink for text on it, chosen so that text on a status colour
meets WCAG AA contrast (4.5:1): white on the dark green, red, blue and purple; near-black on
amber and the greys. Colour is never the only signal — the status word or letter is always
printed too (docs/rules.md#statuses).
"""

from __future__ import annotations

from plantracker.domain.model import Status

INK = "#0b0c0c"  # body text
MUTED = "#505a5f"  # secondary text, rules (7:1 on white)
WHITE = "#ffffff"

STATUS_FILL: dict[Status, str] = {
    Status.GREEN: "#00703c",
    Status.AMBER: "#f5a700",
    Status.RED: "#d4351c",
    Status.BLUE: "#1d70b8",
    Status.NONE: "#e6e8e9",
    Status.NA: "#b1b4b6",
    Status.MISSING: "#6f3c97",
}
STATUS_INK: dict[Status, str] = {
    Status.GREEN: WHITE,
    Status.AMBER: INK,
    Status.RED: WHITE,
    Status.BLUE: WHITE,
    Status.NONE: INK,
    Status.NA: INK,
    Status.MISSING: WHITE,
}
# Direction words sit on white: green and red text both exceed 4.5:1 there.
TONE_INK: dict[str, str] = {
    "good": STATUS_FILL[Status.GREEN],
    "bad": STATUS_FILL[Status.RED],
    "same": MUTED,
    "none": MUTED,
}


def css_variables() -> str:
    """The palette as CSS custom properties, for the report's inline stylesheet."""
    lines = [f"  --ink: {INK};", f"  --muted: {MUTED};"]
    for status in Status:
        lines.append(f"  --fill-{status.value}: {STATUS_FILL[status]};")
        lines.append(f"  --ink-{status.value}: {STATUS_INK[status]};")
    for tone, colour in TONE_INK.items():
        lines.append(f"  --tone-{tone}: {colour};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
