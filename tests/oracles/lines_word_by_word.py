"""The lines a wrapped text needs, counted word by word with each word measured on its own:
the reference that `toolkit.writers.row_heights.lines_needed` (a paragraph that fits measured
whole, widths summed in ems) must match."""

from __future__ import annotations

from toolkit.writers.row_heights import PADDING, text_width


def lines_needed(text: str, width: float, bold: bool = False, size: float = 11) -> int:
    room = max(width - PADDING, 1.0)
    space = text_width(" ", bold=bold, size=size)
    count = 0
    for paragraph in text.split("\n"):
        used, count = 0.0, count + 1
        for word in paragraph.split(" "):
            need = text_width(word, bold=bold, size=size)
            if used and used + space + need > room:
                count, used = count + 1, 0.0
            elif used:
                used += space
            while need > room:
                count, need = count + 1, need - room
            used += need
    return count
