"""What a spreadsheet's number format code says of the number it shows.

A percent format (`0%`, `0.00%`) shows its number times a hundred: Excel keeps a cell showing
100 % as 1, so the reader of a percentage needs the cell's format to know what was typed
(`toolkit.intake.percent_cells` for a file, `toolkit.excel.book` for a live book).
"""

from __future__ import annotations

import re

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
