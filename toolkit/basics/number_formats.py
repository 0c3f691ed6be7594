"""What a spreadsheet's number format code says of the number it shows.

A percent format (`0%`, `0.00%`) shows its number times a hundred: Excel keeps a cell showing
100 % as 1, so the reader of a percentage needs the cell's format to know what was typed
(`toolkit.intake.percent_cells` for a file, `toolkit.excel.book` for a live book). A format of
zeros alone (`00000`) shows a whole number with the leading zeros a code has, which the cell
does not hold: a CAP 00184 is kept as 184 (`zero_padding`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, MutableMapping, MutableSet
from typing import TypeVar

_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
"""What a format shows as written, not as a number: quoted text, an escaped character, a
bracketed colour or condition; a `%` there (`0" %"`) divides nothing."""


def is_percent_format(code: str | None) -> bool:
    """Whether a number format code shows its number as a percentage.

    >>> is_percent_format("0.0%"), is_percent_format('0" %"'), is_percent_format("#,##0.00 €")
    (True, False, False)
    >>> is_percent_format(None), is_percent_format("General")
    (False, False)
    """
    return bool(code) and "%" in _LITERAL.sub("", code or "")


def zero_padding(code: str | None) -> int:
    """The digits a plain format of zeros shows a whole number with (`0000000000`: a telephone
    0115551234 kept as 115551234), or 0 for any other format: one with a text, a decimal, a
    separator or a section of its own (`"IT"00000`, `000-0000`, `00000;-00000`) shows what only
    Excel knows how to write, and a single `0` pads nothing.

    >>> zero_padding("00000"), zero_padding("0000000000"), zero_padding("0"), zero_padding("General")
    (5, 10, 0, 0)
    >>> zero_padding('"IT"00000'), zero_padding("00000.00"), zero_padding(None)
    (0, 0, 0)
    """
    return len(code) if code and len(code) > 1 and code.strip("0") == "" else 0


K = TypeVar("K", bound=Hashable)


def note_shown(code: str | None, key: K, percent: MutableSet[K], padding: MutableMapping[K, int]) -> None:
    """File a workbook's number format `key` (an id of its styles table) by what its `code` shows
    of a number: into `percent` when it is a percentage, else into `padding` with its digits when
    it pads with zeros (`zero_padding`); any other format, nowhere. One rule for the .xlsx,
    .xlsb and .xls readers, each with its own ids.

    >>> percent, padding = set(), {}
    >>> for key, code in enumerate(["0%", "00000", "General"]): note_shown(code, key, percent, padding)
    >>> percent, padding
    ({0}, {1: 5})
    """
    if is_percent_format(code):
        percent.add(key)
    elif digits := zero_padding(code):
        padding[key] = digits
